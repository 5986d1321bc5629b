"""Backend selection: the compiled core when present, its pure-Python twin otherwise.

Callers do ``from httpx_auth import _core`` and call ``_core.backend.<name>`` at call
time, so tests can swap the backend and run one suite against both.

The contract is written once, in the compiled core's stub ``_native.pyi``. To mypy,
``backend`` *is* that module, so every call site is checked against the stub, and
``mypy.stubtest`` checks the stub against the compiled module. The twin is held to it
by ``tests/core/test_backend.py``: the same names, parameters and annotations as the
stub and the compiled module (mypy cannot compare two modules, and a Protocol listing
every signature a third time is what this replaces).
"""

from __future__ import annotations

import os
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from httpx_auth import _native

    backend = _native
    Signer = _native.SigV4Signer  # a SigV4 signer of whichever backend made it
else:
    Signer = Any


def _extensions_disabled() -> bool:
    value = os.environ.get("HTTPX_AUTH_NO_EXTENSIONS", "")
    return value not in ("", "0")


def available() -> dict[str, ModuleType]:
    """The backends this process may use, by name: the twin always, the compiled core
    when it imports and ``HTTPX_AUTH_NO_EXTENSIONS`` does not rule it out. The test
    suite and the benchmarks run on each of these (one mechanism for both)."""
    from httpx_auth import _purepy

    found: dict[str, ModuleType] = {"python": _purepy}
    if not _extensions_disabled():
        try:
            from httpx_auth import _native
        except ImportError:
            pass
        else:
            found["rust"] = _native
    return found


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


BACKEND: str
backend, BACKEND = _load()


def use(module: ModuleType, name: str) -> None:
    """Switch the active backend (used by the test suite to cover both)."""
    global backend, BACKEND
    backend, BACKEND = module, name
