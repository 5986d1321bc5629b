"""A token the resource server rejected (RFC 6750 §3.1), and whether its request may be
sent again.

A ``401`` answer whose ``WWW-Authenticate`` header holds a ``Bearer`` challenge (or a
``DPoP`` one, for a DPoP-bound token: RFC 9449 §7.1) with ``error="invalid_token"``
says the token was revoked, expired early or is otherwise unusable. The grant then
drops it and sends the request once more with a new token, only when the request's
body can be sent again (bytes or form data, or a body already read; not a stream) and
never twice for one request.
"""

from __future__ import annotations

import re
import weakref
from typing import Any

from httpx_auth import _compat

# One item of a WWW-Authenticate header (RFC 9110 §11.6.1): a token, optionally followed
# by "=" and a token or a quoted string. A token without "=" starts a new challenge.
_ITEM = re.compile(r'\s*([!#$%&\'*+.^_`|~0-9A-Za-z-]+)(?:\s*=\s*("(?:[^"\\]|\\.)*"|[^\s,]*))?\s*,?')

_retried: weakref.WeakSet[Any] = weakref.WeakSet()


def bearer_error(header: str, scheme: str = "bearer") -> str | None:
    """The ``error`` parameter of the ``Bearer`` challenge (or of the ``scheme`` one, in
    lower case) in a ``WWW-Authenticate`` value."""
    current: str | None = None
    position = 0
    while position < len(header):
        match = _ITEM.match(header, position)
        if match is None or match.end() == position:
            return None  # not a header we can read
        position = match.end()
        name, value = match.group(1), match.group(2)
        if value is None:
            current = name.lower()
        elif current == scheme and name.lower() == "error":
            return value[1:-1].replace("\\", "") if value.startswith('"') else value
    return None


def rejects_token(response: Any) -> bool:
    """Whether ``response`` is an RFC 6750 (or RFC 9449) ``401`` with ``error="invalid_token"``."""
    if response is None or response.status_code != 401:  # None: a driver that sends no response back
        return False
    return any(
        "invalid_token" in (bearer_error(value), bearer_error(value, "dpop"))
        for value in response.headers.get_list("www-authenticate")
    )


def replayable(request: Any) -> bool:
    """Whether ``request``'s body can be sent a second time."""
    return isinstance(request.stream, _compat.library_of(request).ByteStream)


def rejected(request: Any, response: Any) -> bool:
    """Whether ``response`` rejects the token of ``request``, for the first time."""
    return request not in _retried and rejects_token(response)


def claim_retry(request: Any) -> bool:
    """Whether ``request`` may be sent again; when it may, it is marked so that it never
    is a second time."""
    if request in _retried or not replayable(request):
        return False
    _retried.add(request)
    return True
