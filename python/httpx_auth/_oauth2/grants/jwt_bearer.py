"""The JWT bearer grant (RFC 7523 §2.1): a signed JWT is exchanged for a token, as Google
service accounts and Salesforce's JWT bearer flow use it."""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Mapping
from typing import Any

from httpx_auth import _validation as check
from httpx_auth._base import Offload
from httpx_auth._errors import InvalidParameter
from httpx_auth._oauth2.grants.form import FormGrant
from httpx_auth._oauth2.parameters import HIDDEN
from httpx_auth._oauth2.settings import CLIENT_SECRET_BASIC, PrefixedClientAuthentication
from httpx_auth._oauth2.signed_jwt import ASYMMETRIC, SigningKey, new_jti
from httpx_auth._oauth2.token import Token
from httpx_auth._oauth2.token_endpoint import Form

JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"

# Claims the grant sets itself; ``claims=`` may not override them.
_RESERVED = ("iss", "sub", "aud", "iat", "exp", "jti")


def callable_identity(value: Callable[..., Any]) -> str:
    """Names a callable in a cache key: its qualified name and this process's object id."""
    return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', type(value).__name__)}#{id(value)}"


def fetch_text(name: str, source: Callable[[], Any]) -> Generator[Any, Any, str]:
    """Call ``source`` off the event loop (it may read a file) and check it gave text."""
    value = yield Offload(source)
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str) or not value.strip():
        raise InvalidParameter(f"{name}() must return a non-empty string, not {type(value).__name__}.")
    return value.strip()


class OAuth2JwtBearer(FormGrant):
    """Tokens for a signed JWT assertion (RFC 7523 §2.1).

    Parameters:
        token_url: the token endpoint.
        issuer: the assertion's ``iss`` (a service account's e-mail, a client id...).
        subject: its ``sub`` (the principal the token is for; often the issuer).
        audience: its ``aud`` (the token endpoint URL when ``None``).
        private_key: the signing key: PEM text or bytes, a JWK dict or a cryptography key.
        key_id: sent as the JWT's ``kid`` header.
        signing_algorithm: ``RS256`` (default), ``PS256``, ``ES256`` or ``EdDSA``.
        assertion: instead of the above, a callable returning a ready assertion, called
            for each token request.
        claims: more claims for the assertion (Google's ``scope``, say).
        lifetime: seconds the assertion is valid (300).
        client_auth: client authentication at the token endpoint, when the server wants it
            besides the assertion (RFC 7523 §2.1 allows both): a ``(client_id,
            client_secret)`` pair, the client id alone with ``private_key_jwt``, or an httpx
            Auth (``None``, the default: no client authentication).
        client_auth_method: ``"client_secret_basic"`` (the default), ``"client_secret_post"``,
            ``"client_secret_jwt"`` or ``"private_key_jwt"``, as for ``OAuth2ClientCredentials``.
        client_private_key, client_key_id, client_signing_algorithm,
            client_assertion_audience: the JWT client assertion (``private_key``...
            of ``OAuth2ClientCredentials``; here those names are the grant's own assertion).
        scope, token_field_name, header_name, header_value, early_expiry, timeout, client,
            dpop, retry_on_invalid_token, **kwargs: as ``OAuth2ClientCredentials``.
    """

    grant_type = JWT_BEARER_GRANT

    def __init__(
        self,
        token_url: str,
        issuer: str | None = None,
        subject: str | None = None,
        audience: str | None = None,
        private_key: Any = None,
        *,
        key_id: str | None = None,
        signing_algorithm: str = "RS256",
        assertion: Callable[[], str] | None = None,
        claims: Mapping[str, Any] | None = None,
        lifetime: int = 300,
        scope: str | list[str] | None = None,
        client_auth: Any = None,
        client_auth_method: str = CLIENT_SECRET_BASIC,
        token_field_name: str = "access_token",
        header_name: str = "Authorization",
        header_value: str = "Bearer {token}",
        early_expiry: float = 30.0,
        timeout: float = 60.0,
        client: Any = None,
        dpop: Any = None,
        retry_on_invalid_token: bool = True,
        client_private_key: Any = None,
        client_key_id: str | None = None,
        client_signing_algorithm: str | None = None,
        client_assertion_audience: str | None = None,
        **kwargs: Any,
    ) -> None:
        identity: dict[str, Any]
        if assertion is not None:
            if not callable(assertion):
                raise InvalidParameter(f"assertion must be a callable returning the assertion, not {type(assertion).__name__}.")
            if any(value is not None for value in (issuer, subject, audience, private_key, key_id, claims)):
                raise InvalidParameter("assertion replaces issuer, subject, audience, private_key, key_id and claims: give one or the other.")
            self._key: SigningKey | None = None
            identity = {"assertion": callable_identity(assertion)}
            secrets: dict[str, Any] = {}
        else:
            if private_key is None:
                raise InvalidParameter("OAuth2JwtBearer needs a private_key (or an assertion callable).")
            self.issuer = check.text("issuer", issuer)
            self.subject = check.text("subject", subject)
            self.audience = check.text("audience", audience if audience is not None else token_url)
            self._key = SigningKey(private_key, signing_algorithm, key_id, allowed=ASYMMETRIC)
            self._claims = dict(claims or {})
            reserved = sorted(set(self._claims) & set(_RESERVED))
            if reserved:
                raise InvalidParameter(f"claims must not set {', '.join(reserved)}: the grant sets them.")
            if isinstance(lifetime, bool) or not isinstance(lifetime, int) or not 0 < lifetime <= 3600:
                raise InvalidParameter("lifetime must be a whole number of seconds between 1 and 3600.")
            self.lifetime = lifetime
            identity = {"issuer": self.issuer, "subject": self.subject, "audience": self.audience, "claims": self._claims}
            identity.update(algorithm=self._key.algorithm, key_id=self._key.key_id)
            secrets = {"key": self._key.fingerprint}
        self._assertion = assertion
        super().__init__(
            locals(),
            {},
            identity=identity,
            secrets=secrets,
            authentication=PrefixedClientAuthentication.of(locals()),
        )

    def signed_assertion(self) -> str:
        """A new assertion: fresh ``jti``, ``iat`` now (``time.time()``)."""
        assert self._key is not None
        now = int(time.time())
        claims = {
            **self._claims,
            "iss": self.issuer,
            "sub": self.subject,
            "aud": self.audience,
            "iat": now,
            "exp": now + self.lifetime,
            "jti": new_jti(),
        }
        return self._key.sign(claims)

    def _new_token(self, request: Any) -> Generator[Any, Any, Token]:
        if self._assertion is not None:
            given = yield from fetch_text("assertion", self._assertion)
            form: Form = {**self._form, "assertion": given}
        else:

            def form() -> dict[str, str]:
                return {**self._form, "assertion": self.signed_assertion()}

        return (yield from self.token_endpoint.request_token(request, form, self.settings.token_field_name))

    def _client_shown(self) -> dict[str, Any]:
        """The client authentication as the password grant shows it (``<hidden>`` or
        ``None``), with its method when it is one (not an httpx Auth)."""
        authentication = self.token_endpoint.authentication
        if authentication.client_auth is None:
            return {"client_auth": None}
        if authentication.applied is None:
            return {"client_auth": HIDDEN}
        return {"client_auth": HIDDEN, "client_auth_method": authentication.method}

    def __repr__(self) -> str:
        if self._key is None:
            # Not the callable's repr: a partial (or a callable object) shows what it holds.
            return self._repr(token_url=self.token_url, assertion=HIDDEN, **self._client_shown(), scope=self.scope)
        return self._repr(
            token_url=self.token_url,
            issuer=self.issuer,
            subject=self.subject,
            audience=self.audience,
            key=self._key,
            **self._client_shown(),
            scope=self.scope,
        )
