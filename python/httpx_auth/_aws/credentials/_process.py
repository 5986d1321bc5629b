"""A profile's ``credential_process``: a command printing credentials as JSON (Version 1)."""

from __future__ import annotations

import json
import shlex
import subprocess

from httpx_auth._aws.credentials import _http
from httpx_auth._aws.credentials._errors import AWSCredentialsError
from httpx_auth._aws.credentials._refresh import RefreshingCredentials
from httpx_auth._aws.credentials._types import AWSCredentials, parse_timestamp

TIMEOUT_SECONDS = 60.0
_FIELDS = ("AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration")


class ProcessCredentials(RefreshingCredentials):
    """Credentials printed by ``command`` (split like a shell would, run without one),
    run again when they expire.

    :param command: the command line, as in the ``credential_process`` setting.
    :param timeout: seconds the command may take.
    """

    def __init__(self, command: str, *, timeout: float = TIMEOUT_SECONDS, source_name: str = "credential_process") -> None:
        super().__init__()
        self.command = command
        self.timeout = timeout
        self.source_name = source_name

    def __repr__(self) -> str:  # the command line may hold a secret: never shown
        return f"ProcessCredentials(source_name={self.source_name!r})"

    def fetch(self) -> AWSCredentials:
        source = self.source_name
        try:
            argv = shlex.split(self.command)
        except ValueError:
            raise AWSCredentialsError(source, "the command line cannot be split (unbalanced quotes?).") from None
        if not argv:
            raise AWSCredentialsError(source, "the command line is empty.")
        try:
            done = subprocess.run(argv, capture_output=True, timeout=self.timeout, stdin=subprocess.DEVNULL)
        except FileNotFoundError:
            raise AWSCredentialsError(source, f"the command {argv[0]!r} was not found.") from None
        except subprocess.TimeoutExpired:
            raise AWSCredentialsError(source, f"the command did not finish within {self.timeout:g} s.") from None
        except OSError as error:
            raise AWSCredentialsError(source, f"the command could not run ({type(error).__name__}).") from None
        if done.returncode != 0:
            raise AWSCredentialsError(source, f"the command failed with exit status {done.returncode}.")
        try:
            body = json.loads(done.stdout)
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise AWSCredentialsError(source, "the command did not print a JSON object.")
        if body.get("Version") != 1:
            raise AWSCredentialsError(source, "the command's JSON must have \"Version\": 1.")
        access_key, secret_key, token, expiration = _http.credentials_fields(source, body, _FIELDS)
        expiry = None
        if expiration is not None:
            expiry = parse_timestamp(expiration)
            if expiry is None:
                raise AWSCredentialsError(source, "Expiration in the command's JSON is not an ISO 8601 timestamp.")
        return AWSCredentials(access_key, secret_key, token, expiry)
