"""Errors of the AWS credential sources. Messages name the source, never a secret."""

from __future__ import annotations

from collections.abc import Iterable

from httpx_auth._errors import HttpxAuthException


class AWSCredentialsError(HttpxAuthException):
    """A credential source is configured but could not give credentials: a malformed
    file, a failing ``credential_process``, an expired SSO token, an STS error..."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


class NoAWSCredentialsFound(AWSCredentialsError):
    """No credential source applies: the message lists each one tried and why not."""

    def __init__(self, tried: Iterable[tuple[str, str]]) -> None:
        self.tried = list(tried)
        lines = "".join(f"\n  - {source}: {why}" for source, why in self.tried)
        super().__init__("AWS credentials", f"none found. Sources tried, in order:{lines}")
