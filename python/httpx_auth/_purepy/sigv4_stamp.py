"""What a SigV4 signature made within one second shares, in pure Python, the twin of
``rust/sigv4_stamp.rs``: the ``x-amz-date``, the credential scope and the signing key
(with the head of the string to sign). The signing time is an argument: nothing here
reads the clock.
"""

from __future__ import annotations

import hashlib
import time
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from hashlib import _Hash

from httpx_auth._purepy.signing_key import signing_key
from httpx_auth._purepy.sigv4 import ALGORITHM

MAX_TIMESTAMP = 253_402_300_799  # 9999-12-31T23:59:59Z
_INNER_PAD = bytes(byte ^ 0x36 for byte in range(256))  # RFC 2104's ipad, as a translation
_OUTER_PAD = bytes(byte ^ 0x5C for byte in range(256))  # and opad


def amz_date(timestamp: int) -> str:
    """``YYYYMMDDTHHMMSSZ`` for ``timestamp`` seconds since the epoch (UTC)."""
    if not 0 <= timestamp <= MAX_TIMESTAMP:
        raise ValueError(f"timestamp {timestamp} is outside 1970-01-01..9999-12-31")
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(timestamp))


def sigv4_amz_date(timestamp: int) -> str:
    """``YYYYMMDDTHHMMSSZ`` of ``timestamp`` (S3 POST policies, aws-chunked uploads)."""
    return amz_date(timestamp)


class Stamp(NamedTuple):
    """What a signature made within one second shares: the date, scope and key (and
    an HMAC already fed the head of the string to sign)."""

    timestamp: int
    amz_date: str
    scope: str
    key: bytes
    date_bytes: bytes
    # HMAC-SHA256 (RFC 2104) as two SHA-256 states, the inner one already fed the key's
    # pad and the head "AWS4-HMAC-SHA256\n<date>\n<scope>\n": a signature then copies
    # them, cheaper than ``hmac``.
    inner: _Hash
    outer: _Hash

    @classmethod
    def new(cls, secret_key: str, region: str, service: str, timestamp: int) -> Stamp:
        date = amz_date(timestamp)
        scope = f"{date[:8]}/{region}/{service}/aws4_request"
        return cls.of(timestamp, date, scope, signing_key(secret_key, date[:8], region, service))

    @classmethod
    def of(cls, timestamp: int, date: str, scope: str, key: bytes) -> Stamp:
        head = f"{ALGORITHM}\n{date}\n{scope}\n".encode("utf-8")
        padded = key.ljust(64, b"\0")  # a signing key is 32 bytes, under SHA-256's block
        inner = hashlib.sha256(padded.translate(_INNER_PAD) + head)
        outer = hashlib.sha256(padded.translate(_OUTER_PAD))
        return cls(timestamp, date, scope, key, date.encode("ascii"), inner, outer)

    def at(self, secret_key: str, region: str, service: str, timestamp: int) -> Stamp:
        """The stamp of a later second: key and scope kept within the same day."""
        date = amz_date(timestamp)
        if date[:8] != self.amz_date[:8]:
            return Stamp.new(secret_key, region, service, timestamp)
        return Stamp.of(timestamp, date, self.scope, self.key)

    def sign(self, canonical_request: bytes) -> str:
        """The HMAC of the string to sign: the head then the request's hash."""
        inner = self.inner.copy()
        inner.update(hashlib.sha256(canonical_request).hexdigest().encode("ascii"))
        outer = self.outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()
