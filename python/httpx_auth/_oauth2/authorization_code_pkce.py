"""The authorization code grant with Proof Key for Code Exchange (RFC 7636): generic and Okta.

Each authorization draws a new code verifier; the browser only carries its S256
challenge, and the verifier goes to the token endpoint with the code, so a code caught
on its way back is useless to whoever caught it.
"""

from __future__ import annotations

from typing import Any

from httpx_auth._oauth2.authorization_code import CodeGrant
from httpx_auth._oauth2.browser_grant import split_extra


class OAuth2AuthorizationCodePKCE(CodeGrant):
    """Authorization code grant with PKCE (RFC 7636, S256 challenge).

    Parameters:
        authorization_url: the authorization endpoint.
        token_url: the token endpoint.
        redirect_uri_domain: host name of the redirect URI (``localhost``).
        redirect_uri_endpoint: path of the redirect URI (empty).
        redirect_uri_port: port of the redirect URI, where the reply is awaited (5000).
        timeout: seconds to wait for the reply, and for each token request (60).
        header_name: header carrying the token (``Authorization``).
        header_value: its value, ``{token}`` being replaced (``Bearer {token}``).
        response_type: sent unless the authorization URL has one (``code``).
        token_field_name: field of the token response holding the token (``access_token``).
        early_expiry: seconds before expiry from which a token is renewed (30).
        code_field_name: field of the reply holding the code (``code``).
        client: an httpx client that sends the token requests.
        **kwargs: sent in the authorization URL and in the token requests (``client_id``,
            ``nonce``...); ``scope`` may be a list. Secrets (``client_secret``) go to the
            token endpoint only, never through the browser.
    """

    grant_type = "authorization_code_pkce"
    use_pkce = True

    def __init__(
        self,
        authorization_url: str,
        token_url: str,
        *,
        redirect_uri_domain: str = "localhost",
        redirect_uri_endpoint: str = "",
        redirect_uri_port: int = 5000,
        timeout: float = 60,
        header_name: str = "Authorization",
        header_value: str = "Bearer {token}",
        response_type: str = "code",
        token_field_name: str = "access_token",
        early_expiry: float = 30.0,
        code_field_name: str = "code",
        client: Any = None,
        **kwargs: Any,
    ) -> None:
        public, hidden = split_extra(kwargs)
        super().__init__(
            authorization_url,
            token_url,
            query=public,
            body=public,
            hidden_body=hidden,
            client_auth=None,
            generate_nonce=False,
            redirect_uri_domain=redirect_uri_domain,
            redirect_uri_endpoint=redirect_uri_endpoint,
            redirect_uri_port=redirect_uri_port,
            timeout=timeout,
            header_name=header_name,
            header_value=header_value,
            response_type=response_type,
            token_field_name=token_field_name,
            early_expiry=early_expiry,
            code_field_name=code_field_name,
            client=client,
        )


class OktaAuthorizationCodePKCE(OAuth2AuthorizationCodePKCE):
    """Authorization code grant with PKCE of an Okta authorization server.

    Parameters:
        instance: the Okta domain (like ``testserver.okta-emea.com``).
        client_id: the application's client id.
        scope: the scope, a string or a list of strings (``openid``).
        authorization_server: the Okta authorization server (``default``).
        nonce: sent with the authorization (a new UUID for each authorization by default).
        Others: as ``OAuth2AuthorizationCodePKCE``; extra keyword arguments go to the
        authorization URL and the token requests (``client_secret`` to the latter only).
    """

    def __init__(
        self,
        instance: str,
        client_id: str,
        *,
        response_type: str = "code",
        token_field_name: str = "access_token",
        early_expiry: float = 30.0,
        code_field_name: str = "code",
        nonce: str | None = None,
        scope: str | list[str] = "openid",
        authorization_server: str = "default",
        redirect_uri_domain: str = "localhost",
        redirect_uri_endpoint: str = "",
        redirect_uri_port: int = 5000,
        timeout: float = 60,
        header_name: str = "Authorization",
        header_value: str = "Bearer {token}",
        client: Any = None,
        **kwargs: Any,
    ) -> None:
        self._setup_okta(
            instance,
            authorization_server,
            client_id=client_id,
            scope=scope,
            nonce=nonce,
            extra=kwargs,
            redirect_uri_domain=redirect_uri_domain,
            redirect_uri_endpoint=redirect_uri_endpoint,
            redirect_uri_port=redirect_uri_port,
            timeout=timeout,
            header_name=header_name,
            header_value=header_value,
            response_type=response_type,
            token_field_name=token_field_name,
            early_expiry=early_expiry,
            code_field_name=code_field_name,
            client=client,
        )
