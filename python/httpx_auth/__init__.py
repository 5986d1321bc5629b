"""Authentication for httpx (and httpx2): OAuth2, AWS Signature v4, API keys, Basic."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from httpx_auth import _core
from httpx_auth._aws import AWS4Auth
from httpx_auth._aws.checksum import checksum
from httpx_auth._base import SupportMultiAuth
from httpx_auth._errors import (
    AuthenticationFailed,
    GrantNotProvided,
    HttpxAuthException,
    InvalidGrantRequest,
    InvalidDiscoveryDocument,
    InvalidParameter,
    InvalidToken,
    InvalidTokenResponse,
    RedirectPortUnavailable,
    StateNotProvided,
    TimeoutOccurred,
    TokenExpiryNotProvided,
)
from httpx_auth._oauth2 import (
    AzureActiveDirectoryImplicit,
    AzureActiveDirectoryImplicitIdToken,
    DisplaySettings,
    DPoPKey,
    JsonTokenFileCache,
    OAuth2,
    OAuth2AuthorizationCode,
    OAuth2AuthorizationCodePKCE,
    OAuth2ClientCredentials,
    OAuth2Implicit,
    OAuth2JwtBearer,
    OAuth2ResourceOwnerPasswordCredentials,
    OAuth2TokenExchange,
    OktaAuthorizationCode,
    OktaAuthorizationCodePKCE,
    OktaClientCredentials,
    OktaImplicit,
    OktaImplicitIdToken,
    OktaResourceOwnerPasswordCredentials,
    RedisTokenCache,
    TokenMemoryCache,
    WakaTimeAuthorizationCode,
)
from httpx_auth._oauth2 import AzureActiveDirectoryDeviceCode, DeviceAuthorization, OAuth2DeviceCode, OktaDeviceCode
from httpx_auth._simple import Basic, HeaderApiKey, QueryApiKey

if TYPE_CHECKING:
    from httpx_auth._aws.credentials import (
        AssumeRoleCredentials,
        AWSCredentials,
        AWSCredentialsError,
        ContainerCredentials,
        CredentialSource,
        DefaultCredentials,
        EnvironmentCredentials,
        InstanceMetadataCredentials,
        NoAWSCredentialsFound,
        ProcessCredentials,
        ProfileCredentials,
        RefreshingCredentials,
        SSOCredentials,
        WebIdentityCredentials,
    )


__version__: str  # set on first access, by __getattr__


def __getattr__(name: str) -> Any:
    # BACKEND follows _core so that it stays right when the test suite swaps backends.
    if name == "BACKEND":
        return _core.BACKEND
    if name == "__version__":  # read on demand: importlib.metadata costs ~10 ms to import
        from importlib.metadata import PackageNotFoundError, version

        global __version__
        try:
            __version__ = version("httpx_auth")
        except PackageNotFoundError:  # running from a source tree that was never installed
            __version__ = "0+unknown"
        return __version__
    if name in __all__:  # public but not imported yet: the AWS credential sources, imported
        from httpx_auth._aws import credentials  # when first used (subprocess, configparser, XML)

        return getattr(credentials, name)
    raise AttributeError(f"module 'httpx_auth' has no attribute {name!r}")


__all__ = [
    "AzureActiveDirectoryDeviceCode",
    "DeviceAuthorization",
    "OAuth2DeviceCode",
    "OktaDeviceCode",
    "AWS4Auth",
    "AWSCredentials",
    "AWSCredentialsError",
    "AssumeRoleCredentials",
    "BACKEND",
    "AuthenticationFailed",
    "AzureActiveDirectoryImplicit",
    "AzureActiveDirectoryImplicitIdToken",
    "Basic",
    "ContainerCredentials",
    "CredentialSource",
    "DPoPKey",
    "DefaultCredentials",
    "DisplaySettings",
    "EnvironmentCredentials",
    "GrantNotProvided",
    "HeaderApiKey",
    "HttpxAuthException",
    "InstanceMetadataCredentials",
    "InvalidGrantRequest",
    "InvalidDiscoveryDocument",
    "InvalidParameter",
    "InvalidToken",
    "InvalidTokenResponse",
    "JsonTokenFileCache",
    "NoAWSCredentialsFound",
    "OAuth2",
    "OAuth2AuthorizationCode",
    "OAuth2AuthorizationCodePKCE",
    "OAuth2ClientCredentials",
    "OAuth2Implicit",
    "OAuth2JwtBearer",
    "OAuth2ResourceOwnerPasswordCredentials",
    "OAuth2TokenExchange",
    "OktaAuthorizationCode",
    "OktaAuthorizationCodePKCE",
    "OktaClientCredentials",
    "OktaImplicit",
    "OktaImplicitIdToken",
    "OktaResourceOwnerPasswordCredentials",
    "ProcessCredentials",
    "ProfileCredentials",
    "QueryApiKey",
    "RedirectPortUnavailable",
    "RedisTokenCache",
    "RefreshingCredentials",
    "SSOCredentials",
    "StateNotProvided",
    "SupportMultiAuth",
    "TimeoutOccurred",
    "TokenExpiryNotProvided",
    "TokenMemoryCache",
    "WakaTimeAuthorizationCode",
    "WebIdentityCredentials",
    "__version__",
    "checksum",
]
