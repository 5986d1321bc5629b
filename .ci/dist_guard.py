"""pytest plugin for .ci/dist_test.py: the package under test is the venv's install.

Loaded with ``-p dist_guard`` by the venv's interpreter. Stops the run (exit 3) if
``httpx_auth`` or one of its modules was imported from anywhere but the venv (a source
tree on the path would hide a broken artifact), or if the default backend is not
HTTPX_AUTH_EXPECT_BACKEND.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest


def _strays() -> list[str]:
    prefix = Path(sys.prefix).resolve()
    found = []
    for name, module in list(sys.modules.items()):
        origin = getattr(module, "__file__", None)
        if name.partition(".")[0] == "httpx_auth" and origin and prefix not in Path(origin).resolve().parents:
            found.append(f"{name} from {origin}")
    return found


def pytest_collection_finish(session: Any) -> None:
    import httpx_auth

    expected = os.environ["HTTPX_AUTH_EXPECT_BACKEND"]
    if sys.prefix == sys.base_prefix:
        pytest.exit(f"{sys.executable} is not a venv's interpreter", returncode=3)
    if _strays():
        pytest.exit(f"not the installed package: {_strays()[:3]}", returncode=3)
    if httpx_auth.BACKEND != expected:
        pytest.exit(f"default BACKEND is {httpx_auth.BACKEND!r}, expected {expected!r}", returncode=3)
    print(f"\ndist_guard: testing {Path(httpx_auth.__file__).parent} (BACKEND={httpx_auth.BACKEND})")


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    if _strays():
        print(f"dist_guard: modules imported from outside the venv: {_strays()}", file=sys.stderr)
        session.exitstatus = 3
