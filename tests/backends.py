"""The core's backends available in this install (imported by tests and conftest)."""

from __future__ import annotations

from types import ModuleType

from httpx_auth import _purepy

native: ModuleType | None
try:
    from httpx_auth import _native as native
except ImportError:  # a pure-Python install: only the twin can be tested
    native = None

BACKENDS: dict[str, ModuleType] = {"python": _purepy, **({"rust": native} if native is not None else {})}
