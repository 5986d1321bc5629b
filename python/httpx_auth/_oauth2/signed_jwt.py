"""Signing keys for the JWTs a client sends (client assertions, JWT bearer grants).

JWTs are built by PyJWT (``pip install 'httpx_auth[jwt]'``), imported only when a key is
made. Keys are checked once, at construction: a malformed key, an unsupported algorithm
or a key that does not fit its algorithm raises ``InvalidParameter``. No key material
ever reaches a repr or a message.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from types import MappingProxyType, ModuleType
from typing import Any

from httpx_auth._errors import InvalidParameter

JWT_EXTRA = "JWTs need PyJWT and cryptography: pip install 'httpx_auth[jwt]'"

# Algorithm -> what its key must be.
ASYMMETRIC = {"RS256": "RSA", "PS256": "RSA", "ES256": "EC P-256", "EdDSA": "Ed25519 or Ed448"}
SYMMETRIC = {"HS256": "a shared secret"}

# RFC 7518 §3.3: RSA keys of 2048 bits or more.
MIN_RSA_BITS = 2048


# No renaming: each option keeps its own name in messages.
SAME_NAMES: Mapping[str, str] = MappingProxyType({})


def named(names: Mapping[str, str], option: str) -> str:
    """The public parameter of ``option`` (``private_key``, ``key_id``, ``signing_algorithm``,
    ``assertion_audience``...) for a constructor whose parameters ``names`` renames."""
    return names.get(option, option)


def pyjwt() -> ModuleType:
    """The ``jwt`` module (PyJWT with its cryptography backend), or a clear error."""
    try:
        import jwt
        from jwt.algorithms import has_crypto
    except ImportError:
        raise InvalidParameter(f"{JWT_EXTRA} (PyJWT is not installed).") from None
    if not has_crypto:
        raise InvalidParameter(f"{JWT_EXTRA} (cryptography is not installed).")
    return jwt


def new_jti() -> str:
    """A fresh, unguessable JWT ID (128 random bits from the OS)."""
    return secrets.token_urlsafe(16)


def _load_private_key(name: str, private_key: Any, jwt: ModuleType) -> Any:
    """A cryptography private key from PEM text or bytes, a JWK dict, or a key object."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa

    if isinstance(private_key, Mapping):
        if "d" not in private_key:
            raise InvalidParameter(f"{name} is a JWK without its private part ('d'): give the private key.")
        try:
            return jwt.PyJWK(dict(private_key)).key
        except Exception:  # PyJWKError, ValueError, TypeError...: never echo the key
            raise InvalidParameter(f"{name} is not a valid private JWK.") from None
    if isinstance(private_key, str):
        private_key = private_key.encode("utf-8", "replace")
    if isinstance(private_key, (bytes, bytearray, memoryview)):
        data = bytes(private_key)
        if b"PUBLIC KEY" in data and b"PRIVATE KEY" not in data:
            raise InvalidParameter(f"{name} is a public key: give the private key.")
        try:
            return serialization.load_pem_private_key(data, password=None)
        except TypeError:
            raise InvalidParameter(f"{name} is encrypted: give it decrypted (or as a key object).") from None
        except Exception:
            raise InvalidParameter(f"{name} is not a PEM private key.") from None
    if isinstance(
        private_key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey, ed25519.Ed25519PrivateKey, ed448.Ed448PrivateKey)
    ):
        return private_key
    raise InvalidParameter(
        f"{name} must be PEM text or bytes, a JWK dict or a private key object, not {type(private_key).__name__}."
    )


def _check_fits(name: str, key: Any, algorithm: str) -> None:
    from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa

    if algorithm in ("RS256", "PS256"):
        if not isinstance(key, rsa.RSAPrivateKey):
            raise InvalidParameter(f"{name} is not an RSA key, which {algorithm} needs.")
        if key.key_size < MIN_RSA_BITS:
            raise InvalidParameter(f"{name} has {key.key_size} bits; {algorithm} needs at least {MIN_RSA_BITS}.")
    elif algorithm == "ES256":
        if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
            raise InvalidParameter(f"{name} is not an EC P-256 key, which ES256 needs.")
    elif not isinstance(key, (ed25519.Ed25519PrivateKey, ed448.Ed448PrivateKey)):
        raise InvalidParameter(f"{name} is not an Ed25519 or Ed448 key, which EdDSA needs.")


def check_algorithm(name: str, algorithm: Any, allowed: Mapping[str, str]) -> str:
    if algorithm not in allowed:
        raise InvalidParameter(f"{name} must be one of {', '.join(allowed)}, not {algorithm!r}.")
    return str(algorithm)


class SigningKey:
    """A key that signs JWTs with one algorithm (and announces ``key_id`` as ``kid``).

    ``private_key`` is PEM (text or bytes), a JWK dict or a cryptography private key for
    the asymmetric algorithms; the shared secret (text) for ``HS256``. Messages name
    the options as the caller's parameters: ``names`` maps ``private_key``, ``key_id``
    and ``signing_algorithm`` to them (see ``named``).
    """

    __slots__ = ("_key", "algorithm", "key_id", "fingerprint", "_jwt")

    def __init__(
        self,
        private_key: Any,
        algorithm: Any = "RS256",
        key_id: str | None = None,
        *,
        names: Mapping[str, str] = SAME_NAMES,
        allowed: Mapping[str, str] = ASYMMETRIC,
    ) -> None:
        self._jwt = pyjwt()
        name = named(names, "private_key")
        self.algorithm = check_algorithm(named(names, "signing_algorithm"), algorithm, allowed)
        if self.algorithm in SYMMETRIC:
            if not isinstance(private_key, str) or not private_key:
                raise InvalidParameter(f"{name} must be a non-empty string for {self.algorithm}.")
            self._key: Any = private_key.encode("utf-8")
            self.fingerprint = hashlib.sha256(b"secret:" + self._key).hexdigest()
        else:
            from cryptography.hazmat.primitives import serialization

            self._key = _load_private_key(name, private_key, self._jwt)
            _check_fits(name, self._key, self.algorithm)
            public = self._key.public_key().public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            self.fingerprint = hashlib.sha256(public).hexdigest()
        if key_id is not None and (not isinstance(key_id, str) or not key_id):
            raise InvalidParameter(f"{named(names, 'key_id')} must be a non-empty string.")
        self.key_id = key_id

    def sign(self, claims: Mapping[str, Any], headers: Mapping[str, Any] | None = None) -> str:
        """The compact JWS of ``claims`` (``kid`` added when there is a key id)."""
        all_headers = {"typ": "JWT", **(headers or {})}
        if self.key_id is not None:
            all_headers["kid"] = self.key_id
        token: str = self._jwt.encode(dict(claims), self._key, algorithm=self.algorithm, headers=all_headers)
        return token

    def __repr__(self) -> str:
        return f"SigningKey(algorithm={self.algorithm!r}, key_id={self.key_id!r})"
