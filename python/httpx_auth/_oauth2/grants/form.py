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
        token_url: the token endpoint.
        form: the grant's own body parameters (besides ``grant_type``, ``scope`` and ``extra``).
        identity, secrets: what identifies the configuration besides the URL, the scope,
            the token field and ``extra`` (see ``make_cache_key``).
        authentication: how the client authenticates to the token endpoint.
        scope: the scope requested, a string or a list of strings.
        extra: extra body parameters (the grant's ``**kwargs``).
        settings: see ``TokenSettings``.
    """

    token_endpoint: TokenEndpoint

    def __init__(
        self,
        token_url: str,
        form: Mapping[str, str],
        *,
        identity: Mapping[str, Any],
        secrets: Mapping[str, Any],
        authentication: ClientAuthentication,
        scope: Any,
        extra: Mapping[str, Any],
        settings: TokenSettings,
    ) -> None:
        self.token_url = check.text("token_url", token_url)
        self.scope = scope_text(scope)
        self._extra = extra_parameters(extra)
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

    @property
    def data(self) -> dict[str, str]:
        """The body of the token request, as the original library exposed it."""
        return dict(self._form)

    def _new_token(self, request: Any) -> Generator[Any, Any, Token]:
        return (yield from self.token_endpoint.request_token(request, self._form, self.settings.token_field_name))
