"""Source 5: EC2 instance metadata, IMDSv2 only (a session token first, then the role
and its credentials). Short timeouts (1 s, like botocore) so a laptop is not stalled."""

from __future__ import annotations

import os

from httpx_auth._aws.credentials import _http
from httpx_auth._aws.credentials._errors import AWSCredentialsError
from httpx_auth._aws.credentials._refresh import RefreshingCredentials
from httpx_auth._aws.credentials._types import AWSCredentials, parse_timestamp

DEFAULT_ENDPOINT = "http://169.254.169.254"
IPV6_ENDPOINT = "http://[fd00:ec2::254]"
TIMEOUT_SECONDS = 1.0
TOKEN_TTL_SECONDS = "21600"
_CREDENTIALS_PATH = "/latest/meta-data/iam/security-credentials/"
_FIELDS = ("AccessKeyId", "SecretAccessKey", "Token", "Expiration")
SOURCE = "EC2 instance metadata (IMDSv2)"


def imds_disabled() -> str | None:
    if os.environ.get("AWS_EC2_METADATA_DISABLED", "").strip().lower() == "true":
        return "disabled by AWS_EC2_METADATA_DISABLED"
    return None


def imds_endpoint(profile_endpoint: str | None = None, profile_mode: str | None = None) -> str:
    """``AWS_EC2_METADATA_SERVICE_ENDPOINT`` (or the profile's), else by endpoint mode."""
    endpoint = os.environ.get("AWS_EC2_METADATA_SERVICE_ENDPOINT") or profile_endpoint
    if endpoint:
        return endpoint.rstrip("/")
    mode = os.environ.get("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE") or profile_mode or "IPv4"
    return IPV6_ENDPOINT if mode.strip().lower() == "ipv6" else DEFAULT_ENDPOINT


class InstanceMetadata:
    """One IMDSv2 session: its token, then GETs with it."""

    def __init__(self, endpoint: str, timeout: float = TIMEOUT_SECONDS) -> None:
        self.endpoint = endpoint
        self.timeout = timeout
        response = _http.request(
            SOURCE, "PUT", f"{endpoint}/latest/api/token", timeout=timeout,
            headers={"X-aws-ec2-metadata-token-ttl-seconds": TOKEN_TTL_SECONDS},
        )  # fmt: skip
        if response.status_code != 200 or not response.text.strip():
            raise AWSCredentialsError(SOURCE, f"no IMDSv2 session token (HTTP {response.status_code}).")
        self._token = response.text.strip()

    def get(self, path: str) -> str:
        response = _http.request(
            SOURCE, "GET", f"{self.endpoint}{path}", timeout=self.timeout,
            headers={"X-aws-ec2-metadata-token": self._token},
        )  # fmt: skip
        if response.status_code != 200:
            raise AWSCredentialsError(SOURCE, f"{path} answered HTTP {response.status_code}.")
        return response.text


class InstanceMetadataCredentials(RefreshingCredentials):
    """The instance profile's credentials from EC2 instance metadata.

    :param endpoint: the metadata service (default: ``AWS_EC2_METADATA_SERVICE_ENDPOINT``,
        else ``http://169.254.169.254``, or ``http://[fd00:ec2::254]`` when
        ``AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE`` is ``IPv6``).
    :param timeout: seconds to connect and to wait for each answer.
    """

    source_name = SOURCE

    def __init__(self, endpoint: str | None = None, *, timeout: float = TIMEOUT_SECONDS) -> None:
        super().__init__()
        self.endpoint = endpoint.rstrip("/") if endpoint else imds_endpoint()
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"InstanceMetadataCredentials(endpoint={self.endpoint!r})"

    def fetch(self) -> AWSCredentials:
        disabled = imds_disabled()
        if disabled:
            raise AWSCredentialsError(SOURCE, f"{disabled}.")
        session = InstanceMetadata(self.endpoint, self.timeout)
        role = session.get(_CREDENTIALS_PATH).strip().splitlines()
        if not role or not role[0].strip():
            raise AWSCredentialsError(SOURCE, "the instance has no IAM role (instance profile).")
        body = _http.json_object(SOURCE, session.get(_CREDENTIALS_PATH + role[0].strip()))
        if body.get("Code", "Success") != "Success":
            raise AWSCredentialsError(SOURCE, f"the credentials are not available (Code {body.get('Code')!r}).")
        access_key, secret_key, token, expiration = _http.credentials_fields(SOURCE, body, _FIELDS)
        return AWSCredentials(access_key, secret_key, token, parse_timestamp(expiration))


def instance_region(endpoint: str | None = None) -> str | None:
    """The instance's region from metadata, or None when metadata is unavailable."""
    if imds_disabled():
        return None
    try:
        region = InstanceMetadata(endpoint or imds_endpoint()).get("/latest/meta-data/placement/region").strip()
    except AWSCredentialsError:
        return None
    return region or None
