"""AWS credentials and region from the environment, as the AWS CLI and SDKs find them,
refreshed before they expire. Each source is a ``credentials=`` provider of ``AWS4Auth``."""

from __future__ import annotations

from httpx_auth._aws.credentials._assume_role import AssumeRoleCredentials
from httpx_auth._aws.credentials._chain import DefaultCredentials, resolve_region
from httpx_auth._aws.credentials._container import ContainerCredentials
from httpx_auth._aws.credentials._environment import EnvironmentCredentials
from httpx_auth._aws.credentials._errors import AWSCredentialsError, NoAWSCredentialsFound
from httpx_auth._aws.credentials._imds import InstanceMetadataCredentials
from httpx_auth._aws.credentials._process import ProcessCredentials
from httpx_auth._aws.credentials._profile import ProfileCredentials
from httpx_auth._aws.credentials._refresh import CredentialSource, RefreshingCredentials
from httpx_auth._aws.credentials._sso import SSOCredentials
from httpx_auth._aws.credentials._types import AWSCredentials
from httpx_auth._aws.credentials._web_identity import WebIdentityCredentials

__all__ = [
    "AWSCredentials",
    "AWSCredentialsError",
    "AssumeRoleCredentials",
    "ContainerCredentials",
    "CredentialSource",
    "DefaultCredentials",
    "EnvironmentCredentials",
    "InstanceMetadataCredentials",
    "NoAWSCredentialsFound",
    "ProcessCredentials",
    "ProfileCredentials",
    "RefreshingCredentials",
    "SSOCredentials",
    "WebIdentityCredentials",
    "resolve_region",
]
