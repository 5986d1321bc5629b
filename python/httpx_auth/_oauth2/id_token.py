"""OpenID Connect ID tokens: the nonce sent with an authorization, and the checks of
the ID token that comes back (OpenID Connect Core 1.0 §3.1.3.7, §3.2.2.11).

``check_claims`` checks ``nonce``, ``iss`` (when the issuer is known), ``aud`` / ``azp``
(the client id) and ``exp``. ``verify_signature`` checks the signature with a key of the
issuer's JWKS (``jwks_uri``); it needs PyJWT with its ``crypto`` extra. Messages name
the claim that failed, never a token or a nonce.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
import math
import secrets
import threading
import time
from collections.abc import Generator, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from httpx_auth._errors import InvalidToken

log = logging.getLogger("httpx_auth")

NAME = "id_token"
# Seconds of clock difference tolerated on ``exp`` between us and the issuer.
LEEWAY = 60.0
# Signature algorithms verified with a JWKS key (HS* use the client secret, "none" nothing).
ASYMMETRIC = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")


def asks_for_id_token(response_type: str) -> bool:
    """Whether an authorization with ``response_type`` returns an ID token."""
    return "id_token" in response_type.split()


def new_nonce() -> str:
    """A fresh random nonce for one authorization."""
    return secrets.token_urlsafe(32)


def _part(id_token: str, index: int) -> dict[str, Any]:
    parts = id_token.split(".")
    if len(parts) != 3:
        raise InvalidToken(NAME, "It is not a JWT (three dot-separated parts).")
    try:
        raw = base64.urlsafe_b64decode(parts[index] + "=" * (-len(parts[index]) % 4))
        value = json.loads(raw)
    except (ValueError, binascii.Error):
        raise InvalidToken(NAME, f"Its {'header' if index == 0 else 'payload'} is not base64url-encoded JSON.") from None
    if not isinstance(value, dict):
        raise InvalidToken(NAME, f"Its {'header' if index == 0 else 'payload'} is not a JSON object.")
    return value


def claims_of(id_token: str) -> dict[str, Any]:
    """The claims of ``id_token`` (not verified)."""
    return _part(id_token, 1)


def check_claims(
    id_token: str, *, nonce: str | None, issuer: str | None, client_id: str | None, now: float | None = None
) -> dict[str, Any]:
    """The claims of ``id_token`` once its ``nonce``, ``iss``, ``aud``/``azp`` and ``exp``
    were checked (each check made when the expected value is known)."""
    claims = claims_of(id_token)
    if nonce is not None:
        got = claims.get("nonce")
        if not isinstance(got, str) or not hmac.compare_digest(got.encode(), nonce.encode()):
            raise InvalidToken(NAME, "Its nonce is not the one sent with the authorization (a replayed token?).")
    if issuer is not None and claims.get("iss") != issuer:
        raise InvalidToken(NAME, f"It was issued by {claims.get('iss')!r}, not by {issuer!r}.")
    if client_id is not None:
        audience = claims.get("aud")
        audiences = [audience] if isinstance(audience, str) else audience if isinstance(audience, list) else []
        if client_id not in audiences:
            raise InvalidToken(NAME, f"Its audience (aud) does not include the client id {client_id!r}.")
        if len(audiences) > 1 and claims.get("azp", client_id) != client_id:
            raise InvalidToken(NAME, f"It was issued to another party (azp), not to {client_id!r}.")
    exp = claims.get("exp")
    if isinstance(exp, bool) or not isinstance(exp, (int, float)) or not math.isfinite(exp):
        raise InvalidToken(NAME, "It has no valid exp claim.")
    if exp + LEEWAY < (time.time() if now is None else now):
        raise InvalidToken(NAME, "It has expired (exp).")
    return claims


def can_verify_signatures() -> bool:
    """Whether PyJWT and its crypto backend are installed."""
    try:
        import jwt.algorithms

        return bool(getattr(jwt.algorithms, "has_crypto", False))
    except ImportError:
        return False


_jwks_lock = threading.Lock()
_jwks: dict[str, Mapping[str, Any]] = {}  # jwks_uri -> the key set last read there


def forget_key_sets() -> None:
    """Forget the key sets read so far."""
    with _jwks_lock:
        _jwks.clear()


def _find_key(key_set: Mapping[str, Any], header: Mapping[str, Any]) -> Any:
    import jwt

    keys = [k for k in key_set.get("keys", []) if isinstance(k, dict) and k.get("use", "sig") == "sig"]
    kid = header.get("kid")
    candidates = [k for k in keys if kid is None or k.get("kid") == kid]
    if kid is None and len(candidates) > 1:
        candidates = [k for k in candidates if k.get("alg") in (None, header.get("alg"))]
    if len(candidates) != 1:
        return None
    try:
        return jwt.PyJWK(candidates[0], algorithm=header.get("alg")).key
    except jwt.PyJWTError as error:
        raise InvalidToken(NAME, f"The issuer's key for it cannot be used ({type(error).__name__}).") from None


def verify_signature(
    id_token: str, jwks_uri: str, fetch: Any
) -> Generator[Any, Any, None]:
    """Check the signature of ``id_token`` with a key from the JWKS at ``jwks_uri``.

    ``fetch(url)`` is a generator step returning the (read) response for a GET of
    ``url``. The key set is cached per URI and read again once when it holds no key
    for the token (the issuer rotated its keys).
    """
    import jwt

    header = _part(id_token, 0)
    algorithm = header.get("alg")
    if algorithm not in ASYMMETRIC:
        raise InvalidToken(NAME, f"Its signature algorithm {algorithm!r} cannot be verified with the issuer's keys.")
    with _jwks_lock:
        key_set = _jwks.get(jwks_uri)
    key = None if key_set is None else _find_key(key_set, header)
    if key is None:
        response = yield from fetch(jwks_uri)
        try:
            key_set = json.loads(response.content) if response.status_code == 200 else None
        except ValueError:
            key_set = None
        if not isinstance(key_set, dict):
            raise InvalidToken(NAME, f"The issuer's key set at {jwks_uri} could not be read (HTTP {response.status_code}).")
        with _jwks_lock:
            _jwks[jwks_uri] = key_set
        key = _find_key(key_set, header)
        if key is None:
            raise InvalidToken(NAME, "No key of the issuer's key set matches its key id (kid).")
    try:
        jwt.decode(id_token, key=key, algorithms=[algorithm], options={"verify_aud": False, "verify_exp": False})
    except jwt.InvalidSignatureError:
        raise InvalidToken(NAME, "Its signature does not match the issuer's key.") from None
    except jwt.PyJWTError as error:
        raise InvalidToken(NAME, f"Its signature could not be verified ({type(error).__name__}).") from None


def check_reply(
    grant: Any, fields: Mapping[str, str], authorization_url: str, origin: Any
) -> Generator[Any, Any, None]:
    """Check the ID token of an authorization reply (``fields``), when ``grant``'s
    response type asks for one: its claims against what ``authorization_url`` sent
    (``nonce``, ``client_id``) and ``grant.issuer``; its signature when
    ``grant.verify_id_token`` and ``grant.jwks_uri`` allow and PyJWT can."""
    if not asks_for_id_token(getattr(grant, "response_type", "")):
        return
    token = fields.get(NAME)
    if not token:
        return  # a grant whose token is the ID token says it is missing (GrantNotProvided)
    sent = dict(parse_qsl(urlsplit(authorization_url).query))
    check_claims(token, nonce=sent.get("nonce"), issuer=grant.issuer, client_id=sent.get("client_id"))
    if not (grant.verify_id_token and grant.jwks_uri):
        return
    if not can_verify_signatures():
        log.debug("PyJWT with its crypto extra is not installed: the ID token's signature is not verified.")
        return

    def fetch(url: str) -> Generator[Any, Any, Any]:
        from httpx_auth._oauth2.token_endpoint import build_request

        return (yield build_request(origin, grant.client, "GET", url, timeout=grant.timeout))

    yield from verify_signature(token, grant.jwks_uri, fetch)
