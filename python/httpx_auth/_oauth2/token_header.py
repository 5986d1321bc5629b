"""The header that carries a token, formatted and encoded once per token.

Setting a header through ``Headers.__setitem__`` encodes the name and value and scans
for duplicates on every request: about half the cost of a cached-token flow. httpx and
httpx2 keep headers as a list of ``(raw name, lowercase name, value)`` byte triples;
when the request does not already have the header, the pre-encoded triple is appended
to it directly. A request that has it (set by the caller, or a retry of the same
request) goes through ``__setitem__``, which replaces every occurrence.
"""

from __future__ import annotations

from typing import Any

# Headers classes by whether their byte-triple list can be appended to directly.
_APPENDABLE: dict[type, bool] = {}


def _appendable(headers_type: type) -> bool:
    known = _APPENDABLE.get(headers_type)
    if known is None:
        known = headers_type.__name__ == "Headers" and headers_type.__module__.partition(".")[0] in ("httpx", "httpx2")
        try:
            known = known and isinstance(headers_type()._list, list)
        except Exception:  # another layout: use the public API
            known = False
        _APPENDABLE[headers_type] = known
    return known


class TokenHeader:
    """``header_name: header_value`` with ``{token}`` replaced, ready to put in requests."""

    __slots__ = ("name", "template", "_raw_name", "_lower_name", "_last")

    def __init__(self, name: str, template: str) -> None:
        self.name = name
        self.template = template
        self._raw_name = name.encode("ascii")  # checked to be an RFC 9110 token
        self._lower_name = self._raw_name.lower()
        # The last token seen, its header value, and that value encoded (None unless ASCII).
        # One tuple, replaced at once: threads sharing the auth read consistent values.
        self._last: tuple[str, str, bytes | None] = ("", "", None)

    def put(self, request: Any, access_token: str) -> None:
        """Set the header of ``request`` to carry ``access_token``."""
        last_token, value, encoded = self._last
        if access_token != last_token or not value:
            value = self.template.format(token=access_token)
            encoded = value.encode("ascii") if value.isascii() else None
            self._last = (access_token, value, encoded)
        headers = request.headers
        if encoded is not None and _appendable(type(headers)):
            entries = headers._list
            lower = self._lower_name
            for entry in entries:
                if entry[1] == lower:
                    break
            else:
                entries.append((self._raw_name, lower, encoded))
                return
        headers[self.name] = value
