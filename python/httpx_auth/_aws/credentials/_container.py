"""Source 4: the container credentials endpoint (ECS, EKS Pod Identity)."""

from __future__ import annotations

import ipaddress
import os

import httpx

from httpx_auth._aws.credentials import _http
from httpx_auth._aws.credentials._errors import AWSCredentialsError
from httpx_auth._aws.credentials._refresh import RefreshingCredentials
from httpx_auth._aws.credentials._types import AWSCredentials, parse_timestamp

RELATIVE_URI = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
FULL_URI = "AWS_CONTAINER_CREDENTIALS_FULL_URI"
TOKEN = "AWS_CONTAINER_AUTHORIZATION_TOKEN"
TOKEN_FILE = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"
ECS_HOST = "169.254.170.2"
# Plain http is allowed only to these hosts (ECS, EKS Pod Identity) and to loopback.
ALLOWED_HOSTS = frozenset({ECS_HOST, "169.254.170.23", "fd00:ec2::23", "localhost"})
TIMEOUT_SECONDS = 2.0
_FIELDS = ("AccessKeyId", "SecretAccessKey", "Token", "Expiration")


def container_unavailable() -> str | None:
    if os.environ.get(RELATIVE_URI) or os.environ.get(FULL_URI):
        return None
    return f"neither {RELATIVE_URI} nor {FULL_URI} is set"


class ContainerCredentials(RefreshingCredentials):
    """Credentials from the container endpoint: ``AWS_CONTAINER_CREDENTIALS_RELATIVE_URI``
    (on 169.254.170.2) or ``AWS_CONTAINER_CREDENTIALS_FULL_URI``, with the
    ``Authorization`` header from ``AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`` (read at every
    refresh) or ``AWS_CONTAINER_AUTHORIZATION_TOKEN``."""

    source_name = "container credentials endpoint"

    def url(self) -> str:
        relative = os.environ.get(RELATIVE_URI)
        if relative:
            return f"http://{ECS_HOST}{relative if relative.startswith('/') else '/' + relative}"
        full = os.environ.get(FULL_URI)
        if not full:
            raise AWSCredentialsError(self.source_name, f"neither {RELATIVE_URI} nor {FULL_URI} is set.")
        try:
            parsed = httpx.URL(full)
        except (httpx.InvalidURL, ValueError):
            raise AWSCredentialsError(self.source_name, f"{FULL_URI} is not a valid URL.") from None
        if parsed.scheme == "https" or (parsed.scheme == "http" and _allowed_host(parsed.host)):
            return full
        raise AWSCredentialsError(
            self.source_name,
            f"{FULL_URI} must use https, or http to a loopback address or one of {', '.join(sorted(ALLOWED_HOSTS))}.",
        )

    def _headers(self) -> dict[str, str]:
        token_file = os.environ.get(TOKEN_FILE)
        if token_file:
            try:
                with open(token_file, encoding="utf-8") as file:
                    token = file.read().strip()
            except (OSError, UnicodeDecodeError) as error:
                raise AWSCredentialsError(
                    self.source_name, f"cannot read {TOKEN_FILE} ({type(error).__name__})."
                ) from None
        else:
            token = os.environ.get(TOKEN, "")
        if not token:
            return {}
        if "\r" in token or "\n" in token or "\0" in token:
            raise AWSCredentialsError(self.source_name, "the authorization token contains a line break.")
        return {"Authorization": token}

    def fetch(self) -> AWSCredentials:
        url = self.url()
        response = _http.request(self.source_name, "GET", url, timeout=TIMEOUT_SECONDS, headers=self._headers())
        if response.status_code != 200:
            raise AWSCredentialsError(self.source_name, f"the endpoint answered HTTP {response.status_code}.")
        body = _http.json_object(self.source_name, response.content)
        access_key, secret_key, token, expiration = _http.credentials_fields(self.source_name, body, _FIELDS)
        return AWSCredentials(access_key, secret_key, token, parse_timestamp(expiration))


def _allowed_host(host: str) -> bool:
    if host in ALLOWED_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
