"""Proof Key for Code Exchange (RFC 7636): the code verifier and its S256 challenge."""

from __future__ import annotations

import secrets

from httpx_auth import _core

MIN_LENGTH = 43
MAX_LENGTH = 128


def new_code_verifier(length: int = 86) -> str:
    """A fresh high-entropy code verifier of ``length`` characters (RFC 7636 §4.1).

    Its characters are base64url ones (``A-Z a-z 0-9 - _``), all of them unreserved,
    drawn from ``secrets``: 86 characters carry 516 bits of randomness.
    """
    if not MIN_LENGTH <= length <= MAX_LENGTH:
        raise ValueError(f"a code verifier has {MIN_LENGTH} to {MAX_LENGTH} characters, not {length}")
    # token_urlsafe(n) encodes n random bytes in ceil(4n/3) characters: enough to cut.
    return secrets.token_urlsafe(length)[:length]


def code_challenge(verifier: str) -> str:
    """The S256 challenge of ``verifier``: BASE64URL(SHA256(verifier)), computed by the core."""
    challenge: str = _core.backend.pkce_s256_challenge(verifier)
    return challenge
