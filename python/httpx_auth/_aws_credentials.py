"""The AWS credential sources' former home, now ``httpx_auth._aws.credentials``: kept
because the docs once named ``httpx_auth._aws_credentials`` for ``resolve_region``."""

from __future__ import annotations

from httpx_auth._aws.credentials import *  # noqa: F403
from httpx_auth._aws.credentials import __all__, resolve_region  # noqa: F401
