"""URLs to presign, checked: split into (scheme, netloc, raw path) without building an
``httpx.URL`` when the URL already is in the form httpx would send it in, or parsed
(``absolute_url``) when the whole URL is needed.

A parsed ``httpx.URL`` is read as it is. A string that needs nothing httpx would
change or check (``split_plain_url`` of the core: ASCII, no characters it escapes, a
lowercase host that is not IDNA, no default or empty port, no dot segments, valid
escapes) is split by the core; anything else goes through ``httpx.URL`` so the result
is the one httpx would send.
"""

from __future__ import annotations

from typing import Any

import httpx

from httpx_auth import _core
from httpx_auth._errors import InvalidParameter

Split = tuple[str, str, bytes]


def _parsed(url: httpx.URL) -> Split | None:
    if not url.is_absolute_url or not url.host or url.scheme not in ("http", "https"):
        return None
    return url.scheme, url.netloc.decode("ascii"), url.raw_path


def split_url(name: str, url: Any) -> Split:
    """``url`` (a string or a URL object) as (scheme, netloc, raw path and query)."""
    try:
        if isinstance(url, httpx.URL):
            split = _parsed(url)
        else:
            text = url if isinstance(url, str) else str(url)
            split = _core.backend.split_plain_url(text) or _parsed(httpx.URL(text))
    except (httpx.InvalidURL, ValueError, TypeError):
        raise InvalidParameter(f"{name} is not a valid URL.") from None
    if split is None:
        raise InvalidParameter(
            f"{name} must be an absolute http(s) URL, such as 'https://bucket.s3.amazonaws.com/key'."
        )
    return split


def absolute_url(name: str, url: Any) -> httpx.URL:
    """``url`` parsed, when it is an absolute http(s) URL."""
    try:
        parsed = httpx.URL(str(url))
    except (httpx.InvalidURL, ValueError, TypeError):
        raise InvalidParameter(f"{name} is not a valid URL.") from None
    if not parsed.is_absolute_url or not parsed.host or parsed.scheme not in ("http", "https"):
        raise InvalidParameter(f"{name} must be an absolute http(s) URL, such as 'https://bucket.s3.amazonaws.com/key'.")
    return parsed
