"""AWS Signature Version 4 in pure Python, the twin of ``rust/sigv4.rs``: the date, the
string to sign, the signature, and signing a request in its headers.

Headers travel as httpx stores them: ``(name, lowercase name, value)`` byte triples;
the lowercase name (second item) and the value (third) are what is signed. The
signing time is an argument: nothing here reads the clock.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Sequence
from typing import NamedTuple

from httpx_auth._purepy.signing_key import signing_key
from httpx_auth._purepy.sigv4_canon import canonical_request
from httpx_auth._purepy.sigv4_canon_headers import Selects

ALGORITHM = "AWS4-HMAC-SHA256"
MAX_TIMESTAMP = 253_402_300_799  # 9999-12-31T23:59:59Z

Header = tuple[bytes, bytes, bytes]

# The headers a header signature sets, named as they are sent, replacing any the
# request already has (whose own spelling is kept).
DATE, CONTENT, TOKEN, AUTHORIZATION = b"x-amz-date", b"x-amz-content-sha256", b"x-amz-security-token", b"Authorization"
REPLACED = frozenset(name.lower() for name in (DATE, CONTENT, TOKEN, AUTHORIZATION))


def amz_date(timestamp: int) -> str:
    """``YYYYMMDDTHHMMSSZ`` for ``timestamp`` seconds since the epoch (UTC)."""
    if not 0 <= timestamp <= MAX_TIMESTAMP:
        raise ValueError(f"timestamp {timestamp} is outside 1970-01-01..9999-12-31")
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(timestamp))


def string_to_sign(amz_date: str, scope: str, canonical_request: bytes) -> str:
    """``AWS4-HMAC-SHA256``, the date, the scope and the canonical request's hash."""
    digest = hashlib.sha256(canonical_request).hexdigest()
    return f"{ALGORITHM}\n{amz_date}\n{scope}\n{digest}"


def signature(key: bytes, string_to_sign: str) -> str:
    """Hex HMAC-SHA256 of the string to sign under the signing key."""
    return hmac.digest(key, string_to_sign.encode("utf-8"), "sha256").hex()


def sigv4_amz_date(timestamp: int) -> str:
    """``YYYYMMDDTHHMMSSZ`` of ``timestamp`` (S3 POST policies, aws-chunked uploads)."""
    return amz_date(timestamp)


def sigv4_signature(signing_key: bytes, string_to_sign: str) -> str:
    """Hex HMAC-SHA256 of ``string_to_sign`` under ``signing_key``."""
    return signature(signing_key, string_to_sign)


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


def _added_name(headers: Sequence[Header], lower: bytes, default: bytes) -> tuple[bytes, bytes]:
    for header in headers:
        if header[1].lower() == lower:
            return header[0], header[1]
    return default, lower


def sign_headers(
    method: str,
    target: bytes,
    headers: Sequence[Header],
    selection: Selects,
    payload_hash: str,
    content_sha256: bool,
    access_id: str,
    security_token: str | None,
    path_rules: tuple[bool, bool],
    stamp: Stamp,
) -> list[Header]:
    """The request's headers once signed: those it had (minus any the signature
    replaces) then ``x-amz-date``, ``x-amz-content-sha256`` (if ``content_sha256``),
    ``x-amz-security-token`` (if a token) and ``Authorization``. The headers added are
    always signed, the request's own when ``selection`` selects them."""
    kept: list[Header] = []
    replaced: list[Header] = []
    signed_pairs: list[tuple[bytes, bytes]] = []
    for header in headers:
        if header[1].lower() in REPLACED:
            replaced.append(header)
        else:
            kept.append(header)
            signed_pairs.append((header[1], header[2]))
    added = [(DATE, stamp.date_bytes)]
    if content_sha256:
        added.append((CONTENT, payload_hash.encode("utf-8")))
    if security_token is not None:
        added.append((TOKEN, security_token.encode("utf-8")))
    signed_pairs += added
    canonical, signed = canonical_request(
        method,
        target,
        signed_pairs,
        lambda name: name in REPLACED or selection(name),
        payload_hash,
        *path_rules,
    )
    authorization = (
        f"{ALGORITHM} Credential={access_id}/{stamp.scope}, "
        f"SignedHeaders={signed.decode('utf-8', 'replace')}, Signature={stamp.sign(canonical)}"
    )
    added.append((AUTHORIZATION, authorization.encode("utf-8")))
    for name, value in added:
        lower = name.lower()
        kept.append((*_added_name(replaced, lower, name), value) if replaced else (name, lower, value))
    return kept
