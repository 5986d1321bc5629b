#!/usr/bin/env python3
"""Smoke check of an installed httpx_auth, run by the interpreter of the venv it is in.

    python -I .ci/dist_smoke.py --backend rust|python --version X.Y.Z --libs httpx[,httpx2]

Checks that the package comes from the venv (not a source tree), has the expected
version and backend, imports every one of its modules, authenticates real requests
(through a mock transport) with each listed HTTP library, sync and async, and that
its offline demo (``python -m httpx_auth``) runs.
Libraries not listed must be absent: a minimal install works without httpx2.
Runs on every Python the package supports (3.9 and up).
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

# RFC 7636 appendix B: the verifier and its S256 challenge.
PKCE_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
PKCE_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
OPTIONAL_LIBS = ("httpx2",)


def fail(message: str) -> None:
    print(f"dist_smoke: FAILED: {message}", file=sys.stderr)
    raise SystemExit(1)


def check_origin(module: Any) -> Path:
    where = Path(module.__file__).resolve()
    prefix = Path(sys.prefix).resolve()
    if sys.prefix == sys.base_prefix:
        fail(f"{sys.executable} is not a virtual environment's interpreter")
    if prefix not in where.parents:
        fail(f"{module.__name__} comes from {where}, not from the venv {prefix}")
    return where


def check_modules(package: Any) -> list[str]:
    """Import every submodule; only a missing optional third-party library is forgiven."""
    notes = []
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if info.name.endswith(".__main__"):
            continue  # importing it would run the demo
        try:
            module = importlib.import_module(info.name)
        except ModuleNotFoundError as exc:
            if exc.name is None or exc.name.partition(".")[0] == package.__name__:
                raise
            notes.append(f"{info.name} needs {exc.name}")
            continue
        check_origin(module)
    return notes


def check_backend(expected: str) -> None:
    import httpx_auth
    from httpx_auth import _core, _purepy

    if httpx_auth.BACKEND != expected:
        fail(f"BACKEND is {httpx_auth.BACKEND!r}, expected {expected!r}")
    if expected == "rust":
        native = importlib.import_module("httpx_auth._native")
        check_origin(native)
        if _core.backend is not native:
            fail("the compiled core is installed but _core does not use it")
    else:
        if _core.backend is not _purepy:
            fail("BACKEND says python but _core does not use the pure-Python twin")
        forced = os.environ.get("HTTPX_AUTH_NO_EXTENSIONS", "") not in ("", "0")
        if not forced and importlib.util.find_spec("httpx_auth._native") is not None:
            fail("a compiled extension is installed although BACKEND is python")
    for core in (_core.backend, _purepy):
        if core.pkce_s256_challenge(PKCE_VERIFIER) != PKCE_CHALLENGE:
            fail(f"{core.__name__}.pkce_s256_challenge disagrees with RFC 7636")


def echo(request: Any) -> Any:
    lib = sys.modules[type(request).__module__.partition(".")[0]]
    body = {"url": str(request.url), "headers": dict(request.headers)}
    return lib.Response(200, json=body)


def check_answer(lib_name: str, mode: str, answer: Any) -> None:
    sent = json.loads(answer.content)
    basic = "Basic " + base64.b64encode(b"user:pa ss").decode()
    headers = {k.lower(): v for k, v in sent["headers"].items()}
    if headers.get("authorization") != basic or headers.get("x-key") != "k123":
        fail(f"{lib_name} {mode}: auth headers not sent: {headers}")
    if not sent["url"].endswith("/path?a=1&key=q%201"):
        fail(f"{lib_name} {mode}: query API key not sent: {sent['url']}")


def check_library(lib_name: str) -> None:
    import httpx_auth

    lib = importlib.import_module(lib_name)

    def auth() -> Any:
        return (
            httpx_auth.Basic("user", "pa ss")
            + httpx_auth.HeaderApiKey("k123", header_name="X-Key")
            + httpx_auth.QueryApiKey("q 1", query_parameter_name="key")
        )

    url = "https://example.invalid/path?a=1"
    with lib.Client(transport=lib.MockTransport(echo), auth=auth()) as client:
        check_answer(lib_name, "sync", client.get(url))

    async def run_async() -> Any:
        async with lib.AsyncClient(transport=lib.MockTransport(echo), auth=auth()) as client:
            return await client.get(url)

    check_answer(lib_name, "async", asyncio.run(run_async()))


def check_demo() -> str:
    """``python -m httpx_auth`` (an offline tour) runs from the install, if the package has one."""
    if importlib.util.find_spec("httpx_auth.__main__") is None:
        return "no python -m httpx_auth"
    demo = subprocess.run(
        [sys.executable, "-I", "-m", "httpx_auth"], capture_output=True, text=True, timeout=120
    )
    if demo.returncode != 0 or not demo.stdout.strip():
        fail(f"python -m httpx_auth failed ({demo.returncode}): {demo.stderr.strip()[-2000:]}")
    return "python -m httpx_auth ran"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("rust", "python"), required=True)
    parser.add_argument("--version", required=True)
    parser.add_argument("--libs", default="httpx", help="comma-separated HTTP libraries to drive")
    args = parser.parse_args()
    libs = [lib for lib in args.libs.split(",") if lib]

    import httpx_auth

    where = check_origin(httpx_auth)
    if httpx_auth.__version__ != args.version:
        fail(f"__version__ is {httpx_auth.__version__!r}, expected {args.version!r}")
    notes = check_modules(httpx_auth)
    check_backend(args.backend)
    for optional in OPTIONAL_LIBS:
        if optional not in libs and importlib.util.find_spec(optional) is not None:
            fail(f"{optional} is installed; this check is meant to run without it")
    for lib_name in libs:
        check_library(lib_name)
    notes.append(check_demo())
    extra = f" ({'; '.join(notes)})" if notes else ""
    print(
        f"dist_smoke: ok: httpx_auth {httpx_auth.__version__} on Python {sys.version.split()[0]}"
        f" from {where.parent}, BACKEND={httpx_auth.BACKEND}, {' + '.join(libs)} sync and async{extra}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
