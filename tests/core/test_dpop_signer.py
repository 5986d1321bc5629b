"""DpopSigner, compiled and pure: proofs verified with joserfc and PyJWT using the public key."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from joserfc import jws
from joserfc.jwk import ECKey

from backends import BACKENDS

KEY = ec.generate_private_key(ec.SECP256R1())
SCALAR = KEY.private_numbers().private_value.to_bytes(32, "big")


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_proof_verifies_with_the_public_key_in_its_header(core: Any) -> None:
    signer = core.DpopSigner(SCALAR)
    proof = signer.proof("POST", "https://as.example.com/token", 1_700_000_000, nonce="n-1", access_token="tok")
    header = pyjwt.get_unverified_header(proof)
    assert header["typ"] == "dpop+jwt" and header["alg"] == "ES256"
    assert header["jwk"] == json.loads(signer.public_jwk)
    assert "d" not in header["jwk"]
    # joserfc, with the key read from the proof itself (what a server does)...
    compact = jws.deserialize_compact(proof, ECKey.import_key(header["jwk"]), registry=jws.JWSRegistry(algorithms=["ES256"]))
    claims = json.loads(compact.payload)
    # ...and PyJWT with the caller's key.
    assert pyjwt.decode(proof, KEY.public_key(), algorithms=["ES256"], options={"verify_iat": False}) == claims
    assert claims["htm"] == "POST" and claims["htu"] == "https://as.example.com/token"
    assert claims["iat"] == 1_700_000_000 and claims["nonce"] == "n-1"
    assert claims["ath"] == b64(hashlib.sha256(b"tok").digest())
    assert len(claims["jti"]) == 22


def test_fresh_jti_and_optional_claims(core: Any) -> None:
    signer = core.DpopSigner(SCALAR)
    proofs = [signer.proof("GET", "https://api.example.com/x", 1) for _ in range(50)]
    claims = [pyjwt.decode(p, KEY.public_key(), algorithms=["ES256"], options={"verify_iat": False}) for p in proofs]
    assert len({c["jti"] for c in claims}) == 50
    assert all(set(c) == {"jti", "htm", "htu", "iat"} for c in claims)


def test_thumbprint_is_rfc7638(core: Any) -> None:
    signer = core.DpopSigner(SCALAR)
    jwk = json.loads(signer.public_jwk)
    canonical = json.dumps({k: jwk[k] for k in ("crv", "kty", "x", "y")}, separators=(",", ":"))
    assert signer.thumbprint == b64(hashlib.sha256(canonical.encode()).digest())
    assert signer.thumbprint == ECKey.import_key(jwk).thumbprint()
    assert "DpopSigner(thumbprint=" in repr(signer) and str(KEY.private_numbers().private_value) not in repr(signer)


@pytest.mark.skipif(len(BACKENDS) < 2, reason="the compiled core is not built")
@pytest.mark.parametrize("htu", ["https://a.example/p", "https://ü.example/ä\"\\", "http://h:8080/"])
def test_both_backends_sign_the_same_bytes(htu: str) -> None:
    signed = [
        BACKENDS[name].DpopSigner(SCALAR).proof("PUT", htu, 7, nonce="ñ", access_token="t", jti="j").rsplit(".", 1)[0]
        for name in ("python", "rust")
    ]
    assert signed[0] == signed[1]


@pytest.mark.parametrize("scalar", [b"\0" * 32, b"\xff" * 32, b"\1" * 31, b""])
def test_invalid_scalars(core: Any, scalar: bytes) -> None:
    with pytest.raises(ValueError, match="not a valid P-256 private key"):
        core.DpopSigner(scalar)
