"""Authentication for httpx (and httpx2): OAuth2, AWS Signature v4, API keys, Basic."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from httpx_auth import _core, _oauth2
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
from httpx_auth._oauth2 import *  # noqa: F403  (the public OAuth2 names: listed once, in _oauth2.__all__)
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
    "AWS4Auth",
    "AWSCredentials",
    "AWSCredentialsError",
    "AssumeRoleCredentials",
    "BACKEND",
    "AuthenticationFailed",
    "Basic",
    "ContainerCredentials",
    "CredentialSource",
    "DefaultCredentials",
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
    "NoAWSCredentialsFound",
    "ProcessCredentials",
    "ProfileCredentials",
    "QueryApiKey",
    "RedirectPortUnavailable",
    "RefreshingCredentials",
    "SSOCredentials",
    "StateNotProvided",
    "SupportMultiAuth",
    "TimeoutOccurred",
    "TokenExpiryNotProvided",
    "WebIdentityCredentials",
    "__version__",
    "checksum",
]
__all__ += _oauth2.__all__
