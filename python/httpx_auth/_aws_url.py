"""URLs to presign, split into (scheme, netloc, raw path) without building an
``httpx.URL`` when the URL already is in the form httpx would send it in.

A parsed ``httpx.URL`` is read as it is. A string that needs nothing httpx would
change or check (ASCII, no characters it escapes, a lowercase host that is not IDNA, no
default or empty port, no dot segments, valid escapes) is split with ``urllib.parse``; anything else goes
through ``httpx.URL`` so the result is the one httpx would send.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import httpx

from httpx_auth._errors import InvalidParameter

# Path and query characters httpx sends unchanged (RFC 3986 pchar, "/", "?").
_PLAIN = re.compile(r"https?://[a-z0-9.\-]+(?::[1-9][0-9]{0,4})?(?:[/?#][A-Za-z0-9\-._~!$&'()*+,;=:@/?#]*)?")
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_DEFAULT_PORTS = {"http": 80, "https": 443}

Split = tuple[str, str, bytes]


def _plain(url: str) -> Split | None:
    """The split of ``url`` if httpx would leave it as it is, else ``None``."""
    text = _ESCAPE.sub("A", url) if "%" in url else url
    if not _PLAIN.fullmatch(text):
        return None
    parts = urlsplit(url)
    netloc = parts.netloc
    try:
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname
    if not host or "xn--" in host or netloc.endswith(":") or port == _DEFAULT_PORTS[parts.scheme]:
        return None  # IDNA hosts are httpx's to check; default ports are dropped by it
    rest = url[len(parts.scheme) + 3 + len(netloc) :].partition("#")[0]
    path = rest.partition("?")[0]
    if "/." in path or path.startswith("."):
        return None
    if not rest.startswith("/"):
        rest = "/" + rest
    return parts.scheme, netloc, rest.encode("ascii")


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
            split = _plain(text) or _parsed(httpx.URL(text))
    except (httpx.InvalidURL, ValueError, TypeError):
        raise InvalidParameter(f"{name} is not a valid URL.") from None
    if split is None:
        raise InvalidParameter(
            f"{name} must be an absolute http(s) URL, such as 'https://bucket.s3.amazonaws.com/key'."
        )
    return split
