"""The default chain: the sources in the order the AWS CLI and SDKs try them."""

from __future__ import annotations

import os

from httpx_auth._aws.credentials import _files
from httpx_auth._aws.credentials._container import ContainerCredentials, container_unavailable
from httpx_auth._aws.credentials._environment import EnvironmentCredentials, environment_unavailable
from httpx_auth._aws.credentials._errors import AWSCredentialsError, NoAWSCredentialsFound
from httpx_auth._aws.credentials._imds import InstanceMetadataCredentials, imds_disabled, imds_endpoint
from httpx_auth._aws.credentials._profile import ProfileResolver, profile_absence, profile_region
from httpx_auth._aws.credentials._refresh import CredentialSource, ResolvingCredentials

ENVIRONMENT = "environment variables"
WEB_IDENTITY = "web identity"
CONTAINER = "container credentials endpoint"
IMDS = "EC2 instance metadata (IMDSv2)"


class DefaultCredentials(ResolvingCredentials):
    """The first source that has credentials, tried in the SDKs' order: environment
    variables; the profile's ``role_arn`` (AssumeRole); web identity; the profile's SSO,
    keys (credentials file), ``credential_process``, keys (config file); the container
    endpoint; EC2 instance metadata. The choice is made once, at the first request.

    :param profile: the profile (default: ``AWS_DEFAULT_PROFILE``, ``AWS_PROFILE``, else
        ``default``). Naming one skips the environment variables, as botocore does.
    :param region: the STS region for AssumeRole and web identity (default: the
        profile's; the global endpoint when none).
    """

    source_name = "AWS credentials"

    def __init__(self, profile: str | None = None, *, region: str | None = None) -> None:
        super().__init__()
        self.profile = profile
        self.region = region

    def __repr__(self) -> str:
        return f"DefaultCredentials(profile={self.profile!r}, source={self.source!r})"

    def select(self) -> CredentialSource:
        tried: list[tuple[str, str]] = []
        explicit = self.profile is not None
        # Read first, as botocore does: a malformed file or a profile named but missing is
        # an error even when the environment holds keys.
        files = _files.load()
        name = _files.named_profile(files, self.profile)
        if explicit:
            tried.append((ENVIRONMENT, "skipped: a profile was named"))
        else:
            why = environment_unavailable()
            if why is None:
                return EnvironmentCredentials()
            tried.append((ENVIRONMENT, why))
        resolver = ProfileResolver(files, self.region or profile_region(files, name))
        found = resolver.role(name) or resolver.rest(name, env=not explicit)
        if found is not None:
            return found
        if not explicit:
            tried.append((WEB_IDENTITY, "AWS_WEB_IDENTITY_TOKEN_FILE is not set"))
        tried.append((f"profile {name!r} ({files.where})", profile_absence(files, name)))
        why = container_unavailable()
        if why is None:
            return ContainerCredentials()
        tried.append((CONTAINER, why))
        why = imds_disabled()
        if why is None:
            endpoint = imds_endpoint(
                files.setting(name, "ec2_metadata_service_endpoint"),
                files.setting(name, "ec2_metadata_service_endpoint_mode"),
            )
            metadata = InstanceMetadataCredentials(endpoint)
            try:
                metadata.ensure_fresh()
                return metadata
            except AWSCredentialsError as error:
                why = error.reason.rstrip(".")
        tried.append((IMDS, why))
        raise NoAWSCredentialsFound(tried)


def configured_region(profile: str | None = None) -> str | None:
    """``AWS_REGION``, ``AWS_DEFAULT_REGION``, else the profile's ``region`` (reading the
    files only then, as botocore does: a profile named but missing is an error there)."""
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if region:
        return region
    files = _files.load()
    return files.setting(_files.named_profile(files, profile), "region") or None


def resolve_region(profile: str | None = None) -> str:
    """The region, found as the AWS CLI finds it: ``AWS_REGION``, ``AWS_DEFAULT_REGION``,
    the profile's ``region``, then EC2 instance metadata."""
    from httpx_auth._aws.credentials._imds import instance_region

    region = configured_region(profile)
    if region:
        return region
    files = _files.load()
    name = _files.named_profile(files, profile)
    if not imds_disabled():
        region = instance_region(
            imds_endpoint(
                files.setting(name, "ec2_metadata_service_endpoint"),
                files.setting(name, "ec2_metadata_service_endpoint_mode"),
            )
        )
        if region:
            return region
    raise AWSCredentialsError(
        "AWS region",
        f"none found in AWS_REGION, AWS_DEFAULT_REGION, the region of profile {name!r} "
        f"({files.where}) or EC2 instance metadata: pass region=...",
    )
