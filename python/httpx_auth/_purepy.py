"""The pure-Python twin of the compiled core (``_native``).

Same function names, signatures and results; used where no compiled wheel exists or
when ``HTTPX_AUTH_NO_EXTENSIONS`` is set. Keep it in step with ``rust/``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re

from httpx_auth import _purepy_checksum, _purepy_sigv4, _purepy_sigv4_chunked
from httpx_auth._purepy_checksum import Checksum, checksum_digest
from httpx_auth._purepy_sigv4 import (
    sigv4_amz_date,
    sigv4_canonical_request,
    sigv4_presign,
    sigv4_presign_keys,
    sigv4_sign_headers,
    sigv4_signature,
    sigv4_signing_key,
    sigv4_string_to_sign,
)
from httpx_auth._purepy_sigv4_chunked import sigv4_chunk_signature, sigv4_trailer_signature

__all__ = ["jwt_exp", "pkce_s256_challenge", "sha256_hex"]
__all__ += _purepy_sigv4.__all__
__all__ += _purepy_checksum.__all__ + _purepy_sigv4_chunked.__all__

_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


def _reject_constant(name: str) -> float:
    raise ValueError(name)


def sha256_hex(data: bytes) -> str:
    """Lowercase hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def pkce_s256_challenge(verifier: str) -> str:
    """BASE64URL(SHA256(verifier)) without padding (RFC 7636 §4.2)."""
    digest = hashlib.sha256(verifier.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def jwt_exp(token: str) -> float | None:
    """The ``exp`` claim of a JWT in seconds since the epoch, ``None`` if absent.

    Raises ``ValueError`` when ``token`` is not a readable JWT.
    """
    parts = token.split(".")
    if len(parts) != 3:
        raise ValueError("not a JWT: expected three dot-separated parts")
    # Tolerate the padding RFC 7515 says to strip, like the Rust core does.
    body = parts[1].rstrip("=")
    if not _BASE64URL.fullmatch(body) or len(body) % 4 == 1:
        raise ValueError("JWT body is not valid base64url")
    try:
        decoded = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        claims = json.loads(decoded.decode("utf-8"), parse_constant=_reject_constant)
    except binascii.Error:
        raise ValueError("JWT body is not valid base64url") from None
    except ValueError:
        raise ValueError("JWT body is not a JSON object") from None
    if not isinstance(claims, dict):
        raise ValueError("JWT body is not a JSON object")
    exp = claims.get("exp")
    if exp is None:
        return None
    if isinstance(exp, bool) or not isinstance(exp, (int, float)):
        raise ValueError("JWT exp claim is not a number")
    return float(exp)
