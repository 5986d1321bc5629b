"""PKCE in pure Python, the twin of ``rust/pkce.rs``."""

from __future__ import annotations

import base64
import hashlib


def pkce_s256_challenge(verifier: str) -> str:
    """BASE64URL(SHA256(verifier)) without padding (RFC 7636 §4.2)."""
    digest = hashlib.sha256(verifier.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
