"""httpx and, when installed, httpx2: the classes our auth objects must be both of.

httpx2 (the maintained fork) checks ``isinstance(auth, httpx2.Auth)``, httpx checks
``isinstance(auth, httpx.Auth)``; our base inherits from both so one object serves
either client. Requests we create are built with the caller's own library.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType
from typing import Any

import httpx

httpx2: ModuleType | None = None
if importlib.util.find_spec("httpx2") is not None:  # optional extra
    import httpx2

AUTH_BASES: tuple[type, ...] = (httpx.Auth,) if httpx2 is None else (httpx.Auth, httpx2.Auth)
HTTP_ERROR_BASES: tuple[type, ...] = (
    (httpx.HTTPError,) if httpx2 is None else (httpx.HTTPError, httpx2.HTTPError)
)


def library_of(request: Any) -> Any:
    """The HTTP library (``httpx`` or ``httpx2``) that ``request`` belongs to."""
    return sys.modules[type(request).__module__.partition(".")[0]]
