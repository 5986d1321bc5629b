"""How a client authenticates to a token endpoint: a registry of methods by name.

``client_secret_basic`` and ``client_secret_post`` (RFC 6749 §2.3.1), and the JWT client
assertions of RFC 7523 §2.2 / OpenID Connect Core §9: ``client_secret_jwt`` (HMAC with
the client secret) and ``private_key_jwt`` (signed with the client's private key). Each
method is a small object that adds its credentials to a token request's body and
headers; ``client_auth_method`` builds one from a grant's parameters, by name (for
``settings.ClientAuthentication``, which the grants and ``TokenEndpoint`` use).
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any, ClassVar

from httpx_auth import _validation as check
from httpx_auth._errors import InvalidParameter
from httpx_auth._oauth2.signed_jwt import ASYMMETRIC, SAME_NAMES, SYMMETRIC, SigningKey, named, new_jti

CLIENT_SECRET_BASIC = "client_secret_basic"
CLIENT_SECRET_POST = "client_secret_post"
CLIENT_SECRET_JWT = "client_secret_jwt"
PRIVATE_KEY_JWT = "private_key_jwt"

JWT_BEARER_CLIENT_ASSERTION = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

# A client assertion is valid this long (at most 5 minutes, as providers require).
ASSERTION_LIFETIME = 300


class ClientAuthMethod:
    """One client-authentication method with its credentials.

    ``apply(url, body, headers)`` adds them to a token request for ``url``;
    ``identity`` and ``secret_identity`` describe them for cache keys.
    """

    name: ClassVar[str]

    def __init__(self, client_id: str) -> None:
        self.client_id = client_id

    def apply(self, url: str, body: MutableMapping[str, Any], headers: MutableMapping[str, str]) -> None:
        raise NotImplementedError

    @property
    def identity(self) -> dict[str, Any]:
        return {"client_id": self.client_id, "client_auth_method": self.name}

    @property
    def secret_identity(self) -> dict[str, Any]:
        return {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(client_id={self.client_id!r})"


class ClientSecretBasic(ClientAuthMethod):
    """The client id and secret in an HTTP Basic ``Authorization`` header."""

    name = CLIENT_SECRET_BASIC

    def __init__(self, client_id: str, client_secret: str) -> None:
        if ":" in client_id:
            raise InvalidParameter("client_auth client_id must not contain ':' with HTTP Basic (RFC 7617).")
        super().__init__(client_id)
        self._header = "Basic " + base64.b64encode(f"{client_id}:{client_secret}".encode()).decode("ascii")
        self._secret = client_secret

    def apply(self, url: str, body: MutableMapping[str, Any], headers: MutableMapping[str, str]) -> None:
        headers["Authorization"] = self._header

    @property
    def secret_identity(self) -> dict[str, Any]:
        return {"client_secret": self._secret}


class ClientSecretPost(ClientAuthMethod):
    """The client id and secret as ``client_id`` / ``client_secret`` body parameters."""

    name = CLIENT_SECRET_POST

    def __init__(self, client_id: str, client_secret: str) -> None:
        super().__init__(client_id)
        self._secret = client_secret

    def apply(self, url: str, body: MutableMapping[str, Any], headers: MutableMapping[str, str]) -> None:
        body["client_id"] = self.client_id
        body["client_secret"] = self._secret

    @property
    def secret_identity(self) -> dict[str, Any]:
        return {"client_secret": self._secret}


class JwtClientAssertion(ClientAuthMethod):
    """A fresh signed JWT for each token request (RFC 7523 §2.2, §3).

    ``iss`` and ``sub`` are the client id, ``aud`` is ``audience`` (the token endpoint
    URL when ``None``), ``jti`` is random, ``exp`` is ``ASSERTION_LIFETIME`` after ``iat``.
    """

    def __init__(self, client_id: str, key: SigningKey, audience: str | None, name: str = "assertion_audience") -> None:
        super().__init__(client_id)
        self.key = key
        self.audience = None if audience is None else check.text(name, audience)

    def assertion(self, url: str) -> str:
        now = int(time.time())
        claims = {
            "iss": self.client_id,
            "sub": self.client_id,
            "aud": self.audience or url,
            "jti": new_jti(),
            "iat": now,
            "exp": now + ASSERTION_LIFETIME,
        }
        return self.key.sign(claims)

    def apply(self, url: str, body: MutableMapping[str, Any], headers: MutableMapping[str, str]) -> None:
        body["client_id"] = self.client_id
        body["client_assertion_type"] = JWT_BEARER_CLIENT_ASSERTION
        body["client_assertion"] = self.assertion(url)

    @property
    def identity(self) -> dict[str, Any]:
        return {**super().identity, "algorithm": self.key.algorithm, "key_id": self.key.key_id, "audience": self.audience}

    @property
    def secret_identity(self) -> dict[str, Any]:
        return {"key": self.key.fingerprint}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(client_id={self.client_id!r}, {self.key!r})"


class ClientSecretJwt(JwtClientAssertion):
    """``client_secret_jwt``: the assertion is an HMAC keyed by the client secret."""

    name = CLIENT_SECRET_JWT


class PrivateKeyJwt(JwtClientAssertion):
    """``private_key_jwt``: the assertion is signed with the client's private key."""

    name = PRIVATE_KEY_JWT


Factory = Callable[..., ClientAuthMethod]


def _secret_basic(client_id: str, client_secret: str, **_: Any) -> ClientAuthMethod:
    return ClientSecretBasic(client_id, client_secret)


def _secret_post(client_id: str, client_secret: str, **_: Any) -> ClientAuthMethod:
    return ClientSecretPost(client_id, client_secret)


def _secret_jwt(
    client_id: str, client_secret: str, *, signing_algorithm: Any, assertion_audience: Any, names: Mapping[str, str], **_: Any
) -> ClientAuthMethod:
    secret_names = {**names, "private_key": "client_secret"}
    key = SigningKey(client_secret, signing_algorithm or "HS256", names=secret_names, allowed=SYMMETRIC)
    return ClientSecretJwt(client_id, key, assertion_audience, named(names, "assertion_audience"))


def _private_key_jwt(
    client_id: str,
    _: Any,
    *,
    private_key: Any,
    key_id: Any,
    signing_algorithm: Any,
    assertion_audience: Any,
    names: Mapping[str, str],
) -> ClientAuthMethod:
    key = SigningKey(private_key, signing_algorithm or "RS256", key_id, names=names, allowed=ASYMMETRIC)
    return PrivateKeyJwt(client_id, key, assertion_audience, named(names, "assertion_audience"))


# name -> (factory, needs a client secret)
METHODS: dict[str, tuple[Factory, bool]] = {
    CLIENT_SECRET_BASIC: (_secret_basic, True),
    CLIENT_SECRET_POST: (_secret_post, True),
    CLIENT_SECRET_JWT: (_secret_jwt, True),
    PRIVATE_KEY_JWT: (_private_key_jwt, False),
}


def check_method(method: Any) -> str:
    if method not in METHODS:
        raise InvalidParameter(f"client_auth_method must be one of {', '.join(METHODS)}, not {method!r}.")
    return str(method)


def client_auth_method(
    method: Any,
    client_id: Any,
    client_secret: Any = None,
    *,
    private_key: Any = None,
    key_id: Any = None,
    signing_algorithm: Any = None,
    assertion_audience: Any = None,
    names: Mapping[str, str] = SAME_NAMES,
) -> ClientAuthMethod:
    """The client-authentication method ``method`` (a name of ``METHODS``) with its credentials.

    Raises ``InvalidParameter`` when a credential the method needs is missing, or one it
    does not use is given (a private key with a secret-based method, say). Messages name
    ``private_key``, ``key_id``, ``signing_algorithm`` and ``assertion_audience`` as
    ``names`` maps them (the caller's parameters; ``signed_jwt.named``).
    """
    key, key_id_name = named(names, "private_key"), named(names, "key_id")
    algorithm, audience = named(names, "signing_algorithm"), named(names, "assertion_audience")
    factory, needs_secret = METHODS[check_method(method)]
    client_id = check.text("client_id", client_id)
    if needs_secret:
        # A key given with a secret method is the likelier mistake than a missing secret.
        if private_key is not None or key_id is not None:
            raise InvalidParameter(
                f"{key} and {key_id_name} are used with client_auth_method='private_key_jwt' only, not {method!r}."
            )
        if client_secret is None:
            raise InvalidParameter(f"client_auth_method={method!r} needs a client_secret.")
        client_secret = check.text("client_secret", client_secret, allow_empty=method != CLIENT_SECRET_JWT)
    elif private_key is None:
        raise InvalidParameter(f"client_auth_method='private_key_jwt' needs a {key}.")
    jwt_method = method in (CLIENT_SECRET_JWT, PRIVATE_KEY_JWT)
    if not jwt_method and (signing_algorithm is not None or assertion_audience is not None):
        raise InvalidParameter(
            f"{algorithm} and {audience} are used with JWT client assertions only, not {method!r}."
        )
    return factory(
        client_id,
        client_secret,
        private_key=private_key,
        key_id=key_id,
        signing_algorithm=signing_algorithm,
        assertion_audience=assertion_audience,
        names=names,
    )

