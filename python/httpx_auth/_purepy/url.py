"""URLs given as text, split without a URL library when httpx would send them
unchanged: the twin of ``rust/url.rs`` (same rules, same results)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# Path and query characters httpx sends unchanged (RFC 3986 pchar, "/", "?"); a
# lowercase host; a port without a leading zero (group 1).
_PLAIN = re.compile(r"https?://[a-z0-9.\-]+(?::([1-9][0-9]{0,4}))?(?:[/?#][A-Za-z0-9\-._~!$&'()*+,;=:@/?#]*)?")
# A host of an IPv4 address's form must be one: httpx refuses 127.0.0.1000 and 127.0.0.01.
_IPV4_FORM = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+")
_IPV4 = re.compile(r"(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])")
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_DEFAULT_PORTS = {"http": "80", "https": "443"}


def split_plain_url(url: str) -> tuple[str, str, bytes] | None:
    """``(scheme, netloc, path?query)`` of a URL httpx would send unchanged, else None."""
    match = _PLAIN.fullmatch(_ESCAPE.sub("A", url) if "%" in url else url)
    if match is None:
        return None
    scheme, netloc, path, query, _ = urlsplit(url)
    port = match.group(1)
    if port is not None and (port == _DEFAULT_PORTS[scheme] or int(port) > 65535):
        return None  # httpx drops default ports and refuses impossible ones
    host = netloc.partition(":")[0]
    if _IPV4_FORM.fullmatch(host) and not _IPV4.fullmatch(host):
        return None  # httpx refuses it
    if "xn--" in netloc or "/." in path:
        return None  # IDNA hosts are httpx's to check; it removes dot segments
    if not path.startswith("/"):
        path = "/" + path
    if query or url.partition("#")[0].endswith("?"):
        path = f"{path}?{query}"
    return scheme, netloc, path.encode("ascii")
