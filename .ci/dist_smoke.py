#!/usr/bin/env python3
"""Smoke check of an installed httpx_auth, run by the interpreter of the venv it is in.

    python -I .ci/dist_smoke.py --backend rust|python --version X.Y.Z --libs httpx[,httpx2]

The package comes from the venv, has the version and backend expected, imports every module
it holds, authenticates requests (through a mock transport) with each listed HTTP library,
sync and async, and its offline demo reproduces AWS's published signature. httpx2 must be
absent unless listed (a minimal install works without it). Runs on Python 3.9+, PyPy too.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import importlib.util
import os
import pkgutil
import subprocess
import sys
from pathlib import Path
from typing import Any


def fail(message: str) -> None:
    raise SystemExit(f"dist_smoke: FAILED: {message}")


def check_origin(module: Any) -> None:
    if sys.prefix == sys.base_prefix or Path(sys.prefix).resolve() not in Path(module.__file__).resolve().parents:
        fail(f"{module.__name__} comes from {module.__file__}, not from the venv {sys.prefix}")


def check_modules(package: Any) -> list[str]:
    """Import every submodule; only a missing optional third-party library is forgiven."""
    notes = []
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        try:
            if not info.name.endswith(".__main__"):  # importing it would run the demo
                check_origin(importlib.import_module(info.name))
        except ModuleNotFoundError as exc:
            if exc.name is None or exc.name.partition(".")[0] == package.__name__:
                raise
            notes.append(f"{info.name} needs {exc.name}")
    return notes


def check_library(httpx_auth: Any, lib_name: str) -> None:
    lib, url, sent = importlib.import_module(lib_name), "https://example.invalid/path?a=1", []

    def handler(request: Any) -> Any:
        sent.append(request)
        return lib.Response(200)

    def client(cls: Any) -> Any:
        keys = httpx_auth.HeaderApiKey("k123", header_name="X-Key") + httpx_auth.QueryApiKey("q 1", "key")
        return cls(transport=lib.MockTransport(handler), auth=httpx_auth.Basic("user", "pa ss") + keys)

    async def run_async() -> None:
        async with client(lib.AsyncClient) as async_client:
            await async_client.get(url)

    with client(lib.Client) as sync_client:
        sync_client.get(url)
    asyncio.run(run_async())
    basic = "Basic " + base64.b64encode(b"user:pa ss").decode()
    if len(sent) != 2:
        fail(f"{lib_name}: {len(sent)} requests reached the transport, expected 2")
    for mode, request in zip(("sync", "async"), sent):
        headers = request.headers
        if (headers.get("authorization"), headers.get("x-key")) != (basic, "k123") or "&key=q%201" not in str(request.url):
            fail(f"{lib_name} {mode}: the auths were not applied: {request.url} {dict(headers)}")


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
    if httpx_auth.BACKEND != args.backend:
        fail(f"BACKEND is {httpx_auth.BACKEND!r}, expected {args.backend!r}")
    if args.backend == "rust":
        check_origin(importlib.import_module("httpx_auth._native"))
    elif importlib.util.find_spec("httpx_auth._native") and os.environ.get("HTTPX_AUTH_NO_EXTENSIONS", "") in ("", "0"):
        fail("a compiled extension is installed although BACKEND is python")
    if "httpx2" not in libs and importlib.util.find_spec("httpx2") is not None:
        fail("httpx2 is installed; this check is meant to run without it")
    for lib_name in libs:
        check_library(httpx_auth, lib_name)
    demo = subprocess.run([sys.executable, "-I", "-m", "httpx_auth"], capture_output=True, text=True, timeout=120)
    if demo.returncode != 0 or "signature matches the one published by AWS" not in demo.stdout:
        fail(f"python -m httpx_auth ({demo.returncode}): {demo.stdout[-1000:]} {demo.stderr[-2000:]}")
    notes_shown = f" ({'; '.join(notes)})" if notes else ""
    print(f"dist_smoke: ok: httpx_auth {httpx_auth.__version__} on {sys.implementation.name} {sys.version.split()[0]},"
          f" BACKEND={httpx_auth.BACKEND}, {' + '.join(libs)} sync and async, demo ran{notes_shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
