"""``FormGrant``: grants whose token answers one POST of fixed form data (client credentials,
resource owner password)."""

from __future__ import annotations

from collections.abc import Generator, Mapping
from typing import Any

from httpx_auth import _validation as check
from httpx_auth._oauth2.cache_key import make_cache_key
from httpx_auth._oauth2.grant import GrantAuth
from httpx_auth._oauth2.parameters import extra_parameters, scope_text
from httpx_auth._oauth2.settings import ClientAuthentication, TokenSettings
from httpx_auth._oauth2.token import Token
from httpx_auth._oauth2.token_endpoint import TokenEndpoint


class FormGrant(GrantAuth):
    """A grant whose token answers one POST of fixed form data to its token endpoint.

    Parameters:
        parameters: the public constructor's (its ``locals()``): ``token_url``, ``scope``
            (a string or a list of strings), ``kwargs`` (the extra body parameters) and
            the options of ``TokenSettings``.
        form: the grant's own body parameters (besides ``grant_type``, ``scope`` and the extra ones).
        identity, secrets: what identifies the configuration besides the URL, the scope,
            the token field and the extra parameters (see ``make_cache_key``).
        authentication: how the client authenticates to the token endpoint.
    """

    token_endpoint: TokenEndpoint

    def __init__(
        self,
        parameters: Mapping[str, Any],
        form: Mapping[str, str],
        *,
        identity: Mapping[str, Any],
        secrets: Mapping[str, Any],
        authentication: ClientAuthentication,
    ) -> None:
        self.token_url = check.text("token_url", parameters["token_url"])
        self.scope = scope_text(parameters["scope"])
        self._extra = extra_parameters(parameters["kwargs"])
        settings = TokenSettings.of(parameters)
        self._form = {"grant_type": self.grant_type, **form, **self._extra}
        if self.scope:
            self._form["scope"] = self.scope
        super().__init__(
            make_cache_key(
                self.grant_type,
                self.token_url,
                {**identity, **authentication.identity, "scope": self.scope, "token_field_name": settings.token_field_name},
                {**secrets, **authentication.secret_identity, "extra": self._extra},
            ),
            settings,
        )
        self.token_endpoint = TokenEndpoint(self.token_url, settings, authentication)

    def _shown(self) -> dict[str, Any]:
        """What the repr shows between the token URL and the scope (secrets as ``HIDDEN``)."""
        return {}

    def __repr__(self) -> str:
        return self._repr(token_url=self.token_url, **self._shown(), scope=self.scope, extra_parameters=sorted(self._extra))

    @property
    def data(self) -> dict[str, str]:
        """The body of the token request, as the original library exposed it."""
        return dict(self._form)

    def _new_token(self, request: Any) -> Generator[Any, Any, Token]:
        return (yield from self.token_endpoint.request_token(request, self._form, self.settings.token_field_name))
