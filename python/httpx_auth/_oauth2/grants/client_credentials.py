"""The client credentials grant (RFC 6749 §4.4)."""

from __future__ import annotations

from typing import Any

from httpx_auth import _validation as check
from httpx_auth._oauth2.grants.form import FormGrant
from httpx_auth._oauth2.parameters import HIDDEN
from httpx_auth._oauth2.settings import CLIENT_SECRET_BASIC, ClientAuthentication


class OAuth2ClientCredentials(FormGrant):
    """Tokens for the client itself, obtained with its client id and secret.

    Parameters:
        token_url: the token endpoint.
        client_id: the client identifier.
        client_secret: the client secret (``None`` with ``private_key_jwt``).
        client_auth_method: how the client authenticates to the token endpoint:
            ``"client_secret_basic"`` (HTTP Basic, the default), ``"client_secret_post"``
            (``client_id`` and ``client_secret`` body parameters), ``"client_secret_jwt"``
            (a JWT assertion, HMAC of the secret) or ``"private_key_jwt"`` (a JWT
            assertion signed with ``private_key``).
        private_key, key_id, signing_algorithm, assertion_audience: the JWT client
            assertion (see ``docs/service-auth.md``).
        scope: the scope requested, a string or a list of strings.
        token_field_name: the field of the answer that holds the token.
        header_name: the header that carries the token (``Authorization``).
        header_value: its value, ``{token}`` being replaced (``Bearer {token}``).
        early_expiry: seconds before its expiry from which a token is renewed (30).
        timeout: seconds allowed for each token request (60).
        client: an httpx client that sends the token requests (instead of the one
            sending the request being authenticated).
        dpop: ``True`` (a new key) or a ``DPoPKey``: DPoP-bound tokens (RFC 9449).
        retry_on_invalid_token: on a cached token answered 401 invalid_token (RFC 6750), get a
            new token and send the request once more (``True``).
        **kwargs: extra body parameters of the token request.
    """

    grant_type = "client_credentials"

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str | None = None,
        *,
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
        self.client_id = check.text("client_id", client_id)
        if client_secret is not None:
            client_secret = check.text("client_secret", client_secret)
        super().__init__(
            locals(),
            {},
            identity={"client_id": self.client_id},
            secrets={"client_secret": client_secret},
            authentication=ClientAuthentication.of(locals(), client_auth=(self.client_id, client_secret)),
        )

    def _shown(self) -> dict[str, Any]:
        return {"client_id": self.client_id, "client_secret": HIDDEN}
