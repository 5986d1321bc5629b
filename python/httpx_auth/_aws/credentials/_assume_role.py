"""STS ``AssumeRole``: temporary credentials for a role, signed with another source's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from httpx_auth._aws.credentials import _sts
from httpx_auth._aws.credentials._refresh import RefreshingCredentials
from httpx_auth._aws.credentials._types import AWSCredentials


class AssumeRoleCredentials(RefreshingCredentials):
    """Temporary credentials for ``role_arn``, from STS ``AssumeRole`` called with the
    credentials of ``source`` (any source, another ``AssumeRoleCredentials`` included:
    role chaining).

    :param role_arn: the role to assume.
    :param source: the credentials the call is signed with (a source or any callable
        returning ``AWSCredentials``).
    :param session_name: the role session name (default: one made from the time).
    :param external_id: the ``ExternalId`` the role's trust policy asks for, if any.
    :param duration_seconds: how long the credentials last (STS's default: 1 hour).
    :param region: the STS region (None: the global endpoint).
    """

    source_name = "AssumeRole"

    def __init__(
        self,
        role_arn: str,
        source: Callable[[], Any],
        *,
        session_name: str | None = None,
        external_id: str | None = None,
        duration_seconds: int | None = None,
        region: str | None = None,
        source_name: str | None = None,
    ) -> None:
        super().__init__()
        self.role_arn = role_arn
        self.source = source
        self.session_name = session_name
        self.external_id = external_id
        self.duration_seconds = duration_seconds
        self.region = region
        self.source_name = source_name or f"AssumeRole {role_arn}"

    def __repr__(self) -> str:
        return f"AssumeRoleCredentials(role_arn={self.role_arn!r}, source={self.source!r})"

    def fetch(self) -> AWSCredentials:
        signer = self.source()
        if not isinstance(signer, AWSCredentials):
            from httpx_auth._aws.params import provided_credentials

            signer = AWSCredentials(*provided_credentials(lambda: signer))
        params = _sts.role_params(self.role_arn, self.session_name)
        if self.external_id is not None:
            params["ExternalId"] = self.external_id
        if self.duration_seconds is not None:
            params["DurationSeconds"] = str(self.duration_seconds)
        return _sts.call(self.source_name, "AssumeRole", params, self.region, signer)
