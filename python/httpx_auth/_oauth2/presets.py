"""The provider presets: Okta, Microsoft Entra ID (Azure Active Directory) and WakaTime.

Each preset keeps its public signature, computes the provider's endpoints and defaults,
and runs its generic grant's constructor with the parameters they share (``forwarded``).
Where a preset lays its parameters out differently (``client_id``, ``scope`` and ``nonce``
go to the authorization URL, secrets to the token endpoint only), it keeps them in a
``ProviderParameters`` before that call and overrides the grant's ``_layout`` hook.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import quote

from httpx_auth import _validation as check
from httpx_auth._errors import InvalidParameter
from httpx_auth._oauth2.grants.authorization_code import CodeLayout, OAuth2AuthorizationCode, OAuth2AuthorizationCodePKCE
from httpx_auth._oauth2.grants.client_credentials import OAuth2ClientCredentials
from httpx_auth._oauth2.grants.device_code import OAuth2DeviceCode
from httpx_auth._oauth2.grants.implicit import OAuth2Implicit
from httpx_auth._oauth2.grants.resource_owner_password import OAuth2ResourceOwnerPasswordCredentials
from httpx_auth._oauth2.parameters import forwarded, scope_text, split_extra


@dataclass(frozen=True)
class ProviderParameters:
    """What a preset's constructor was given for the authorization URL: the client id,
    the scope (a string or a list), the ``nonce`` (``None``: a new one each time) and
    the extra keyword arguments."""

    client_id: Any
    scope: Any
    nonce: str | None
    extra: Mapping[str, Any]

    def query(self, extra: Mapping[str, str]) -> dict[str, str]:
        """``client_id``, the ``extra`` parameters, then ``scope`` and ``nonce`` when given."""
        query = {"client_id": check.text("client_id", self.client_id), **extra}
        scope = scope_text(self.scope)
        if scope:
            query["scope"] = scope
        if self.nonce is not None:
            query["nonce"] = check.text("nonce", self.nonce)
        return query


def okta_endpoint(instance: Any, authorization_server: Any, name: str) -> str:
    """An endpoint (``authorize``, ``token``) of an Okta authorization server."""
    instance = check.text("instance", instance)
    if any(c in instance for c in "/?#@ \t\r\n"):
        raise InvalidParameter("instance must be an Okta domain, like 'testserver.okta-emea.com'.")
    authorization_server = check.text("authorization_server", authorization_server)
    return f"https://{instance}/oauth2/{quote(authorization_server, safe='')}/v1/{name}"


def entra_endpoint(tenant_id: Any, path: str) -> str:
    """An endpoint (``authorize``, ``v2.0/devicecode``...) of a Microsoft Entra tenant."""
    tenant_id = check.text("tenant_id", tenant_id)
    if any(c in tenant_id for c in "/?#@ \t\r\n"):
        raise InvalidParameter("tenant_id must be a tenant identifier (a UUID or a domain name).")
    return f"https://login.microsoftonline.com/{tenant_id}/oauth2/{path}"


class _OktaCode:
    """The Okta code grants' constructor and layout (with or without PKCE): the extra
    parameters go to the URL and the token requests, ``scope`` and ``nonce`` to the URL
    only, secrets to the token requests only. ``super().__init__`` is the generic grant's."""

    _provider: ProviderParameters

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
        retry_on_invalid_token: bool = True,
        client: Any = None,
        client_auth_method: str | None = None,
        private_key: Any = None,
        key_id: str | None = None,
        signing_algorithm: str | None = None,
        assertion_audience: str | None = None,
        dpop: Any = None,
        **kwargs: Any,
    ) -> None:
        self._provider = ProviderParameters(client_id, scope, nonce, kwargs)
        generic: Callable[..., None] = super().__init__  # a mixin: the next class is the generic grant
        urls = [okta_endpoint(instance, authorization_server, name) for name in ("authorize", "token")]
        generic(*urls, **forwarded(locals(), generic))

    def _layout(self, extra: Mapping[str, Any]) -> CodeLayout:
        public, hidden = split_extra(self._provider.extra)
        query = self._provider.query(public)
        return CodeLayout(query, {"client_id": query["client_id"], **public}, hidden, self._provider.nonce is None)


class OktaAuthorizationCode(_OktaCode, OAuth2AuthorizationCode):
    """Authorization code grant of an Okta authorization server.

    Parameters:
        instance: the Okta domain (like ``testserver.okta-emea.com``).
        client_id: the application's client id.
        scope: the scope, a string or a list of strings (``openid``).
        authorization_server: the Okta authorization server (``default``).
        nonce: sent with the authorization (a new UUID for each authorization by default).
        Others: as ``OAuth2AuthorizationCode`` (``client_auth_method="private_key_jwt"``
        with ``private_key``... included, and ``dpop``); extra keyword arguments go to
        the authorization URL and the token requests (``client_secret`` to the latter only).
    """


class OktaAuthorizationCodePKCE(_OktaCode, OAuth2AuthorizationCodePKCE):
    """Authorization code grant with PKCE of an Okta authorization server.

    Parameters: as ``OktaAuthorizationCode``.
    """


class WakaTimeAuthorizationCode(OAuth2AuthorizationCode):
    """Authorization code grant of WakaTime.

    Parameters:
        client_id: the WakaTime application id.
        client_secret: the WakaTime application secret (sent to the token endpoint only).
        scope: the scopes, a comma separated string or a list of strings.
        nonce: sent with the authorization (a new UUID for each authorization by default).
        dpop: ``True`` or a ``DPoPKey``: DPoP-bound tokens (RFC 9449), as for
            ``OAuth2AuthorizationCode``.
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
        retry_on_invalid_token: bool = True,
        client: Any = None,
        dpop: Any = None,
        **kwargs: Any,
    ) -> None:
        self._client_secret = check.text("client_secret", client_secret)
        if isinstance(scope, (list, tuple)):
            # WakaTime separates scopes with commas.
            scope = ",".join(check.text("scope item", item) for item in scope)
        self._provider = ProviderParameters(check.text("client_id", client_id), check.text("scope", scope), nonce, kwargs)
        urls = "https://wakatime.com/oauth/authorize", "https://wakatime.com/oauth/token"
        super().__init__(*urls, **forwarded(locals(), super().__init__))

    def _layout(self, extra: Mapping[str, Any]) -> CodeLayout:
        # The scope comes before the extra parameters; only the client id goes to the body.
        public, hidden = split_extra(self._provider.extra)
        query = {"client_id": self._provider.client_id, "scope": self._provider.scope, **public}
        if self._provider.nonce is not None:
            query["nonce"] = check.text("nonce", self._provider.nonce)
        hidden_body = {**hidden, "client_secret": self._client_secret}
        return CodeLayout(query, {"client_id": self._provider.client_id}, hidden_body, self._provider.nonce is None)


class _ProviderImplicit(OAuth2Implicit):
    """The implicit presets: ``client_id``, extras, ``scope`` and ``nonce`` in the URL;
    ``response_type`` and ``token_field_name`` default to the class's own defaults."""

    defaults: ClassVar[Mapping[str, str]] = {"response_type": "token", "token_field_name": "access_token"}
    _provider: ProviderParameters

    def _delegate(self, authorization_url: str, parameters: Mapping[str, Any]) -> None:
        """Run ``OAuth2Implicit``'s constructor with ``parameters``, the preset's ``locals()``."""
        given = forwarded(parameters, OAuth2Implicit.__init__)
        given.update((name, value) for name, value in self.defaults.items() if given[name] is None)
        super().__init__(authorization_url, **given)

    def _layout(self, extra: Mapping[str, Any]) -> tuple[dict[str, str], bool]:
        public, hidden = split_extra(self._provider.extra)
        return self._provider.query({**public, **hidden}), self._provider.nonce is None


class OktaImplicit(_ProviderImplicit):
    """Implicit grant of an Okta authorization server, for an access token.

    Parameters:
        instance: the Okta domain (like ``testserver.okta-emea.com``).
        client_id: the application's client id.
        scope: the scope, a string or a list of strings (``openid profile email``).
        authorization_server: the Okta authorization server (``default``).
        nonce: sent with the authorization (a new UUID for each authorization by default).
        Others: as ``OAuth2Implicit``; extra keyword arguments go to the authorization URL.
    """

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
        retry_on_invalid_token: bool = True,
        **kwargs: Any,
    ) -> None:
        self._provider = ProviderParameters(client_id, ["openid", "profile", "email"] if scope is None else scope, nonce, kwargs)
        self._delegate(okta_endpoint(instance, authorization_server, "authorize"), locals())


class OktaImplicitIdToken(OktaImplicit):
    """Implicit grant of an Okta authorization server, for an OpenID Connect ID token.

    As ``OktaImplicit``, with ``response_type`` and ``token_field_name`` ``id_token``.
    """

    defaults = {"response_type": "id_token", "token_field_name": "id_token"}


class AzureActiveDirectoryImplicit(_ProviderImplicit):
    """Implicit grant of Microsoft Entra ID (formerly Azure Active Directory), for an access token.

    Parameters:
        tenant_id: the Microsoft tenant identifier.
        client_id: the application's client id.
        nonce: sent with the authorization (a new UUID for each authorization by default).
        Others: as ``OAuth2Implicit``; extra keyword arguments go to the authorization URL.
    """

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
        retry_on_invalid_token: bool = True,
        **kwargs: Any,
    ) -> None:
        self._provider = ProviderParameters(client_id, None, nonce, kwargs)
        self._delegate(entra_endpoint(tenant_id, "authorize"), locals())


class AzureActiveDirectoryImplicitIdToken(AzureActiveDirectoryImplicit):
    """Implicit grant of Microsoft Entra ID, for an OpenID Connect ID token.

    As ``AzureActiveDirectoryImplicit``, with ``response_type`` and ``token_field_name``
    ``id_token``.
    """

    defaults = {"response_type": "id_token", "token_field_name": "id_token"}


def _okta_token_url(instance: Any, authorization_server: Any) -> str:
    instance = check.text("instance", instance)
    authorization_server = check.text("authorization_server", authorization_server)
    return f"https://{instance}/oauth2/{authorization_server}/v1/token"


class OktaClientCredentials(OAuth2ClientCredentials):
    """The client credentials grant of an Okta authorization server.

    Parameters:
        instance: the Okta domain (like ``"testserver.okta-emea.com"``).
        client_id: the application's client id.
        client_secret: the application's client secret (``None`` with ``private_key_jwt``).
        scope: the scope requested (mandatory with Okta), a string or a list of strings.
        authorization_server: the Okta authorization server (``"default"`` by default).
        Others: as ``OAuth2ClientCredentials``.
    """

    def __init__(
        self,
        instance: str,
        client_id: str,
        client_secret: str | None = None,
        *,
        scope: str | list[str],
        authorization_server: str = "default",
        **kwargs: Any,
    ) -> None:
        token_url = _okta_token_url(instance, authorization_server)
        if scope_text(scope) is None:
            # Okta refuses a client credentials request without a scope.
            raise InvalidParameter("scope is mandatory with Okta: give a scope or a list of scopes.")
        super().__init__(token_url, client_id, client_secret, scope=scope, **kwargs)


class OktaResourceOwnerPasswordCredentials(OAuth2ResourceOwnerPasswordCredentials):
    """The resource owner password credentials grant of an Okta authorization server.

    Parameters:
        instance: the Okta domain (like ``"testserver.okta-emea.com"``).
        username: the resource owner's user name.
        password: the resource owner's password.
        client_id: the application's client id.
        client_secret: the application's client secret (sent with HTTP Basic, or in the
            body with ``client_auth_method="client_secret_post"``).
        scope: the scope requested (``"openid"`` by default).
        authorization_server: the Okta authorization server (``"default"`` by default).
        Others: as ``OAuth2ResourceOwnerPasswordCredentials``.
    """

    def __init__(
        self,
        instance: str,
        username: str,
        password: str,
        client_id: str,
        client_secret: str,
        *,
        scope: str | list[str] | None = "openid",
        authorization_server: str = "default",
        **kwargs: Any,
    ) -> None:
        token_url = _okta_token_url(instance, authorization_server)
        client_auth = (check.text("client_id", client_id), check.text("client_secret", client_secret))
        super().__init__(token_url, username, password, client_auth=client_auth, scope=scope, **kwargs)


class OktaDeviceCode(OAuth2DeviceCode):
    """The device authorization grant of an Okta authorization server.

    Parameters:
        instance: the Okta domain (like ``"testserver.okta-emea.com"``).
        client_id: the application's client id.
        scope: the scope requested, a string or a list of strings (``"openid"``).
        authorization_server: the Okta authorization server (``"default"``).
        Others: as ``OAuth2DeviceCode``.
    """

    def __init__(
        self,
        instance: str,
        client_id: str,
        *,
        scope: str | list[str] = "openid",
        authorization_server: str = "default",
        **kwargs: Any,
    ) -> None:
        device = okta_endpoint(instance, authorization_server, "device/authorize")
        super().__init__(device, okta_endpoint(instance, authorization_server, "token"), client_id, scope, **kwargs)


class AzureActiveDirectoryDeviceCode(OAuth2DeviceCode):
    """The device authorization grant of Microsoft Entra ID (formerly Azure Active Directory).

    Parameters:
        tenant_id: the tenant (a UUID or a domain name; ``"common"``, ``"organizations"``...).
        client_id: the application (client) id.
        scope: the scope requested, a string or a list of strings (``"openid"``; add
            ``"offline_access"`` for a refresh token).
        Others: as ``OAuth2DeviceCode``.
    """

    def __init__(self, tenant_id: str, client_id: str, *, scope: str | list[str] = "openid", **kwargs: Any) -> None:
        devicecode, token = entra_endpoint(tenant_id, "v2.0/devicecode"), entra_endpoint(tenant_id, "v2.0/token")
        super().__init__(devicecode, token, client_id, scope, **kwargs)
