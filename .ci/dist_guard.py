"""pytest plugin of .ci/dist_test.py (``-p dist_guard``): only the venv's install is tested.

Stops the run (exit 3) if ``httpx_auth`` or one of its modules was imported from anywhere
but the venv (a source tree on the path would hide a broken artifact), or if the default
backend is not HTTPX_AUTH_EXPECT_BACKEND.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest


def _strays() -> list[str]:
    prefix = Path(sys.prefix).resolve()
    found = [(name, getattr(module, "__file__", None)) for name, module in list(sys.modules.items())]
    return [f"{n} from {f}" for n, f in found if n.partition(".")[0] == "httpx_auth" and f and prefix not in Path(f).resolve().parents]


def pytest_collection_finish(session: Any) -> None:
    import httpx_auth

    if sys.prefix == sys.base_prefix or _strays():
        pytest.exit(f"not the venv's installed package: {sys.executable}, {_strays()[:3]}", returncode=3)
    if httpx_auth.BACKEND != os.environ["HTTPX_AUTH_EXPECT_BACKEND"]:
        pytest.exit(f"default BACKEND is {httpx_auth.BACKEND!r}, not {os.environ['HTTPX_AUTH_EXPECT_BACKEND']!r}", returncode=3)
    print(f"\ndist_guard: testing {Path(httpx_auth.__file__).parent} (BACKEND={httpx_auth.BACKEND})")


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    if _strays():
        print(f"dist_guard: modules imported from outside the venv: {_strays()}", file=sys.stderr)
        session.exitstatus = 3
