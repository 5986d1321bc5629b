#!/usr/bin/env python3
"""Smoke check of an installed httpx_auth, run by the interpreter of the venv it is in.

    python -I .ci/dist_smoke.py --backend rust|python --version X.Y.Z --libs httpx[,httpx2]

The package comes from the venv, has the version and backend expected, imports every
module it holds, authenticates requests (through a mock transport) with each listed HTTP
library, sync and async, and its offline demo runs and reproduces AWS's published
signature. A library not listed must be absent (a minimal install works without httpx2).
Runs on every Python the package supports (3.9 and up, PyPy too).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import importlib
import importlib.util
import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path
from typing import Any

OPTIONAL_LIBS = ("httpx2",)


def fail(message: str) -> None:
    raise SystemExit(f"dist_smoke: FAILED: {message}")


def check_origin(module: Any) -> None:
    if sys.prefix == sys.base_prefix or Path(sys.prefix).resolve() not in Path(module.__file__).resolve().parents:
        fail(f"{module.__name__} comes from {module.__file__}, not from the venv {sys.prefix}")


def check_modules(package: Any) -> list[str]:
    """Import every submodule; only a missing optional third-party library is forgiven."""
    notes = []
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if info.name.endswith(".__main__"):
            continue  # importing it would run the demo
        try:
            check_origin(importlib.import_module(info.name))
        except ModuleNotFoundError as exc:
            if exc.name is None or exc.name.partition(".")[0] == package.__name__:
                raise
            notes.append(f"{info.name} needs {exc.name}")
    return notes


def check_backend(expected: str) -> None:
    import httpx_auth

    if httpx_auth.BACKEND != expected:
        fail(f"BACKEND is {httpx_auth.BACKEND!r}, expected {expected!r}")
    if expected == "rust":
        check_origin(importlib.import_module("httpx_auth._native"))
    elif importlib.util.find_spec("httpx_auth._native") and os.environ.get("HTTPX_AUTH_NO_EXTENSIONS", "") in ("", "0"):
        fail("a compiled extension is installed although BACKEND is python")


def echo(request: Any) -> Any:
    lib = sys.modules[type(request).__module__.partition(".")[0]]
    return lib.Response(200, json={"url": str(request.url), "headers": dict(request.headers)})


def check_library(lib_name: str) -> None:
    import httpx_auth

    lib = importlib.import_module(lib_name)
    url = "https://example.invalid/path?a=1"

    def auth() -> Any:
        keys = httpx_auth.HeaderApiKey("k123", header_name="X-Key") + httpx_auth.QueryApiKey("q 1", "key")
        return httpx_auth.Basic("user", "pa ss") + keys

    def check(mode: str, answer: Any) -> None:
        sent = json.loads(answer.content)
        headers = {k.lower(): v for k, v in sent["headers"].items()}
        basic = "Basic " + base64.b64encode(b"user:pa ss").decode()
        if (headers.get("authorization"), headers.get("x-key")) != (basic, "k123") or "&key=q%201" not in sent["url"]:
            fail(f"{lib_name} {mode}: the auths were not applied: {sent}")

    with lib.Client(transport=lib.MockTransport(echo), auth=auth()) as client:
        check("sync", client.get(url))

    async def run_async() -> Any:
        async with lib.AsyncClient(transport=lib.MockTransport(echo), auth=auth()) as client:
            return await client.get(url)

    check("async", asyncio.run(run_async()))


def check_demo() -> None:
    demo = subprocess.run([sys.executable, "-I", "-m", "httpx_auth"], capture_output=True, text=True, timeout=120)
    if demo.returncode != 0 or "signature matches the one published by AWS" not in demo.stdout:
        fail(f"python -m httpx_auth ({demo.returncode}): {demo.stdout[-1000:]} {demo.stderr[-2000:]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("rust", "python"), required=True)
    parser.add_argument("--version", required=True)
    parser.add_argument("--libs", default="httpx", help="comma-separated HTTP libraries to drive")
    args = parser.parse_args()
    libs = [lib for lib in args.libs.split(",") if lib]

    import httpx_auth

    check_origin(httpx_auth)
    if httpx_auth.__version__ != args.version:
        fail(f"__version__ is {httpx_auth.__version__!r}, expected {args.version!r}")
    notes = check_modules(httpx_auth)
    check_backend(args.backend)
    for optional in OPTIONAL_LIBS:
        if optional not in libs and importlib.util.find_spec(optional) is not None:
            fail(f"{optional} is installed; this check is meant to run without it")
    for lib_name in libs:
        check_library(lib_name)
    check_demo()
    print(
        f"dist_smoke: ok: httpx_auth {httpx_auth.__version__} on {sys.implementation.name} {sys.version.split()[0]},"
        f" BACKEND={httpx_auth.BACKEND}, {' + '.join(libs)} sync and async, demo ran"
        + (f" ({'; '.join(notes)})" if notes else "")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
