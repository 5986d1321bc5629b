"""The authorization code grant (RFC 6749 §4.1): generic, Okta and WakaTime.

The user authorizes in the browser; the code in the reply is exchanged for a token at
the token endpoint. A refresh token in the answer renews the token without the browser.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from typing import Any, ClassVar

from httpx_auth import _validation as check
from httpx_auth._errors import InvalidParameter
from httpx_auth._oauth2 import pkce
from httpx_auth._oauth2.browser_grant import BrowserGrant, okta_endpoint, provider_query, split_extra
from httpx_auth._oauth2.grant import HIDDEN
from httpx_auth._oauth2.token import Token
from httpx_auth._oauth2.token_endpoint import TokenEndpoint


class CodeGrant(BrowserGrant):
    """The code grants, with (``use_pkce``) or without Proof Key for Code Exchange.

    ``query`` goes to the authorization URL, ``body`` to every token request (code
    exchange and refresh); ``client_auth`` is a (user name, password) pair sent with
    HTTP Basic to the token endpoint.
    """

    use_pkce: ClassVar[bool] = False

    def __init__(
        self,
        authorization_url: str,
        token_url: str,
        *,
        query: Mapping[str, str],
        body: Mapping[str, str],
        hidden_body: Mapping[str, str],
        client_auth: tuple[str, str] | None,
        generate_nonce: bool,
        redirect_uri_domain: str,
        redirect_uri_endpoint: str,
        redirect_uri_port: int,
        timeout: float,
        header_name: str,
        header_value: str,
        response_type: str,
        token_field_name: str,
        early_expiry: float,
        code_field_name: str,
        client: Any,
    ) -> None:
        self.token_url = check.text("token_url", token_url)
        self.token_field_name = check.text("token_field_name", token_field_name)
        self.code_field_name = check.text("code_field_name", code_field_name)
        self._body = {**body, **hidden_body}
        self._body_names = sorted(self._body)
        self.username = client_auth[0] if client_auth else None
        super().__init__(
            authorization_url,
            identity={
                "token_url": self.token_url,
                "token_field_name": self.token_field_name,
                "body": dict(body),
                "username": self.username,
            },
            secret_identity={"body": dict(hidden_body), "password": client_auth[1] if client_auth else None},
            grant_field=self.code_field_name,
            response_type=response_type,
            query=query,
            generate_nonce=generate_nonce,
            redirect_uri_domain=redirect_uri_domain,
            redirect_uri_endpoint=redirect_uri_endpoint,
            redirect_uri_port=redirect_uri_port,
            header_name=header_name,
            header_value=header_value,
            early_expiry=early_expiry,
            timeout=timeout,
            client=client,
        )
        self.token_endpoint = TokenEndpoint(
            self.token_url, client_auth=client_auth, timeout=self.timeout, client=client
        )

    def __repr__(self) -> str:
        fields: dict[str, Any] = {
            "authorization_url": self.authorization_url,
            "token_url": self.token_url,
            "redirect_uri": self.redirect_uri,
            "response_type": self.response_type,
        }
        if self.username is not None:
            fields.update(username=self.username, password=HIDDEN)
        fields["token_parameters"] = self._body_names
        return self._repr(**fields)

    def _new_token(self, request: Any) -> Generator[Any, Any, Token]:
        extra: dict[str, str] = {}
        data = {"grant_type": "authorization_code", "redirect_uri": self.redirect_uri, **self._body}
        if self.use_pkce:
            # A new verifier for each authorization; only its challenge goes through the browser.
            verifier = pkce.new_code_verifier()
            extra = {"code_challenge": pkce.code_challenge(verifier), "code_challenge_method": "S256"}
            data["code_verifier"] = verifier
        fields = yield from self._authorize(extra)
        data["code"] = fields[self.code_field_name]
        assert self.token_endpoint is not None
        return (yield from self.token_endpoint.request_token(request, data, self.token_field_name))

    def _refresh_token(self, request: Any, refresh_token: str) -> Generator[Any, Any, Token | None]:
        # Like the code exchange, the refresh carries the extra parameters (client_id...).
        assert self.token_endpoint is not None
        data = {**self._body, "grant_type": "refresh_token", "refresh_token": refresh_token}
        token = yield from self.token_endpoint.request_token(request, data, self.token_field_name)
        return token.keeping(refresh_token)

    def _setup_okta(
        self,
        instance: str,
        authorization_server: str,
        *,
        client_id: str,
        scope: Any,
        nonce: str | None,
        extra: Mapping[str, Any],
        **options: Any,
    ) -> None:
        """The body of the Okta presets' constructors (with or without PKCE).

        ``extra`` (the preset's extra keyword arguments) goes to the authorization URL
        and the token requests, secrets to the latter only; ``options`` are the other
        ``CodeGrant`` arguments."""
        public, hidden = split_extra(extra)
        query = provider_query(client_id, scope, nonce, public)
        CodeGrant.__init__(
            self,
            okta_endpoint(instance, authorization_server, "authorize"),
            okta_endpoint(instance, authorization_server, "token"),
            query=query,
            body={"client_id": query["client_id"], **public},
            hidden_body=hidden,
            client_auth=None,
            generate_nonce=nonce is None,
            **options,
        )


def basic_credentials(username: str | None, password: str | None) -> tuple[str, str] | None:
    """The (user name, password) pair for the token endpoint, if any."""
    if username is None and password is None:
        return None
    if username is None or password is None:
        raise InvalidParameter("username and password go together: give both, or neither.")
    username = check.text("username", username)
    if ":" in username:
        raise InvalidParameter("username must not contain ':' (RFC 7617).")
    return username, check.text("password", password, allow_empty=True)


class OAuth2AuthorizationCode(CodeGrant):
    """Authorization code grant (RFC 6749 §4.1).

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
        username, password: sent with HTTP Basic to the token endpoint, when given.
        client: an httpx client that sends the token requests.
        **kwargs: sent in the authorization URL and in the token requests (``client_id``,
            ``nonce``...); ``scope`` may be a list. Secrets (``client_secret``) go to the
            token endpoint only, never through the browser.
    """

    grant_type = "authorization_code"

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
        username: str | None = None,
        password: str | None = None,
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
            client_auth=basic_credentials(username, password),
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


class OktaAuthorizationCode(OAuth2AuthorizationCode):
    """Authorization code grant of an Okta authorization server.

    Parameters:
        instance: the Okta domain (like ``testserver.okta-emea.com``).
        client_id: the application's client id.
        scope: the scope, a string or a list of strings (``openid``).
        authorization_server: the Okta authorization server (``default``).
        nonce: sent with the authorization (a new UUID for each authorization by default).
        Others: as ``OAuth2AuthorizationCode``; extra keyword arguments go to the
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


class WakaTimeAuthorizationCode(OAuth2AuthorizationCode):
    """Authorization code grant of WakaTime.

    Parameters:
        client_id: the WakaTime application id.
        client_secret: the WakaTime application secret (sent to the token endpoint only).
        scope: the scopes, a comma separated string or a list of strings.
        nonce: sent with the authorization (a new UUID for each authorization by default).
        Others: as ``OAuth2AuthorizationCode``; extra keyword arguments go to the
        authorization URL.
    """

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        scope: str | list[str],
        *,
        response_type: str = "code",
        token_field_name: str = "access_token",
        early_expiry: float = 30.0,
        code_field_name: str = "code",
        nonce: str | None = None,
        redirect_uri_domain: str = "localhost",
        redirect_uri_endpoint: str = "",
        redirect_uri_port: int = 5000,
        timeout: float = 60,
        header_name: str = "Authorization",
        header_value: str = "Bearer {token}",
        client: Any = None,
        **kwargs: Any,
    ) -> None:
        client_id = check.text("client_id", client_id)
        client_secret = check.text("client_secret", client_secret)
        if isinstance(scope, (list, tuple)):
            # WakaTime separates scopes with commas.
            scope = ",".join(check.text("scope item", item) for item in scope)
        scope = check.text("scope", scope)
        public, hidden = split_extra(kwargs)
        query = {"client_id": client_id, "scope": scope, **public}
        if nonce is not None:
            query["nonce"] = check.text("nonce", nonce)
        CodeGrant.__init__(
            self,
            "https://wakatime.com/oauth/authorize",
            "https://wakatime.com/oauth/token",
            query=query,
            body={"client_id": client_id},
            hidden_body={**hidden, "client_secret": client_secret},
            client_auth=None,
            generate_nonce=nonce is None,
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
