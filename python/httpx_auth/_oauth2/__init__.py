"""OAuth2: the token engine, the token caches and the grants."""

from __future__ import annotations

from httpx_auth._oauth2.authorization_code import (
    OAuth2AuthorizationCode,
    OktaAuthorizationCode,
    WakaTimeAuthorizationCode,
)
from httpx_auth._oauth2.authorization_code_pkce import OAuth2AuthorizationCodePKCE, OktaAuthorizationCodePKCE
from httpx_auth._oauth2.cache import TokenMemoryCache
from httpx_auth._oauth2.display import DisplaySettings
from httpx_auth._oauth2.client_credentials import OAuth2ClientCredentials, OktaClientCredentials
from httpx_auth._oauth2.device_authorization import DeviceAuthorization
from httpx_auth._oauth2.device_code import AzureActiveDirectoryDeviceCode, OAuth2DeviceCode, OktaDeviceCode
from httpx_auth._oauth2.file_cache import JsonTokenFileCache
from httpx_auth._oauth2.grant import OAuth2, GrantAuth, make_cache_key, scope_text
from httpx_auth._oauth2.implicit import (
    AzureActiveDirectoryImplicit,
    AzureActiveDirectoryImplicitIdToken,
    OAuth2Implicit,
    OktaImplicit,
    OktaImplicitIdToken,
)
from httpx_auth._oauth2.resource_owner_password import (
    OAuth2ResourceOwnerPasswordCredentials,
    OktaResourceOwnerPasswordCredentials,
)
from httpx_auth._oauth2.token import Token
from httpx_auth._oauth2.token_endpoint import TokenEndpoint, build_request
from httpx_auth._oauth2.token_response import token_from_fields, token_from_response

__all__ = [
    "AzureActiveDirectoryDeviceCode",
    "DeviceAuthorization",
    "OAuth2DeviceCode",
    "OktaDeviceCode",
    "AzureActiveDirectoryImplicit",
    "AzureActiveDirectoryImplicitIdToken",
    "DisplaySettings",
    "OAuth2AuthorizationCode",
    "OAuth2AuthorizationCodePKCE",
    "OAuth2Implicit",
    "OktaAuthorizationCode",
    "OktaAuthorizationCodePKCE",
    "OktaImplicit",
    "OktaImplicitIdToken",
    "WakaTimeAuthorizationCode",
    "GrantAuth",
    "JsonTokenFileCache",
    "OAuth2",
    "OAuth2ClientCredentials",
    "OAuth2ResourceOwnerPasswordCredentials",
    "OktaClientCredentials",
    "OktaResourceOwnerPasswordCredentials",
    "Token",
    "TokenEndpoint",
    "TokenMemoryCache",
    "build_request",
    "make_cache_key",
    "scope_text",
    "token_from_fields",
    "token_from_response",
]
