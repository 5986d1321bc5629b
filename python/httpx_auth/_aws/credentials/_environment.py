"""Source 1: ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_SESSION_TOKEN``."""

from __future__ import annotations

import os

from httpx_auth._aws.credentials._errors import AWSCredentialsError
from httpx_auth._aws.credentials._refresh import RefreshingCredentials
from httpx_auth._aws.credentials._types import AWSCredentials, parse_timestamp

ACCESS_KEY = "AWS_ACCESS_KEY_ID"
SECRET_KEY = "AWS_SECRET_ACCESS_KEY"
TOKENS = ("AWS_SECURITY_TOKEN", "AWS_SESSION_TOKEN")  # the first one set wins, as in botocore
EXPIRATION = "AWS_CREDENTIAL_EXPIRATION"


def environment_unavailable() -> str | None:
    """Why the environment holds no credentials, or None when it does."""
    return None if os.environ.get(ACCESS_KEY) else f"{ACCESS_KEY} is not set"


class EnvironmentCredentials(RefreshingCredentials):
    """Credentials from environment variables, read again when they expire
    (``AWS_CREDENTIAL_EXPIRATION``, ISO 8601, optional)."""

    source_name = "environment variables"

    def fetch(self) -> AWSCredentials:
        access_key = os.environ.get(ACCESS_KEY, "")
        secret_key = os.environ.get(SECRET_KEY, "")
        if not access_key:
            raise AWSCredentialsError(self.source_name, f"{ACCESS_KEY} is not set.")
        if not secret_key:
            raise AWSCredentialsError(self.source_name, f"{ACCESS_KEY} is set but {SECRET_KEY} is not.")
        token = next((os.environ[name] for name in TOKENS if os.environ.get(name)), None)
        expiry = None
        expiration = os.environ.get(EXPIRATION, "")
        if expiration:
            expiry = parse_timestamp(expiration)
            if expiry is None:
                raise AWSCredentialsError(self.source_name, f"{EXPIRATION} is not an ISO 8601 timestamp.")
        return AWSCredentials(access_key, secret_key, token, expiry)
