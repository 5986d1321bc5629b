"""Pure-Python twin of ``rust/dpop.rs``: DPoP proofs (RFC 9449 §4) signed with ES256.

Signing needs ``cryptography`` (``pip install 'httpx_auth[jwt]'``); importing this module
does not. The header and payload are byte for byte those of the compiled core (sorted
keys, no spaces); signatures differ only by their random nonce.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from typing import Any

__all__ = ["DpopSigner"]

# The order of the P-256 group: private scalars are in [1, N).
_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def access_token_hash(token: str) -> str:
    """``ath``: base64url of the SHA-256 of the access token (RFC 9449 §4.2)."""
    return _b64(hashlib.sha256(token.encode("utf-8")).digest())


class DpopSigner:
    """Signs DPoP proofs with one P-256 key (built once from its 32-byte private scalar)."""

    __slots__ = ("_key", "_prefix", "_jwk", "_hash", "_sign", "_decode")

    def __init__(self, private_scalar: bytes) -> None:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

        value = int.from_bytes(private_scalar, "big")
        if len(private_scalar) != 32 or not 0 < value < _N:
            raise ValueError("the DPoP key is not a valid P-256 private key")
        self._key = ec.derive_private_key(value, ec.SECP256R1())
        numbers = self._key.public_key().public_numbers()
        self._jwk = _json(
            {"crv": "P-256", "kty": "EC", "x": _b64(numbers.x.to_bytes(32, "big")), "y": _b64(numbers.y.to_bytes(32, "big"))}
        )
        header = '{"alg":"ES256","jwk":' + self._jwk + ',"typ":"dpop+jwt"}'
        self._prefix = _b64(header.encode("utf-8")) + "."
        self._sign = ec.ECDSA(hashes.SHA256())
        self._decode = decode_dss_signature

    @property
    def public_jwk(self) -> str:
        """The public key as a JWK JSON object (RFC 7638 member order)."""
        return self._jwk

    @property
    def thumbprint(self) -> str:
        """The key's JWK SHA-256 thumbprint (RFC 7638), base64url: DPoP's ``jkt``."""
        return _b64(hashlib.sha256(self._jwk.encode("ascii")).digest())

    def proof(
        self,
        htm: str,
        htu: str,
        iat: int,
        *,
        nonce: str | None = None,
        access_token: str | None = None,
        jti: str | None = None,
    ) -> str:
        """A signed proof for one request."""
        claims: dict[str, Any] = {"jti": secrets.token_urlsafe(16) if jti is None else jti, "htm": htm, "htu": htu, "iat": iat}
        if access_token is not None:
            claims["ath"] = access_token_hash(access_token)
        if nonce is not None:
            claims["nonce"] = nonce
        signing_input = self._prefix + _b64(_json(claims).encode("utf-8"))
        r, s = self._decode(self._key.sign(signing_input.encode("ascii"), self._sign))
        return signing_input + "." + _b64(r.to_bytes(32, "big") + s.to_bytes(32, "big"))

    def __repr__(self) -> str:
        return f'DpopSigner(thumbprint="{self.thumbprint}")'
