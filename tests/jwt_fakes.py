"""Keys for the tests of the JWTs we send, and their verification with joserfc: a JOSE
library independent of PyJWT (which signs them)."""

from __future__ import annotations

import functools
import json
import warnings
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from joserfc import jws
from joserfc.jwk import ECKey, OctKey, OKPKey, RSAKey

ALGORITHMS = ["RS256", "PS256", "ES256", "EdDSA"]


@functools.lru_cache(maxsize=None)
def private_key(kind: str) -> Any:
    """One cryptography private key per kind ("rsa", "ec", "ed25519", "rsa1024", "p384", and
    "rsa2", another RSA key, for the tests that sign with two)."""
    if kind in ("rsa", "rsa2"):
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if kind == "rsa1024":
        return rsa.generate_private_key(public_exponent=65537, key_size=1024)
    if kind == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    if kind == "p384":
        return ec.generate_private_key(ec.SECP384R1())
    return ed25519.Ed25519PrivateKey.generate()


KIND = {"RS256": "rsa", "PS256": "rsa", "ES256": "ec", "EdDSA": "ed25519"}


def pem(kind: str) -> str:
    return (
        private_key(kind)
        .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        .decode()
    )


def public_pem(kind: str) -> str:
    return (
        private_key(kind)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


_JOSE_KEYS = {"rsa": RSAKey, "rsa2": RSAKey, "ec": ECKey, "ed25519": OKPKey}


def private_jwk(kind: str) -> dict[str, Any]:
    """The private key as a JWK dict (exported by joserfc)."""
    return dict(_JOSE_KEYS[kind].import_key(pem(kind)).as_dict(private=True))


def verify(token: str, algorithm: str, key: Any, kind: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """(header, claims) of ``token`` once its signature checks with ``key`` (the shared
    secret for HS256) or the public key of ``kind`` (by default the algorithm's kind);
    raises when it does not."""
    if algorithm == "HS256":
        jose_key: Any = OctKey.import_key(key.encode() if isinstance(key, str) else key)
    else:
        kind = kind or KIND[algorithm]
        jose_key = _JOSE_KEYS[kind].import_key(public_pem(kind))
    registry = jws.JWSRegistry(algorithms=[algorithm])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # joserfc flags "EdDSA" as deprecated (RFC 9864), still valid
        compact = jws.deserialize_compact(token, jose_key, registry=registry)
    return dict(compact.protected), json.loads(compact.payload)
