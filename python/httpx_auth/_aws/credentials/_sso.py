"""IAM Identity Center (SSO): the token ``aws sso login`` cached, exchanged for role
credentials through the portal's ``GetRoleCredentials``."""

from __future__ import annotations

import hashlib
import json
import os
import time

from httpx_auth._aws.credentials import _http
from httpx_auth._aws.credentials._errors import AWSCredentialsError
from httpx_auth._aws.credentials._refresh import RefreshingCredentials
from httpx_auth._aws.credentials._types import AWSCredentials, parse_timestamp

TIMEOUT_SECONDS = 10.0


def token_cache_dir() -> str:
    return os.path.join(os.path.expanduser("~"), ".aws", "sso", "cache")


class SSOCredentials(RefreshingCredentials):
    """Role credentials from IAM Identity Center, with the token cached by
    ``aws sso login`` (``~/.aws/sso/cache``). The token is not renewed here: when it
    has expired, the error says to log in again.

    :param start_url: the SSO start URL.
    :param sso_region: the region of IAM Identity Center.
    :param account_id: the AWS account.
    :param role_name: the role (permission set) in that account.
    :param session_name: the ``sso-session`` the token belongs to (None: a legacy profile,
        whose token is cached under the start URL).
    """

    def __init__(
        self,
        start_url: str,
        sso_region: str,
        account_id: str,
        role_name: str,
        *,
        session_name: str | None = None,
        source_name: str = "SSO",
        login_hint: str = "aws sso login",
    ) -> None:
        super().__init__()
        self.start_url = start_url
        self.sso_region = sso_region
        self.account_id = account_id
        self.role_name = role_name
        self.session_name = session_name
        self.source_name = source_name
        self._login_hint = login_hint

    def __repr__(self) -> str:
        return f"SSOCredentials(account_id={self.account_id!r}, role_name={self.role_name!r})"

    def token_file(self) -> str:
        key = self.session_name or self.start_url
        return os.path.join(token_cache_dir(), hashlib.sha1(key.encode("utf-8")).hexdigest() + ".json")

    def _access_token(self) -> str:
        path = self.token_file()
        try:
            with open(path, encoding="utf-8") as file:
                cached = json.load(file)
        except FileNotFoundError:
            raise AWSCredentialsError(self.source_name, f"no cached SSO token: run `{self._login_hint}`.") from None
        except (OSError, ValueError) as error:
            raise AWSCredentialsError(
                self.source_name, f"the cached SSO token {path} cannot be read ({type(error).__name__})."
            ) from None
        token = cached.get("accessToken") if isinstance(cached, dict) else None
        expires = parse_timestamp(cached.get("expiresAt")) if isinstance(cached, dict) else None
        if not isinstance(token, str) or not token or expires is None:
            raise AWSCredentialsError(self.source_name, f"the cached SSO token {path} is incomplete.")
        if expires <= time.time():
            raise AWSCredentialsError(self.source_name, f"the SSO token has expired: run `{self._login_hint}`.")
        return token

    def fetch(self) -> AWSCredentials:
        token = self._access_token()
        base = _http.endpoint_override("SSO") or f"https://portal.sso.{self.sso_region}.amazonaws.com"
        response = _http.request(
            self.source_name, "GET", f"{base}/federation/credentials", timeout=TIMEOUT_SECONDS,
            params={"role_name": self.role_name, "account_id": self.account_id},
            headers={"x-amz-sso_bearer_token": token},
        )  # fmt: skip
        if response.status_code in (401, 403):
            raise AWSCredentialsError(self.source_name, f"the SSO token was refused: run `{self._login_hint}`.")
        if response.status_code != 200:
            raise AWSCredentialsError(self.source_name, f"GetRoleCredentials answered HTTP {response.status_code}.")
        body = _http.json_object(self.source_name, response.content).get("roleCredentials")
        if not isinstance(body, dict):
            raise AWSCredentialsError(self.source_name, "GetRoleCredentials answered without roleCredentials.")
        fields = ("accessKeyId", "secretAccessKey", "sessionToken", "sessionToken")
        access_key, secret_key, session_token, _ = _http.credentials_fields(self.source_name, body, fields)
        expiration = body.get("expiration")
        if isinstance(expiration, bool) or not isinstance(expiration, (int, float)):
            raise AWSCredentialsError(self.source_name, "GetRoleCredentials answered without an expiration.")
        return AWSCredentials(access_key, secret_key, session_token, expiration / 1000.0)
