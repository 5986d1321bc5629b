"""httpx and, when installed, httpx2: the classes our auth objects must be both of.

httpx2 (the maintained fork) checks ``isinstance(auth, httpx2.Auth)``, httpx checks
``isinstance(auth, httpx.Auth)``; our base inherits from both so one object serves
either client. Requests we create are built with the caller's own library.

httpx2 is never imported for the user: when it is already imported, our classes are
built on it; otherwise a finder on ``sys.meta_path`` waits for its import and then
adds ``httpx2.Auth`` / ``httpx2.HTTPError`` to the bases of the classes registered
with ``also_httpx2`` (the application that imports httpx2 pays for it, once).
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any, TypeVar

import httpx

T = TypeVar("T", bound=type)

_loaded: ModuleType | None = sys.modules.get("httpx2")


def bases_of(*names: str) -> tuple[type, ...]:
    """httpx's classes of these names, then httpx2's when it is already imported."""
    found = tuple(getattr(httpx, name) for name in names)
    if _loaded is not None:
        found += tuple(getattr(_loaded, name) for name in names)
    return found


AUTH_BASES: tuple[type, ...] = bases_of("Auth")
HTTP_ERROR_BASES: tuple[type, ...] = bases_of("HTTPError")

# (class, names of the httpx2 classes it must also derive from), bound once httpx2 loads.
_waiting: list[tuple[type, tuple[str, ...]]] = []


def _bind(httpx2: ModuleType) -> None:
    for cls, names in _waiting:
        extra = tuple(b for b in (getattr(httpx2, name) for name in names) if b not in cls.__mro__)
        if extra:
            bases = list(cls.__bases__)
            at = max(i for i, b in enumerate(bases) if b.__module__.partition(".")[0] == "httpx") + 1
            cls.__bases__ = (*bases[:at], *extra, *bases[at:])
    _waiting.clear()
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _Httpx2Finder)]


class _Loader:
    """Runs httpx2's own loader, then binds the waiting classes."""

    def __init__(self, loader: Any) -> None:
        self.loader = loader

    def create_module(self, spec: Any) -> Any:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self.loader.exec_module(module)
        _bind(module)


class _Httpx2Finder:
    """A ``sys.meta_path`` finder that only watches for ``import httpx2``: it lends
    httpx2's spec a loader that binds our classes, and leaves once they are bound."""

    busy = False

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if fullname != "httpx2" or self.busy:
            return None
        import importlib.util

        self.busy = True
        try:
            spec = importlib.util.find_spec(fullname)
        finally:
            self.busy = False
        if spec is not None and spec.loader is not None:
            spec.loader = _Loader(spec.loader)  # type: ignore[assignment]
        return spec


def also_httpx2(*names: str) -> Any:
    """Class decorator for a class built on ``bases_of(*names)``: it derives from
    httpx2's classes of these names too, as soon as httpx2 is imported."""

    def register(cls: T) -> T:
        if _loaded is None:
            _waiting.append((cls, names))
        return cls

    return register


if _loaded is None:
    sys.meta_path.insert(0, _Httpx2Finder())


def library_of(request: Any) -> Any:
    """The HTTP library (``httpx`` or ``httpx2``) that ``request`` belongs to."""
    return sys.modules[type(request).__module__.partition(".")[0]]
