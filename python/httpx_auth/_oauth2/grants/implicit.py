"""The implicit grant (RFC 6749 §4.2) and OpenID Connect ID tokens.

The token comes straight back in the redirect URI's fragment. An ID token's expiry is
its ``exp`` claim; an access token's is ``expires_in`` when given, else its ``exp``
claim when it is a JWT.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Generator, Mapping
from typing import Any

from httpx_auth._oauth2.browser.grant import BrowserGrant
from httpx_auth._oauth2.parameters import split_extra
from httpx_auth._oauth2.settings import RedirectSettings, TokenSettings
from httpx_auth._oauth2.token import Token
from httpx_auth._oauth2.token_response import token_from_fields


class OAuth2Implicit(BrowserGrant):
    """Implicit grant (RFC 6749 §4.2).

    Parameters:
        authorization_url: the authorization endpoint.
        response_type: sent unless the authorization URL has one (``token``).
        token_field_name: field of the reply holding the token (``id_token`` when the
            response type is ``id_token``, ``access_token`` otherwise).
        early_expiry: seconds before expiry from which a token is renewed (30).
        redirect_uri_domain: host name of the redirect URI (``localhost``).
        redirect_uri_endpoint: path of the redirect URI (empty).
        redirect_uri_port: port of the redirect URI, where the reply is awaited (5000).
        timeout: seconds to wait for the reply (60).
        header_name: header carrying the token (``Authorization``).
        header_value: its value, ``{token}`` being replaced (``Bearer {token}``).
        retry_on_invalid_token: on a cached token answered 401 invalid_token (RFC 6750), get a
            new token and send the request once more (``True``).
        **kwargs: sent in the authorization URL (``client_id``, ``nonce``, ``prompt``...);
            ``scope`` may be a list.

    No ``dpop``: DPoP binds a token when the token endpoint issues it (RFC 9449 §5), and
    the implicit grant has no token request: its token comes from the authorization
    endpoint, unbound. For DPoP-bound tokens use ``OAuth2AuthorizationCodePKCE``.
    """

    grant_type = "implicit"

    def __init__(
        self,
        authorization_url: str,
        *,
        response_type: str = "token",
        token_field_name: str | None = None,
        early_expiry: float = 30.0,
        redirect_uri_domain: str = "localhost",
        redirect_uri_endpoint: str = "",
        redirect_uri_port: int = 5000,
        timeout: float = 60,
        header_name: str = "Authorization",
        header_value: str = "Bearer {token}",
        retry_on_invalid_token: bool = True,
        **kwargs: Any,
    ) -> None:
        query, generate_nonce = self._layout(kwargs)
        super().__init__(
            authorization_url,
            identity={"token_field_name": token_field_name},
            secret_identity={},
            # Known once the effective response type is, like the token field: set just below.
            grant_field="",
            response_type=response_type,
            query=query,
            generate_nonce=generate_nonce,
            redirect=RedirectSettings.of(locals()),
            settings=TokenSettings.of(locals(), token_field_name="access_token"),
        )
        if token_field_name is None:
            token_field_name = "id_token" if self.response_type == "id_token" else "access_token"
        self.settings = dataclasses.replace(self.settings, token_field_name=token_field_name)
        self.grant_field = self.settings.token_field_name

    def _layout(self, extra: Mapping[str, Any]) -> tuple[dict[str, str], bool]:
        """The authorization URL's parameters from the extra keyword arguments, and whether
        each authorization sends a new ``nonce`` (the presets override it)."""
        public, hidden = split_extra(extra)
        return {**public, **hidden}, False

    def __repr__(self) -> str:
        return self._repr(
            authorization_url=self.authorization_url,
            redirect_uri=self.redirect_uri,
            response_type=self.response_type,
            token_field_name=self.settings.token_field_name,
        )

    def _new_token(self, request: Any) -> Generator[Any, Any, Token]:
        fields: Mapping[str, str] = yield from self._authorize(origin=request)
        if self.settings.token_field_name == "id_token":
            # expires_in, if any, is the access token's: an ID token expires at its exp claim.
            fields = {name: value for name, value in fields.items() if name != "expires_in"}
        return token_from_fields(fields, self.settings.token_field_name, expiry_from_token=True)
