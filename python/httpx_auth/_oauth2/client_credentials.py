"""The client credentials grant (RFC 6749 §4.4), generic and for Okta."""

from __future__ import annotations

from typing import Any

from httpx_auth import _validation as check
from httpx_auth._errors import InvalidParameter
from httpx_auth._oauth2.grant import HIDDEN, FormGrant, scope_text
from httpx_auth._oauth2.client_assertion import CLIENT_SECRET_BASIC


class OAuth2ClientCredentials(FormGrant):
    """Tokens for the client itself, obtained with its client id and secret.

    Parameters:
        token_url: the token endpoint.
        client_id: the client identifier.
        client_secret: the client secret (``None`` with ``private_key_jwt``).
        client_auth_method: how the client authenticates to the token endpoint:
            ``"client_secret_basic"`` (HTTP Basic, the default), ``"client_secret_post"``
            (``client_id`` and ``client_secret`` body parameters), ``"client_secret_jwt"``
            (a JWT assertion signed with the secret, HS256) or ``"private_key_jwt"`` (a
            JWT assertion signed with ``private_key``).
        private_key, key_id, signing_algorithm, assertion_audience: the JWT client
            assertion (see ``docs/service-auth.md``).
        scope: the scope requested, a string or a list of strings.
        token_field_name: the field of the answer that holds the token.
        header_name, header_value, early_expiry, timeout, client, dpop: see ``GrantAuth``.
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
        **kwargs: Any,
    ) -> None:
        self.client_id = check.text("client_id", client_id)
        if client_secret is not None:
            client_secret = check.text("client_secret", client_secret)
        super().__init__(
            token_url,
            {},
            identity={"client_id": self.client_id},
            secrets={},
            client_auth=(self.client_id, client_secret),
            client_auth_method=client_auth_method,
            client_assertion={
                "private_key": private_key,
                "key_id": key_id,
                "signing_algorithm": signing_algorithm,
                "assertion_audience": assertion_audience,
            },
            scope=scope,
            token_field_name=token_field_name,
            extra=kwargs,
            header_name=header_name,
            header_value=header_value,
            early_expiry=early_expiry,
            timeout=timeout,
            client=client,
            dpop=dpop,
        )

    def __repr__(self) -> str:
        return self._repr(
            token_url=self.token_url,
            client_id=self.client_id,
            client_secret=HIDDEN,
            client_auth_method=self.token_endpoint.client_auth_method,
            scope=self.scope,
            extra_parameters=sorted(self._extra),
        )


class OktaClientCredentials(OAuth2ClientCredentials):
    """The client credentials grant of an Okta authorization server.

    Parameters:
        instance: the Okta domain (like ``"testserver.okta-emea.com"``).
        client_id: the application's client id.
        client_secret: the application's client secret.
        scope: the scope requested (mandatory with Okta), a string or a list of strings.
        authorization_server: the Okta authorization server (``"default"`` by default).
        Others: as ``OAuth2ClientCredentials``.
    """

    def __init__(
        self,
        instance: str,
        client_id: str,
        client_secret: str,
        *,
        scope: str | list[str],
        authorization_server: str = "default",
        **kwargs: Any,
    ) -> None:
        instance = check.text("instance", instance)
        authorization_server = check.text("authorization_server", authorization_server)
        if scope_text(scope) is None:
            # Okta refuses a client credentials request without a scope.
            raise InvalidParameter("scope is mandatory with Okta: give a scope or a list of scopes.")
        super().__init__(
            f"https://{instance}/oauth2/{authorization_server}/v1/token",
            client_id,
            client_secret,
            scope=scope,
            **kwargs,
        )
