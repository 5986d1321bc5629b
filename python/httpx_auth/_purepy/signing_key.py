"""The SigV4 signing key in pure Python, the twin of ``rust/signing_key.rs``: HMAC-SHA256
chained over the date, region, service and ``aws4_request``, cached."""

from __future__ import annotations

import hmac
from functools import lru_cache


@lru_cache(maxsize=16)
def signing_key(secret_key: str, date: str, region: str, service: str) -> bytes:
    """The signing key for ``date`` (``YYYYMMDD``), region and service (cached)."""
    key = hmac.digest(("AWS4" + secret_key).encode("utf-8"), date.encode("utf-8"), "sha256")
    key = hmac.digest(key, region.encode("utf-8"), "sha256")
    key = hmac.digest(key, service.encode("utf-8"), "sha256")
    return hmac.digest(key, b"aws4_request", "sha256")


def sigv4_signing_key(secret_key: str, date: str, region: str, service: str) -> bytes:
    """The signing key of ``date`` (``YYYYMMDD``), region and service (cached)."""
    return signing_key(secret_key, date, region, service)
