"""S3 integrity against real servers: aws-chunked uploads signed chunk by chunk (with
and without trailers), x-amz-checksum-* headers the server verifies, and browser
uploads through a presigned POST policy. Each object is read back and compared.

SeaweedFS 4.48 checks checksum headers and trailers and answers with the value it
computed; moto 5.2.1 accepts aws-chunked bodies and trailers but neither checks nor
returns checksum values, so those checks run on SeaweedFS only; its server fails on any
POST policy form (see below), so browser uploads are tried on SeaweedFS only."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

import httpx_auth

from ._aws_fixtures import S3Target
from ._clients import Sender
from .test_aws_s3 import aws_auth, error_code, object_url

pytestmark = pytest.mark.integration

SERVERS = ["seaweedfs", "moto"]


def key(name: str) -> str:
    return f"integrity-{secrets.token_hex(4)}/{name}"


def target_of(request: pytest.FixtureRequest, server: str) -> S3Target:
    target: S3Target = request.getfixturevalue(f"{server}_s3")
    return target


def read_back(target: S3Target, url: str) -> bytes:
    got = httpx.get(url, auth=aws_auth(target), timeout=60)
    assert got.status_code == 200, got.text
    return got.content


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("size", [0, 1, 65_536, 3 * 65_536 + 17])
async def test_streamed_signed_chunks(request: pytest.FixtureRequest, server: str, size: int, sender: Sender) -> None:
    target = target_of(request, server)
    url = object_url(target, key(f"chunked-{size}-{sender.lib}-{sender.mode}.bin"))
    data = os.urandom(size)
    put = await sender.send("PUT", url, aws_auth(target, streaming=True), content=data)
    assert put.status_code == 200, put.text
    assert read_back(target, url) == data


@pytest.mark.parametrize("server", SERVERS)
async def test_streamed_async_iterator_of_known_length(request: pytest.FixtureRequest, server: str) -> None:
    target = target_of(request, server)
    url = object_url(target, key("async-iterator.bin"))
    data = os.urandom(200_000)

    async def pieces() -> AsyncIterator[bytes]:
        for start in range(0, len(data), 7_000):
            yield data[start : start + 7_000]

    auth = aws_auth(target, streaming=True, chunk_size=16_384)
    async with httpx.AsyncClient(timeout=60) as client:
        put = await client.put(url, content=pieces(), headers={"Content-Length": str(len(data))}, auth=auth)
    assert put.status_code == 200, put.text
    assert read_back(target, url) == data


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("algorithm", ["crc32", "crc32c", "crc64nvme", "sha1", "sha256"])
@pytest.mark.parametrize("unsigned", [False, True], ids=["signed-trailer", "unsigned-trailer"])
def test_streamed_with_trailing_checksum(request: pytest.FixtureRequest, server: str, algorithm: str, unsigned: bool) -> None:
    target = target_of(request, server)
    url = object_url(target, key(f"trailer-{algorithm}-{unsigned}.bin"))
    data = os.urandom(150_000)
    auth = aws_auth(target, streaming=True, checksum=algorithm, unsigned_payload=unsigned)
    put = httpx.put(url, content=data, auth=auth, timeout=60)
    assert put.status_code == 200, put.text
    assert read_back(target, url) == data
    if server == "seaweedfs":  # it answers with the checksum it computed and checked (moto does not)
        assert put.headers[f"x-amz-checksum-{algorithm}"] == httpx_auth.checksum(algorithm, data)


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("algorithm", ["crc32", "crc32c", "crc64nvme", "sha1", "sha256"])
def test_checksum_header_is_verified(request: pytest.FixtureRequest, server: str, algorithm: str) -> None:
    target = target_of(request, server)
    url = object_url(target, key(f"checksum-{algorithm}.bin"))
    data = os.urandom(100_000)
    put = httpx.put(url, content=data, auth=aws_auth(target, checksum=algorithm), timeout=60)
    assert put.status_code == 200, put.text
    assert read_back(target, url) == data
    if server == "moto":
        return  # moto 5.2.1 accepts any x-amz-checksum-* value: only SeaweedFS checks them
    assert put.headers[f"x-amz-checksum-{algorithm}"] == httpx_auth.checksum(algorithm, data)
    # The server does check the value: the checksum of other bytes is refused.
    wrong = httpx_auth.checksum(algorithm, data + b"!")
    bad = httpx.put(url, content=data, headers={f"x-amz-checksum-{algorithm}": wrong}, auth=aws_auth(target), timeout=60)
    assert bad.status_code == 400, bad.text


# moto 5.2.1 with authentication on reads an Authorization header on every POST and fails
# (HTTP 500, KeyError) on a policy form, whoever signed it: the form is tried on SeaweedFS.
def test_presigned_post_upload(seaweedfs_s3: S3Target) -> None:
    target = seaweedfs_s3
    name = key("posted.txt")
    auth = aws_auth(target)
    form = auth.presign_post(target.bucket_url, name, fields={"Content-Type": "text/plain"},
                             conditions=[["content-length-range", 1, 10_000]], expires_in=300)
    data = b"uploaded from a browser form"
    posted = httpx.post(form["url"], data=form["fields"], files={"file": ("posted.txt", data, "text/plain")}, timeout=60)
    assert posted.status_code in (200, 201, 204), posted.text
    assert read_back(target, object_url(target, name)) == data
    # A form whose policy was changed is refused.
    tampered = dict(form["fields"], key=name + ".other")
    refused = httpx.post(form["url"], data=tampered, files={"file": ("x.txt", data, "text/plain")}, timeout=60)
    assert refused.status_code == 403, refused.text
    assert error_code(refused.text) in ("AccessDenied", "SignatureDoesNotMatch")

