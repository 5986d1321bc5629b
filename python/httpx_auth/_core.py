"""Backend selection: the compiled core when present, its pure-Python twin otherwise.

Callers do ``from httpx_auth import _core`` and call ``_core.backend.<fn>(...)`` at call
time, so tests can swap the backend and run one suite against both.
"""

from __future__ import annotations

import os
from types import ModuleType


def _extensions_disabled() -> bool:
    value = os.environ.get("HTTPX_AUTH_NO_EXTENSIONS", "")
    return value not in ("", "0")


def _load() -> tuple[ModuleType, str]:
    if not _extensions_disabled():
        try:
            from httpx_auth import _native
        except ImportError:
            pass
        else:
            return _native, "rust"
    from httpx_auth import _purepy

    return _purepy, "python"


backend, BACKEND = _load()


def use(module: ModuleType, name: str) -> None:
    """Switch the active backend (used by the test suite to cover both)."""
    global backend, BACKEND
    backend, BACKEND = module, name
