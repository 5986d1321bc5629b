"""``AWS4Auth.from_environment``: the default chain and the region, as the AWS CLI finds them."""

from __future__ import annotations

from typing import Any

from httpx_auth._aws import AWS4Auth


def from_environment(
    cls: type[AWS4Auth], service: str, region: str | None, profile: str | None, options: dict[str, Any]
) -> AWS4Auth:
    from httpx_auth._aws.credentials._chain import DefaultCredentials, resolve_region

    if region is None:
        region = resolve_region(profile)
    return cls(region=region, service=service, credentials=DefaultCredentials(profile), **options)
