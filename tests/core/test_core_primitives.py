"""The small primitives of the core, checked on both backends."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backends import BACKENDS


def _jwt(claims: Any, *, pad: bool = False) -> str:
    def part(raw: bytes) -> str:
        encoded = base64.urlsafe_b64encode(raw).decode()
        return encoded if pad else encoded.rstrip("=")

    header = part(b'{"alg":"none"}')
    return f"{header}.{part(json.dumps(claims).encode())}.signature"


def test_rfc7636_appendix_b_challenge(core: Any) -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert core.pkce_s256_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


@pytest.mark.parametrize("data", [b"", b"abc", b"x" * 70_000, bytes(range(256))])
def test_sha256_hex_matches_hashlib(core: Any, data: bytes) -> None:
    assert core.sha256_hex(data) == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    ("claims", "expected"),
    [({"exp": 1700000000}, 1700000000.0), ({"exp": 1.5}, 1.5), ({"sub": "me"}, None), ({"exp": None}, None)],
)
def test_jwt_exp_reads_the_claim(core: Any, claims: Any, expected: float | None) -> None:
    assert core.jwt_exp(_jwt(claims)) == expected
    assert core.jwt_exp(_jwt(claims, pad=True)) == expected


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("not-a-jwt", "three dot-separated parts"),
        ("a.b.c.d", "three dot-separated parts"),
        ("a.!!!.c", "base64url"),
        ("a.ab+c.c", "base64url"),
        ("a.a.c", "base64url"),
        (_jwt([1, 2]), "JSON object"),
        ("a." + base64.urlsafe_b64encode(b"\xff\xfe").decode().rstrip("=") + ".c", "JSON object"),
        (_jwt({"exp": "tomorrow"}), "not a number"),
        (_jwt({"exp": True}), "not a number"),
    ],
)
def test_jwt_exp_rejects_what_it_cannot_read(core: Any, token: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        core.jwt_exp(token)


@pytest.mark.skipif(len(BACKENDS) < 2, reason="compiled core not built in this install")
@given(st.text(max_size=200))
def test_pkce_challenge_is_identical_on_both_backends(verifier: str) -> None:
    assert BACKENDS["rust"].pkce_s256_challenge(verifier) == BACKENDS["python"].pkce_s256_challenge(verifier)


def _outcome(fn: Any, token: str) -> Any:
    try:
        return fn(token)
    except ValueError as error:
        return ("error", str(error))


@pytest.mark.skipif(len(BACKENDS) < 2, reason="compiled core not built in this install")
@given(
    st.one_of(
        st.text(alphabet="abcAB-_=.+/!09", max_size=40),
        st.builds(
            lambda exp, pad: _jwt({"exp": exp}, pad=pad),
            st.one_of(st.none(), st.integers(-(2**53), 2**53), st.floats(allow_nan=False, allow_infinity=False),
                      st.text(max_size=5), st.booleans()),
            st.booleans(),
        ),
    )
)
def test_jwt_exp_is_identical_on_both_backends(token: str) -> None:
    assert _outcome(BACKENDS["rust"].jwt_exp, token) == _outcome(BACKENDS["python"].jwt_exp, token)
