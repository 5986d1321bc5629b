"""OAuth 2.0 Token Exchange (RFC 8693): a token the service holds (a Kubernetes projected
service-account token, another provider's ID token...) is exchanged for one this
authorization server issues."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Mapping
from typing import Any, Union

from httpx_auth import _validation as check
from httpx_auth._errors import InvalidParameter
from httpx_auth._oauth2.grants.form import FormGrant
from httpx_auth._oauth2.grants.jwt_bearer import callable_identity, fetch_text
from httpx_auth._oauth2.parameters import HIDDEN
from httpx_auth._oauth2.settings import CLIENT_SECRET_BASIC, ClientAuthentication
from httpx_auth._oauth2.token import Token

TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange"

# RFC 8693 §3 token type identifiers, also accepted by their short names.
TOKEN_TYPES = {
    name: f"urn:ietf:params:oauth:token-type:{name}"
    for name in ("access_token", "refresh_token", "id_token", "saml1", "saml2", "jwt")
}

# A token as given: the text itself, or a callable returning it at each exchange.
TokenSource = Union[str, Callable[[], str]]


def token_type(name: str, value: Any) -> str:
    """A token type identifier: a URI, or one of the short names of ``TOKEN_TYPES``."""
    text = check.text(name, value)
    if text in TOKEN_TYPES:
        return TOKEN_TYPES[text]
    if ":" not in text:
        raise InvalidParameter(f"{name} must be a URI or one of {', '.join(TOKEN_TYPES)}, not {text!r}.")
    return text


def _source(name: str, value: Any) -> TokenSource:
    if callable(value):
        source: Callable[[], str] = value
        return source
    return check.header_value(name, value)  # text, no line breaks (never echoed)


def _many(name: str, value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [check.text(name, value)]
    if isinstance(value, Iterable) and not isinstance(value, (bytes, Mapping)):
        return [check.text(f"{name} item", item) for item in value]
    raise InvalidParameter(f"{name} must be a string or a list of strings, not {type(value).__name__}.")


class OAuth2TokenExchange(FormGrant):
    """Tokens obtained by exchanging another token (RFC 8693 §2).

    Parameters:
        token_url: the token endpoint.
        subject_token: the token to exchange, or a callable returning it (called at each
            exchange, off the event loop: it may read a file that is rotated).
        subject_token_type: its type: a URI, or ``"access_token"``, ``"refresh_token"``,
            ``"id_token"``, ``"saml1"``, ``"saml2"``, ``"jwt"``.
        actor_token, actor_token_type: the acting party's token (delegation), the same way.
        audience, resource: where the new token is to be used (a string or a list).
        requested_token_type: the type of token wanted (same names as above).
        client_auth: client authentication, as for ``OAuth2ResourceOwnerPasswordCredentials``
            (``None``: a public client).
        scope, client_auth_method, private_key, key_id, signing_algorithm,
            assertion_audience, token_field_name, header_name, header_value, early_expiry,
            timeout, client, dpop, retry_on_invalid_token, **kwargs: as
            ``OAuth2ClientCredentials``.
    """

    grant_type = TOKEN_EXCHANGE_GRANT

    def __init__(
        self,
        token_url: str,
        subject_token: TokenSource,
        subject_token_type: str,
        *,
        actor_token: TokenSource | None = None,
        actor_token_type: str | None = None,
        audience: str | list[str] | None = None,
        resource: str | list[str] | None = None,
        requested_token_type: str | None = None,
        scope: str | list[str] | None = None,
        client_auth: Any = None,
        client_auth_method: str = CLIENT_SECRET_BASIC,
        private_key: Any = None,
        key_id: str | None = None,
        signing_algorithm: str | None = None,
        assertion_audience: str | None = None,
        token_field_name: str = "access_token",
        header_name: str = "Authorization",
        header_value: str = "Bearer {token}",
        early_expiry: float = 30.0,
        timeout: float = 60.0,
        client: Any = None,
        dpop: Any = None,
        retry_on_invalid_token: bool = True,
        **kwargs: Any,
    ) -> None:
        self._subject = _source("subject_token", subject_token)
        self.subject_token_type = token_type("subject_token_type", subject_token_type)
        self._actor = None if actor_token is None else _source("actor_token", actor_token)
        if (actor_token is None) != (actor_token_type is None):
            raise InvalidParameter("actor_token and actor_token_type go together: give both, or neither.")
        self.actor_token_type = None if actor_token_type is None else token_type("actor_token_type", actor_token_type)
        self.audience = _many("audience", audience)
        self.resource = _many("resource", resource)
        self.requested_token_type = (
            None if requested_token_type is None else token_type("requested_token_type", requested_token_type)
        )
        form = {"subject_token_type": self.subject_token_type}
        if self.actor_token_type:
            form["actor_token_type"] = self.actor_token_type
        if self.requested_token_type:
            form["requested_token_type"] = self.requested_token_type
        # RFC 8693 §2.1: audience and resource may be repeated.
        self._multi = {name: values for name, values in (("audience", self.audience), ("resource", self.resource)) if values}
        super().__init__(
            locals(),
            form,
            identity={
                **form,
                "audience": self.audience,
                "resource": self.resource,
                "subject": callable_identity(self._subject) if callable(self._subject) else None,
                "actor": callable_identity(self._actor) if callable(self._actor) else None,
            },
            secrets={"subject_token": self._subject if isinstance(self._subject, str) else None, "actor_token": self._actor if isinstance(self._actor, str) else None},
            authentication=ClientAuthentication.of(locals()),
        )

    def _token_text(self, name: str, source: TokenSource) -> Generator[Any, Any, str]:
        if isinstance(source, str):
            return source
        return (yield from fetch_text(name, source))

    def _new_token(self, request: Any) -> Generator[Any, Any, Token]:
        form: dict[str, str | list[str]] = {**self._form, **self._multi}
        form["subject_token"] = yield from self._token_text("subject_token", self._subject)
        if self._actor is not None:
            form["actor_token"] = yield from self._token_text("actor_token", self._actor)
        return (yield from self.token_endpoint.request_token(request, form, self.settings.token_field_name))

    def __repr__(self) -> str:
        return self._repr(
            token_url=self.token_url,
            subject_token=HIDDEN,
            subject_token_type=self.subject_token_type,
            actor_token=None if self._actor is None else HIDDEN,
            audience=self.audience,
            resource=self.resource,
            requested_token_type=self.requested_token_type,
            scope=self.scope,
        )
