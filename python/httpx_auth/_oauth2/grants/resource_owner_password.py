"""The resource owner password credentials grant (RFC 6749 §4.3)."""

from __future__ import annotations

from typing import Any

from httpx_auth import _validation as check
from httpx_auth._oauth2.grants.form import FormGrant
from httpx_auth._oauth2.parameters import HIDDEN
from httpx_auth._oauth2.settings import CLIENT_SECRET_BASIC, ClientAuth, ClientAuthentication


class OAuth2ResourceOwnerPasswordCredentials(FormGrant):
    """Tokens obtained with the resource owner's user name and password.

    Parameters:
        token_url: the token endpoint.
        username: the resource owner's user name.
        password: the resource owner's password.
        client_auth: how the client authenticates to the token endpoint, when it must:
            a ``(client_id, client_secret)`` pair, a client id alone (with
            ``private_key_jwt``), or any httpx Auth instance.
        client_auth_method, private_key, key_id, signing_algorithm, assertion_audience,
            scope, token_field_name, header_name, header_value, early_expiry, timeout,
            client, dpop, retry_on_invalid_token, **kwargs: as ``OAuth2ClientCredentials``.

    A refresh token in the answer is used to renew the token before asking again
    with the password.
    """

    grant_type = "password"

    def __init__(
        self,
        token_url: str,
        username: str,
        password: str,
        *,
        client_auth: ClientAuth | None = None,
        client_auth_method: str = CLIENT_SECRET_BASIC,
        private_key: Any = None,
        key_id: str | None = None,
        signing_algorithm: str | None = None,
        assertion_audience: str | None = None,
        scope: str | list[str] | None = None,
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
        self.username = check.text("username", username)
        password = check.text("password", password)
        super().__init__(
            locals(),
            {"username": self.username, "password": password},
            identity={"username": self.username},
            secrets={"password": password, "client_auth": client_auth},
            authentication=ClientAuthentication.of(locals()),
        )

    def _shown(self) -> dict[str, Any]:
        client_auth = self.token_endpoint.authentication.client_auth
        return {"username": self.username, "password": HIDDEN, "client_auth": None if client_auth is None else HIDDEN}
