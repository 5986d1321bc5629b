"""The implicit grant (RFC 6749 §4.2) and OpenID Connect ID tokens: generic, Okta, Microsoft Entra.

The token comes straight back in the redirect URI's fragment. An ID token's expiry is
its ``exp`` claim; an access token's is ``expires_in`` when given, else its ``exp``
claim when it is a JWT.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from typing import Any, ClassVar

from httpx_auth import _validation as check
from httpx_auth._errors import InvalidParameter
from httpx_auth._oauth2.browser_grant import BrowserGrant, okta_endpoint, provider_query, split_extra
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
        **kwargs: sent in the authorization URL (``client_id``, ``nonce``, ``prompt``...);
            ``scope`` may be a list.
    """

    grant_type = "implicit"
    # The provider presets' defaults, when their response_type and token_field_name are None.
    default_response_type: ClassVar[str]
    default_token_field_name: ClassVar[str]

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
        **kwargs: Any,
    ) -> None:
        query, hidden = split_extra(kwargs)
        self._setup(
            authorization_url,
            {**query, **hidden},
            generate_nonce=False,
            response_type=response_type,
            token_field_name=token_field_name,
            early_expiry=early_expiry,
            redirect_uri_domain=redirect_uri_domain,
            redirect_uri_endpoint=redirect_uri_endpoint,
            redirect_uri_port=redirect_uri_port,
            timeout=timeout,
            header_name=header_name,
            header_value=header_value,
        )

    def _setup(
        self,
        authorization_url: str,
        query: Mapping[str, str],
        *,
        generate_nonce: bool,
        response_type: str,
        token_field_name: str | None,
        **options: Any,
    ) -> None:
        BrowserGrant.__init__(
            self,
            authorization_url,
            identity={"token_field_name": token_field_name},
            secret_identity={},
            # Known once the effective response type is: fixed just below.
            grant_field="",
            response_type=response_type,
            query=query,
            generate_nonce=generate_nonce,
            **options,
        )
        if token_field_name is None:
            token_field_name = "id_token" if self.response_type == "id_token" else "access_token"
        self.token_field_name = self.grant_field = check.text("token_field_name", token_field_name)

    def _setup_preset(
        self,
        authorization_url: str,
        *,
        client_id: str,
        scope: Any,
        nonce: str | None,
        extra: Mapping[str, Any],
        response_type: str | None,
        token_field_name: str | None,
        **options: Any,
    ) -> None:
        """The body of the provider presets' constructors: ``extra`` (the preset's extra
        keyword arguments) goes to the authorization URL; ``options`` are the other
        ``BrowserGrant`` arguments."""
        public, hidden = split_extra(extra)
        self._setup(
            authorization_url,
            provider_query(client_id, scope, nonce, {**public, **hidden}),
            generate_nonce=nonce is None,
            response_type=self.default_response_type if response_type is None else response_type,
            token_field_name=self.default_token_field_name if token_field_name is None else token_field_name,
            **options,
        )

    def __repr__(self) -> str:
        return self._repr(
            authorization_url=self.authorization_url,
            redirect_uri=self.redirect_uri,
            response_type=self.response_type,
            token_field_name=self.token_field_name,
        )

    def _new_token(self, request: Any) -> Generator[Any, Any, Token]:
        fields: Mapping[str, str] = yield from self._authorize(origin=request)
        if self.token_field_name == "id_token":
            # expires_in, if any, is the access token's: an ID token expires at its exp claim.
            fields = {name: value for name, value in fields.items() if name != "expires_in"}
        return token_from_fields(fields, self.token_field_name, expiry_from_token=True)


class OktaImplicit(OAuth2Implicit):
    """Implicit grant of an Okta authorization server, for an access token.

    Parameters:
        instance: the Okta domain (like ``testserver.okta-emea.com``).
        client_id: the application's client id.
        scope: the scope, a string or a list of strings (``openid profile email``).
        authorization_server: the Okta authorization server (``default``).
        nonce: sent with the authorization (a new UUID for each authorization by default).
        Others: as ``OAuth2Implicit``; extra keyword arguments go to the authorization URL.
    """

    default_response_type = "token"
    default_token_field_name = "access_token"

    def __init__(
        self,
        instance: str,
        client_id: str,
        *,
        response_type: str | None = None,
        token_field_name: str | None = None,
        early_expiry: float = 30.0,
        nonce: str | None = None,
        scope: str | list[str] | None = None,
        authorization_server: str = "default",
        redirect_uri_domain: str = "localhost",
        redirect_uri_endpoint: str = "",
        redirect_uri_port: int = 5000,
        timeout: float = 60,
        header_name: str = "Authorization",
        header_value: str = "Bearer {token}",
        **kwargs: Any,
    ) -> None:
        self._setup_preset(
            okta_endpoint(instance, authorization_server, "authorize"),
            client_id=client_id,
            scope=["openid", "profile", "email"] if scope is None else scope,
            nonce=nonce,
            extra=kwargs,
            response_type=response_type,
            token_field_name=token_field_name,
            early_expiry=early_expiry,
            redirect_uri_domain=redirect_uri_domain,
            redirect_uri_endpoint=redirect_uri_endpoint,
            redirect_uri_port=redirect_uri_port,
            timeout=timeout,
            header_name=header_name,
            header_value=header_value,
        )


class OktaImplicitIdToken(OktaImplicit):
    """Implicit grant of an Okta authorization server, for an OpenID Connect ID token.

    As ``OktaImplicit``, with ``response_type`` and ``token_field_name`` ``id_token``.
    """

    default_response_type = "id_token"
    default_token_field_name = "id_token"


def _entra_authorization_url(tenant_id: str) -> str:
    tenant_id = check.text("tenant_id", tenant_id)
    if any(c in tenant_id for c in "/?#@ \t\r\n"):
        raise InvalidParameter("tenant_id must be a tenant identifier (a UUID or a domain name).")
    return f"https://login.microsoftonline.com/{tenant_id}/oauth2/authorize"


class AzureActiveDirectoryImplicit(OAuth2Implicit):
    """Implicit grant of Microsoft Entra ID (formerly Azure Active Directory), for an access token.

    Parameters:
        tenant_id: the Microsoft tenant identifier.
        client_id: the application's client id.
        nonce: sent with the authorization (a new UUID for each authorization by default).
        Others: as ``OAuth2Implicit``; extra keyword arguments go to the authorization URL.
    """

    default_response_type = "token"
    default_token_field_name = "access_token"

    def __init__(
        self,
        tenant_id: str,
        client_id: str,
        *,
        response_type: str | None = None,
        token_field_name: str | None = None,
        early_expiry: float = 30.0,
        nonce: str | None = None,
        redirect_uri_domain: str = "localhost",
        redirect_uri_endpoint: str = "",
        redirect_uri_port: int = 5000,
        timeout: float = 60,
        header_name: str = "Authorization",
        header_value: str = "Bearer {token}",
        **kwargs: Any,
    ) -> None:
        self._setup_preset(
            _entra_authorization_url(tenant_id),
            client_id=client_id,
            scope=None,
            nonce=nonce,
            extra=kwargs,
            response_type=response_type,
            token_field_name=token_field_name,
            early_expiry=early_expiry,
            redirect_uri_domain=redirect_uri_domain,
            redirect_uri_endpoint=redirect_uri_endpoint,
            redirect_uri_port=redirect_uri_port,
            timeout=timeout,
            header_name=header_name,
            header_value=header_value,
        )


class AzureActiveDirectoryImplicitIdToken(AzureActiveDirectoryImplicit):
    """Implicit grant of Microsoft Entra ID, for an OpenID Connect ID token.

    As ``AzureActiveDirectoryImplicit``, with ``response_type`` and ``token_field_name``
    ``id_token``.
    """

    default_response_type = "id_token"
    default_token_field_name = "id_token"
