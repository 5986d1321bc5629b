"""Clock skew against a real S3 implementation: SeaweedFS refuses signatures more than
15 minutes away from its clock (RequestTimeTooSkewed); with this process's clock moved
20 minutes, AWS4Auth corrects itself from the answer and the request goes through."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
import time_machine

from ._aws_fixtures import S3Target
from ._clients import Sender
from .test_aws_s3 import aws_auth, error_code, object_url

pytestmark = pytest.mark.integration


@pytest.fixture(params=[-20, 20], ids=["clock-behind", "clock-ahead"])
def skewed_clock(request: pytest.FixtureRequest) -> Iterator[int]:
    """This process's clock, ``param`` minutes off (and still ticking)."""
    moved = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=request.param)
    with time_machine.travel(moved, tick=True):
        yield request.param


async def test_a_skewed_clock_is_corrected_from_the_servers_answer(
    seaweedfs_s3: S3Target, sender: Sender, skewed_clock: int
) -> None:
    url = object_url(seaweedfs_s3, f"skew-{secrets.token_hex(4)}/object.bin")
    body = secrets.token_bytes(1000)
    auth = aws_auth(seaweedfs_s3)
    put = await sender.send("PUT", url, auth, content=body)
    assert put.status_code == 200, put.text
    offset = auth._clock.seconds
    assert abs(offset + skewed_clock * 60) < 60  # learnt: about the opposite of the skew
    got = await sender.get(url, auth)  # signed right the first time now
    assert got.content == body
    assert auth._clock.seconds == offset
    presigned = auth.presign(url)
    signed_at = datetime.datetime.strptime(dict(parse_qsl(urlsplit(presigned).query))["X-Amz-Date"], "%Y%m%dT%H%M%SZ")
    server_now = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=skewed_clock)
    assert abs((signed_at.replace(tzinfo=datetime.timezone.utc) - server_now).total_seconds()) < 60
    assert httpx.get(presigned).content == body


async def test_without_correction_the_server_refuses(seaweedfs_s3: S3Target, sender: Sender, skewed_clock: int) -> None:
    auth: Any = aws_auth(seaweedfs_s3, correct_clock_skew=False)
    reply = await sender.get(f"{seaweedfs_s3.bucket_url}?list-type=2", auth)
    assert reply.status_code == 403
    assert error_code(reply.text) == "RequestTimeTooSkewed"
