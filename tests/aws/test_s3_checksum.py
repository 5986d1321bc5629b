"""S3 checksums: equal to botocore's (with awscrt for CRC32C/CRC64NVME) on both
backends, for bodies of every size class; the public ``checksum`` and its errors."""

from __future__ import annotations

import base64
import platform
import random
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import httpx_auth
from httpx_auth import AWS4Auth, InvalidParameter

if platform.python_implementation() == "PyPy":  # awscrt has no PyPy build: CPython runs these
    pytest.importorskip("awscrt", reason="awscrt, botocore's CRC32C/CRC64NVME, has no PyPy build")
import awscrt  # noqa: F401,E402  (the dev extra pins it: botocore's CRC32C/CRC64NVME need it)
from botocore import httpchecksum

ALGORITHMS = ["crc32", "crc32c", "crc64nvme", "sha1", "sha256"]
# Empty, one byte, below/at/above a 64-bit word, SIMD block and chunk sizes, and a large body.
SIZES = [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 255, 256, 4095, 4096, 4097, 65_535, 65_536, 65_537, 1_048_583]


def test_the_reference_is_botocore_with_awscrt() -> None:
    assert httpchecksum.HAS_CRT
    assert {"crc32c", "crc64nvme"} <= set(httpchecksum._CHECKSUM_CLS)


def botocore_value(algorithm: str, data: bytes) -> str:
    state = httpchecksum._CHECKSUM_CLS[algorithm]()
    state.update(data)
    value: str = state.b64digest()
    return value


def body(size: int) -> bytes:
    return random.Random(size).randbytes(size)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("size", SIZES)
def test_digest_equals_botocore(core: Any, algorithm: str, size: int) -> None:
    if core.__name__.endswith("_purepy") and size > 70_000 and algorithm in ("crc32c", "crc64nvme"):
        size = 70_001  # table-driven in pure Python: keep the test quick
    data = body(size)
    state = core.Checksum(algorithm)
    state.update(data)
    assert state.digest() == core.checksum_digest(algorithm, data)
    assert base64.b64encode(state.digest()).decode() == botocore_value(algorithm, data)


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=3000), cuts=st.lists(st.integers(0, 3000), max_size=5))
def test_pieces_and_backends_agree(data: bytes, cuts: list[int]) -> None:
    from backends import BACKENDS

    for algorithm in ALGORITHMS:
        expected = botocore_value(algorithm, data)
        for core in BACKENDS.values():
            state = core.Checksum(algorithm)
            start = 0
            for cut in sorted(c for c in cuts if c <= len(data)) + [len(data)]:
                state.update(data[start:cut])
                start = cut
            assert base64.b64encode(state.digest()).decode() == expected, (algorithm, core.__name__)


def test_known_values(backend: str) -> None:
    # The "check" values of the CRC catalogue (input "123456789"), base64 of big-endian.
    assert httpx_auth.checksum("crc32", b"123456789") == "y/Q5Jg=="
    assert httpx_auth.checksum("crc32c", b"123456789") == "4waSgw=="
    assert httpx_auth.checksum("CRC64NVME", b"123456789") == "rosUhgp5mIg="
    assert httpx_auth.checksum("sha256", bytearray(b"")) == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    assert httpx_auth.checksum("sha1", memoryview(b"abc")) == "qZk+NkcGgWq6PiVxeFDCbJzQ2J0="


@pytest.mark.parametrize("algorithm", ["md5", "crc16", "", 32])
def test_unknown_algorithm_is_invalid_parameter(algorithm: Any) -> None:
    with pytest.raises(InvalidParameter, match="not a checksum S3 knows"):
        httpx_auth.checksum(algorithm, b"x")
    with pytest.raises(InvalidParameter, match="crc32, crc32c, crc64nvme, sha1, sha256"):
        AWS4Auth("id", "secret", "us-east-1", "s3", checksum=algorithm)


def test_text_data_is_invalid_parameter() -> None:
    with pytest.raises(InvalidParameter, match="must be bytes, not str"):
        httpx_auth.checksum("crc32", "text")  # type: ignore[arg-type]


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_auth_sends_and_signs_the_checksum_header(backend: str, algorithm: str) -> None:
    seen: dict[str, Any] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen.update(request.headers)
        return httpx.Response(200)

    data = body(5000)
    for unsigned in (False, True):
        auth = AWS4Auth("id", "secret", "us-east-1", "s3", checksum=algorithm, unsigned_payload=unsigned)
        with httpx.Client(transport=httpx.MockTransport(handler)) as client:
            client.put("https://bucket.s3.amazonaws.com/key", content=data, auth=auth)
        assert seen[f"x-amz-checksum-{algorithm}"] == botocore_value(algorithm, data)
        assert f"x-amz-checksum-{algorithm}" in seen["authorization"]
        assert "checksum=" in repr(auth)
