"""AWS Signature Version 4 in pure Python, the twin of ``rust/sigv4.rs``: the string to
sign and the signature. The date and what a second of signatures shares are in
``sigv4_stamp``; signing in headers in ``sigv4_headers``, in URLs in ``sigv4_presign``.

Headers travel as httpx stores them: ``(name, lowercase name, value)`` byte triples;
the lowercase name (second item) and the value (third) are what is signed.
"""

from __future__ import annotations

import hashlib
import hmac

ALGORITHM = "AWS4-HMAC-SHA256"

Header = tuple[bytes, bytes, bytes]


def string_to_sign(amz_date: str, scope: str, canonical_request: bytes) -> str:
    """``AWS4-HMAC-SHA256``, the date, the scope and the canonical request's hash."""
    digest = hashlib.sha256(canonical_request).hexdigest()
    return f"{ALGORITHM}\n{amz_date}\n{scope}\n{digest}"


def signature(key: bytes, string_to_sign: str) -> str:
    """Hex HMAC-SHA256 of the string to sign under the signing key."""
    return hmac.digest(key, string_to_sign.encode("utf-8"), "sha256").hex()


def sigv4_signature(signing_key: bytes, string_to_sign: str) -> str:
    """Hex HMAC-SHA256 of ``string_to_sign`` under ``signing_key``."""
    return signature(signing_key, string_to_sign)
