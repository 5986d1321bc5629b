"""What a SigV4 signature made within one second shares, in pure Python, the twin of
``rust/sigv4_stamp.rs``: the ``x-amz-date``, the credential scope and the signing key
(with the head of the string to sign). The signing time is an argument: nothing here
reads the clock.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import NamedTuple

from httpx_auth._purepy.signing_key import signing_key
from httpx_auth._purepy.sigv4 import ALGORITHM

MAX_TIMESTAMP = 253_402_300_799  # 9999-12-31T23:59:59Z


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
    the head of the string to sign, encoded)."""

    timestamp: int
    amz_date: str
    scope: str
    key: bytes
    head: bytes  # "AWS4-HMAC-SHA256\n<date>\n<scope>\n", encoded
    date_bytes: bytes

    @classmethod
    def new(cls, secret_key: str, region: str, service: str, timestamp: int) -> Stamp:
        date = amz_date(timestamp)
        scope = f"{date[:8]}/{region}/{service}/aws4_request"
        return cls.of(timestamp, date, scope, signing_key(secret_key, date[:8], region, service))

    @classmethod
    def of(cls, timestamp: int, date: str, scope: str, key: bytes) -> Stamp:
        head = f"{ALGORITHM}\n{date}\n{scope}\n".encode("utf-8")
        return cls(timestamp, date, scope, key, head, date.encode("ascii"))

    def at(self, secret_key: str, region: str, service: str, timestamp: int) -> Stamp:
        """The stamp of a later second: key and scope kept within the same day."""
        date = amz_date(timestamp)
        if date[:8] != self.amz_date[:8]:
            return Stamp.new(secret_key, region, service, timestamp)
        return Stamp.of(timestamp, date, self.scope, self.key)

    def sign(self, canonical_request: bytes) -> str:
        string_to_sign = self.head + hashlib.sha256(canonical_request).hexdigest().encode("ascii")
        return hmac.digest(self.key, string_to_sign, "sha256").hex()
