"""DPoP (RFC 9449): tokens bound to a key that the client proves it holds at each request.

``DPoPKey`` is the P-256 key (generated, or given); ``DPoP`` is one auth object's state:
its key, the latest ``DPoP-Nonce`` of each server, and which of its tokens the server
bound (``token_type`` ``DPoP``). Proofs are signed by the active core's ``DpopSigner``.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from httpx_auth import _core
from httpx_auth._errors import InvalidParameter
from httpx_auth._oauth2.rejection import bearer_error
from httpx_auth._oauth2.signed_jwt import JWT_EXTRA

# The order of the P-256 group: private scalars are in [1, N).
_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551

# How many recent tokens' types are remembered (the cache usually holds one per auth).
_KEPT_TOKEN_TYPES = 64


def _scalar_from_jwk(jwk: Mapping[str, Any]) -> bytes:
    if jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
        raise InvalidParameter("the DPoP key must be an EC P-256 key (ES256).")
    d = jwk.get("d")
    if not isinstance(d, str):
        raise InvalidParameter("the DPoP key is a JWK without its private part ('d').")
    try:
        scalar = base64.urlsafe_b64decode(d + "=" * (-len(d) % 4))
    except (binascii.Error, ValueError):
        raise InvalidParameter("the DPoP key's 'd' is not base64url.") from None
    return scalar


def _scalar_from_key(private_key: Any) -> bytes:
    """The private scalar of a PEM (text or bytes) or cryptography EC key."""
    try:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ec
    except ImportError:
        raise InvalidParameter(f"{JWT_EXTRA} (cryptography is not installed).") from None
    key = private_key
    if isinstance(key, str):
        key = key.encode("utf-8", "replace")
    if isinstance(key, (bytes, bytearray)):
        try:
            key = serialization.load_pem_private_key(bytes(key), password=None)
        except Exception:  # never echo the key
            raise InvalidParameter("the DPoP key is not an unencrypted PEM private key.") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise InvalidParameter(
            f"the DPoP key must be an EC P-256 private key (PEM, JWK dict or key object), not {type(private_key).__name__}."
        )
    if not isinstance(key.curve, ec.SECP256R1):
        raise InvalidParameter("the DPoP key must be an EC P-256 key (ES256).")
    return key.private_numbers().private_value.to_bytes(32, "big")


def _new_scalar() -> bytes:
    while True:
        scalar = secrets.token_bytes(32)
        if 0 < int.from_bytes(scalar, "big") < _N:
            return scalar


class DPoPKey:
    """The P-256 key DPoP proofs are signed with (ES256).

    Parameters:
        private_key: ``None`` to generate one; else PEM (text or bytes), a JWK dict
            (``kty`` ``EC``, ``crv`` ``P-256``, with ``d``) or a cryptography EC key.

    Its repr shows only the public key's thumbprint (RFC 7638).
    """

    __slots__ = ("_scalar", "_signers", "thumbprint", "public_jwk")

    def __init__(self, private_key: Any = None) -> None:
        if private_key is None:
            scalar = _new_scalar()
        elif isinstance(private_key, Mapping):
            scalar = _scalar_from_jwk(private_key)
        else:
            scalar = _scalar_from_key(private_key)
        self._scalar = scalar
        self._signers: dict[str, Any] = {}
        signer = self.signer()
        self.thumbprint: str = signer.thumbprint
        self.public_jwk: str = signer.public_jwk
        if isinstance(private_key, Mapping) and ("x" in private_key or "y" in private_key):
            public = json.loads(self.public_jwk)
            if (private_key.get("x"), private_key.get("y")) != (public["x"], public["y"]):
                raise InvalidParameter("the DPoP key's public part (x, y) does not match its private part (d).")

    def signer(self) -> Any:
        """The active core's ``DpopSigner`` for this key (made once per core)."""
        name = _core.BACKEND
        signer = self._signers.get(name)
        if signer is None:
            try:
                signer = _core.backend.DpopSigner(self._scalar)
            except ImportError:
                raise InvalidParameter(f"DPoP without the compiled core needs cryptography: {JWT_EXTRA}.") from None
            except ValueError:
                raise InvalidParameter("the DPoP key is not a valid P-256 private key.") from None
            self._signers[name] = signer
        return signer

    def __repr__(self) -> str:
        return f"DPoPKey(thumbprint={self.thumbprint!r})"


def htu(url: Any) -> str:
    """The proof's ``htu``: the request URL without query and fragment (RFC 9449 §4.2)."""
    text = str(url)
    for mark in ("?", "#"):
        text = text.split(mark, 1)[0]
    return text


def origin(url: Any) -> str:
    """The server a nonce belongs to: scheme, host and port."""
    scheme, _, rest = str(url).partition("://")
    return f"{scheme}://{rest.split('/', 1)[0].split('?', 1)[0].split('#', 1)[0]}"


class DPoP:
    """One auth object's DPoP state: its key, servers' latest nonces, its tokens' types."""

    def __init__(self, key: DPoPKey) -> None:
        self.key = key
        self._nonces: dict[str, str] = {}
        self._token_types: OrderedDict[str, bool] = OrderedDict()
        self._lock = threading.Lock()

    def proof(self, method: str, url: Any, access_token: str | None = None) -> str:
        """A proof for ``method`` ``url`` now, with the server's latest nonce, if any."""
        return str(
            self.key.signer().proof(
                method, htu(url), int(time.time()), nonce=self._nonces.get(origin(url)), access_token=access_token
            )
        )

    def remember_nonce(self, url: Any, response: Any) -> None:
        """Keep the ``DPoP-Nonce`` the server at ``url`` sent, if it sent one."""
        nonce = response.headers.get("dpop-nonce")
        if nonce:
            self._nonces[origin(url)] = nonce

    def nonce_refused(self, url: Any, response: Any, *, resource: bool) -> bool:
        """Whether ``response`` asks for a proof with the nonce it carries
        (``use_dpop_nonce``: a 400 error response from a token endpoint, a 401
        ``WWW-Authenticate: DPoP`` challenge from a resource server)."""
        self.remember_nonce(url, response)
        if not response.headers.get("dpop-nonce"):
            return False
        if resource:
            challenges = response.headers.get_list("www-authenticate")
            return response.status_code == 401 and any(bearer_error(c, "dpop") == "use_dpop_nonce" for c in challenges)
        if response.status_code != 400:
            return False
        from httpx_auth._oauth2.token_response import response_fields

        try:
            return response_fields(response).get("error") == "use_dpop_nonce"
        except Exception:  # an unreadable body: not a nonce challenge
            return False

    def note_token_type(self, access_token: str, token_type: Any) -> None:
        """Record whether the server bound ``access_token`` to the key (``token_type`` DPoP)."""
        with self._lock:
            self._token_types[access_token] = not isinstance(token_type, str) or token_type.lower() == "dpop"
            while len(self._token_types) > _KEPT_TOKEN_TYPES:
                self._token_types.popitem(last=False)

    def is_bound(self, access_token: str) -> bool:
        """Whether ``access_token`` is sent as ``DPoP`` (tokens of unknown type are)."""
        return self._token_types.get(access_token, True)

    def __repr__(self) -> str:
        return f"DPoP({self.key!r})"


def dpop_setting(value: Any) -> DPoP | None:
    """A grant's ``dpop=`` argument: ``True`` (a new key), a ``DPoPKey``, or ``False``/``None``."""
    if value is None or value is False:
        return None
    if value is True:
        return DPoP(DPoPKey())
    if isinstance(value, DPoPKey):
        return DPoP(value)
    raise InvalidParameter(f"dpop must be True, False or a DPoPKey, not {type(value).__name__}.")
