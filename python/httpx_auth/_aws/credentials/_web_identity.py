"""Source 2: a web identity token file exchanged through STS ``AssumeRoleWithWebIdentity``
(EKS IRSA, GitHub OIDC): ``AWS_WEB_IDENTITY_TOKEN_FILE``, ``AWS_ROLE_ARN``,
``AWS_ROLE_SESSION_NAME``, or the profile's ``web_identity_token_file``, ``role_arn``,
``role_session_name``."""

from __future__ import annotations

import os

from httpx_auth._aws.credentials import _sts
from httpx_auth._aws.credentials._errors import AWSCredentialsError
from httpx_auth._aws.credentials._refresh import RefreshingCredentials
from httpx_auth._aws.credentials._types import AWSCredentials


class WebIdentityCredentials(RefreshingCredentials):
    """Temporary credentials for ``role_arn``, in exchange for the token in ``token_file``
    (read again at every refresh: it rotates).

    Given neither ``role_arn`` nor ``token_file``, all three settings come from the
    environment: ``AWS_ROLE_ARN``, ``AWS_WEB_IDENTITY_TOKEN_FILE``, ``AWS_ROLE_SESSION_NAME``.

    :param role_arn: the role to assume.
    :param token_file: the file holding the token.
    :param session_name: the role session name (default: one made from the time).
    :param region: the STS region (default: ``AWS_REGION`` / ``AWS_DEFAULT_REGION``; the
        global endpoint when none).
    """

    source_name = "web identity (AssumeRoleWithWebIdentity)"

    def __init__(
        self,
        role_arn: str | None = None,
        token_file: str | None = None,
        session_name: str | None = None,
        region: str | None = None,
    ) -> None:
        super().__init__()
        if role_arn is None and token_file is None:
            role_arn = os.environ.get("AWS_ROLE_ARN")
            token_file = os.environ.get("AWS_WEB_IDENTITY_TOKEN_FILE")
            session_name = session_name or os.environ.get("AWS_ROLE_SESSION_NAME")
        self.role_arn = role_arn or None
        self.token_file = token_file or None
        self.session_name = session_name or None
        self.region = region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or None

    def __repr__(self) -> str:
        return f"WebIdentityCredentials(role_arn={self.role_arn!r}, token_file={self.token_file!r})"

    def fetch(self) -> AWSCredentials:
        if not self.token_file:
            raise AWSCredentialsError(self.source_name, "no token file (set AWS_WEB_IDENTITY_TOKEN_FILE).")
        if not self.role_arn:
            raise AWSCredentialsError(self.source_name, "no role ARN (set AWS_ROLE_ARN or the profile's role_arn).")
        try:
            with open(os.path.expanduser(self.token_file), encoding="utf-8") as file:
                token = file.read().strip()
        except (OSError, UnicodeDecodeError) as error:
            raise AWSCredentialsError(
                self.source_name, f"cannot read the token file {self.token_file!r} ({type(error).__name__})."
            ) from None
        if not token:
            raise AWSCredentialsError(self.source_name, f"the token file {self.token_file!r} is empty.")
        params = {**_sts.role_params(self.role_arn, self.session_name), "WebIdentityToken": token}
        return _sts.call(self.source_name, "AssumeRoleWithWebIdentity", params, self.region, None)
