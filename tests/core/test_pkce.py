"""PKCE (RFC 7636): code verifiers and their S256 challenge, on both backends."""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

import pytest

from httpx_auth._oauth2 import pkce

UNRESERVED = re.compile(r"[A-Za-z0-9\-._~]+")


def test_rfc7636_appendix_b(backend: Any) -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert pkce.code_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


@pytest.mark.parametrize("length", [43, 44, 86, 127, 128])
def test_verifier_length_and_alphabet(length: int) -> None:
    verifier = pkce.new_code_verifier(length)
    assert len(verifier) == length
    assert UNRESERVED.fullmatch(verifier)


def test_default_verifier_is_long_and_fresh() -> None:
    verifiers = {pkce.new_code_verifier() for _ in range(200)}
    assert len(verifiers) == 200
    assert all(43 <= len(v) <= 128 for v in verifiers)


def test_verifier_draws_from_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pkce.secrets, "token_urlsafe", lambda n: "A" * (2 * n))
    assert pkce.new_code_verifier(50) == "A" * 50


@pytest.mark.parametrize("length", [0, 42, 129])
def test_verifier_length_outside_the_rfc_is_refused(length: int) -> None:
    with pytest.raises(ValueError, match="43 to 128"):
        pkce.new_code_verifier(length)


def test_challenge_is_base64url_sha256_without_padding(backend: Any) -> None:
    verifier = pkce.new_code_verifier()
    expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert pkce.code_challenge(verifier) == expected
    assert len(expected) == 43
