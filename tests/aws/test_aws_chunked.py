"""aws-chunked streaming uploads: AWS's published examples, the framing and chain of
signatures for every size class (checked by an independent reader), sync and async
bodies, trailers, and the errors."""

from __future__ import annotations

import hashlib
import hmac
import importlib
import os
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st

from httpx_auth import AWS4Auth, InvalidParameter, checksum

# S3 API reference, "Signature Calculations for the Authorization Header: Transferring
# Payload in Multiple Chunks" and "... Including Trailing Headers", Example: PUT Object.
ACCESS_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
EXAMPLE_TIME = 1369353600  # 2013-05-24T00:00:00Z
EXAMPLE_URL = "https://s3.amazonaws.com/examplebucket/chunkObject.txt"
SCOPE = "20130524/us-east-1/s3/aws4_request"
EMPTY = hashlib.sha256(b"").hexdigest()


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


SIGNING_KEY = _hmac(_hmac(_hmac(_hmac(b"AWS4" + SECRET.encode(), "20130524"), "us-east-1"), "s3"), "aws4_request")


class Recorder:
    """A transport (of httpx or httpx2) that keeps what it received, reading the body
    piece by piece as a server would: after an error it holds what was sent."""

    def __init__(self, http: Any = httpx) -> None:
        self.headers: dict[str, str] = {}
        self.body = b""
        recorder = self

        class Sync(http.BaseTransport):  # type: ignore[name-defined,misc]
            def handle_request(self, request: Any) -> Any:
                recorder.headers = dict(request.headers)
                recorder.body = b""
                for piece in request.stream:
                    recorder.body += piece
                return http.Response(200)

        class Async(http.AsyncBaseTransport):  # type: ignore[name-defined,misc]
            async def handle_async_request(self, request: Any) -> Any:
                recorder.headers = dict(request.headers)
                recorder.body = b""
                async for piece in request.stream:
                    recorder.body += piece
                return http.Response(200)

        self.transport = Sync()
        self.async_transport = Async()


def example_put(auth: AWS4Auth, http: Any = httpx) -> Recorder:
    recorder = Recorder(http)
    with time_machine.travel(EXAMPLE_TIME, tick=False), http.Client(transport=recorder.transport) as client:
        client.put(EXAMPLE_URL, content=b"a" * 66_560, headers={"x-amz-storage-class": "REDUCED_REDUNDANCY"}, auth=auth)
    return recorder


def read_chunks(body: bytes, seed: str | None, verify: bool = True) -> tuple[bytes, list[str], bytes]:
    """Decode an aws-chunked body: the data, the chunk signatures and the trailer.
    ``seed=None``: unsigned chunks; otherwise (unless ``verify`` is false) each chunk
    signature is checked to chain from ``seed`` (signed at EXAMPLE_TIME)."""
    data, signatures, previous, rest = b"", [], seed, body
    while True:
        head, _, rest = rest.partition(b"\r\n")
        size_hex, _, extension = head.decode().partition(";")
        size = int(size_hex, 16)
        if seed is None:
            assert extension == ""
        else:
            assert extension.startswith("chunk-signature=")
            signature = extension.removeprefix("chunk-signature=")
            lines = ["AWS4-HMAC-SHA256-PAYLOAD", "20130524T000000Z", SCOPE, str(previous), EMPTY,
                     hashlib.sha256(rest[:size]).hexdigest()]
            if verify:
                assert signature == hmac.new(SIGNING_KEY, "\n".join(lines).encode(), hashlib.sha256).hexdigest()
            signatures.append(signature)
            previous = signature
        if size == 0:
            return data, signatures, rest
        data += rest[:size]
        assert rest[size : size + 2] == b"\r\n"
        rest = rest[size + 2 :]


# AWS's two published examples: (options, signed headers, seed, chunk signatures, trailer).
PUBLISHED = {
    "multiple-chunks": (
        {"include_headers": ["content-encoding", "content-length", "x-amz-storage-class"]},
        "content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;"
        "x-amz-storage-class",
        "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
        [
            "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
            "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
            "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
        ],
        b"\r\n",
    ),
    "trailing-headers": (
        {"include_headers": ["content-encoding", "x-amz-storage-class"], "checksum": "crc32c"},
        "content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class;"
        "x-amz-trailer",
        "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e",
        [
            "b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2",
            "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7",
            "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992",
        ],
        b"x-amz-checksum-crc32c:sOO8/Q==\r\n"
        b"x-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n\r\n",
    ),
}


@pytest.mark.parametrize("example", sorted(PUBLISHED))
def test_published_examples(backend: str, http: Any, example: str) -> None:
    options, signed_headers, seed, chunk_signatures, expected_trailer = PUBLISHED[example]
    sent = example_put(AWS4Auth(ACCESS_ID, SECRET, "us-east-1", "s3", streaming=True, **options), http)
    assert sent.headers["authorization"] == (
        f"AWS4-HMAC-SHA256 Credential={ACCESS_ID}/{SCOPE}, SignedHeaders={signed_headers}, Signature={seed}"
    )
    assert sent.headers["content-length"] == str(len(sent.body))
    assert sent.headers["x-amz-decoded-content-length"] == "66560"
    assert sent.headers["content-encoding"] == "aws-chunked"
    data, signatures, trailer = read_chunks(sent.body, seed)
    assert data == b"a" * 66_560
    assert signatures == chunk_signatures
    assert trailer == expected_trailer
    assert sent.body.startswith(f"10000;chunk-signature={chunk_signatures[0]}\r\naaaa".encode())
    if "checksum" in options:
        assert sent.headers["x-amz-content-sha256"] == "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
        assert sent.headers["x-amz-trailer"] == "x-amz-checksum-crc32c"
    else:
        assert sent.headers["x-amz-content-sha256"] == "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
        assert sent.headers["content-length"] == "66824"  # as published
        assert "x-amz-trailer" not in sent.headers


@pytest.mark.parametrize("algorithm", ["crc32", "crc64nvme", "sha256"])
def test_unsigned_payload_trailer(backend: str, algorithm: str) -> None:
    auth = AWS4Auth(ACCESS_ID, SECRET, "us-east-1", "s3", streaming=True, unsigned_payload=True, checksum=algorithm)
    sent = example_put(auth)
    assert sent.headers["x-amz-content-sha256"] == "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
    assert sent.headers["content-length"] == str(len(sent.body))
    data, signatures, trailer = read_chunks(sent.body, None)
    assert data == b"a" * 66_560
    assert sent.body.startswith(b"10000\r\naaaa")
    assert trailer == f"x-amz-checksum-{algorithm}:{checksum(algorithm, data)}\r\n\r\n".encode()


SIZES = [0, 1, 8191, 8192, 8193, 3 * 8192 + 5]


def _pieces(data: bytes, size: int) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("piece", [1000, 8192, 20_000])
def test_sync_iterator_bodies(backend: str, size: int, piece: int) -> None:
    data = os.urandom(size)
    auth = AWS4Auth(ACCESS_ID, SECRET, "us-east-1", "s3", streaming=True, chunk_size=8192, checksum="sha1")
    recorder = Recorder()
    with time_machine.travel(EXAMPLE_TIME, tick=False), httpx.Client(transport=recorder.transport) as client:
        client.put(EXAMPLE_URL, content=_pieces(data, piece), headers={"Content-Length": str(size)}, auth=auth)
    assert "transfer-encoding" not in recorder.headers
    assert recorder.headers["content-length"] == str(len(recorder.body))
    seed = recorder.headers["authorization"].rpartition("Signature=")[2]
    got, signatures, trailer = read_chunks(recorder.body, seed)
    assert got == data
    assert len(signatures) == -(-size // 8192) + 1
    assert trailer.startswith(f"x-amz-checksum-sha1:{checksum('sha1', data)}\r\nx-amz-trailer-signature:".encode())


@pytest.mark.parametrize("size", [0, 8192 * 2 + 1])
async def test_async_iterator_bodies(backend: str, size: int) -> None:
    data = os.urandom(size)

    async def pieces() -> AsyncIterator[bytes]:
        for part in _pieces(data, 5000):
            yield part

    auth = AWS4Auth(ACCESS_ID, SECRET, "us-east-1", "s3", streaming=True, chunk_size=8192)
    recorder = Recorder()
    with time_machine.travel(EXAMPLE_TIME, tick=False):
        async with httpx.AsyncClient(transport=recorder.async_transport) as client:
            await client.put(EXAMPLE_URL, content=pieces(), headers={"Content-Length": str(size)}, auth=auth)
    seed = recorder.headers["authorization"].rpartition("Signature=")[2]
    assert read_chunks(recorder.body, seed)[0] == data
    assert recorder.headers["content-length"] == str(len(recorder.body))


def test_file_bodies_have_a_known_length(backend: str, tmp_path: Any) -> None:
    path = tmp_path / "upload.bin"
    data = os.urandom(20_000)
    path.write_bytes(data)
    auth = AWS4Auth(ACCESS_ID, SECRET, "us-east-1", "s3", streaming=True, chunk_size=8192)
    recorder = Recorder()
    with path.open("rb") as file, httpx.Client(transport=recorder.transport) as client:
        client.put(EXAMPLE_URL, content=file, auth=auth)
    assert recorder.headers["x-amz-decoded-content-length"] == "20000"
    assert read_chunks(recorder.body, "", verify=False)[0] == data


def test_read_gives_the_chunked_body(backend: str) -> None:
    auth = AWS4Auth(ACCESS_ID, SECRET, "us-east-1", "s3", streaming=True)
    request = httpx.Request("PUT", EXAMPLE_URL, content=b"abc")
    flow = auth.sync_auth_flow(request)
    signed = next(flow)
    assert signed.read().startswith(b"3;chunk-signature=")


def test_streaming_needs_a_known_length(backend: str) -> None:
    auth = AWS4Auth(ACCESS_ID, SECRET, "us-east-1", "s3", streaming=True)
    with httpx.Client(transport=Recorder().transport) as client:
        with pytest.raises(InvalidParameter, match="needs a body of known length"):
            client.put(EXAMPLE_URL, content=iter([b"abc"]), auth=auth)


@pytest.mark.parametrize(("declared", "actual"), [(10_000, 9_999), (10_000, 10_001), (20_000, 10_000)])
def test_body_of_another_length_is_never_completed(backend: str, declared: int, actual: int) -> None:
    auth = AWS4Auth(ACCESS_ID, SECRET, "us-east-1", "s3", streaming=True, chunk_size=8192)
    recorder = Recorder()
    word = "shorter" if actual < declared else "longer"
    with httpx.Client(transport=recorder.transport) as client:
        with pytest.raises(InvalidParameter, match=f"is {word}.*declared length"):
            client.put(EXAMPLE_URL, content=_pieces(b"x" * actual, 4096), headers={"Content-Length": str(declared)},
                       auth=auth)
    assert b"\r\n0;chunk-signature=" not in recorder.body  # the final chunk never went out


@pytest.mark.parametrize("size", [0, 8191, -1, 4.5, "65536", True])
def test_chunk_size_below_s3_minimum(size: Any) -> None:
    with pytest.raises(InvalidParameter, match="chunk_size"):
        AWS4Auth(ACCESS_ID, SECRET, "us-east-1", "s3", streaming=True, chunk_size=size)


def test_unsigned_streaming_needs_a_checksum() -> None:
    with pytest.raises(InvalidParameter, match="needs a checksum"):
        AWS4Auth(ACCESS_ID, SECRET, "us-east-1", "s3", streaming=True, unsigned_payload=True)


def test_repr_shows_streaming_options() -> None:
    auth = AWS4Auth(ACCESS_ID, SECRET, "us-east-1", "s3", streaming=True, chunk_size=16384, checksum="crc32c")
    assert repr(auth).endswith("checksum='crc32c', streaming=True, chunk_size=16384)")
    assert SECRET not in repr(auth)


def test_existing_content_encoding_is_kept(backend: str) -> None:
    auth = AWS4Auth(ACCESS_ID, SECRET, "us-east-1", "s3", streaming=True)
    recorder = Recorder()
    with httpx.Client(transport=recorder.transport) as client:
        client.put(EXAMPLE_URL, content=b"zz", headers={"Content-Encoding": "gzip"}, auth=auth)
    assert recorder.headers["content-encoding"] == "aws-chunked,gzip"


def test_httpx2_requests_stream_too(backend: str) -> None:
    http = importlib.import_module("httpx2")
    auth = AWS4Auth(ACCESS_ID, SECRET, "us-east-1", "s3", streaming=True)
    recorder = Recorder(http)
    with http.Client(transport=recorder.transport) as client:
        client.put(EXAMPLE_URL, content=b"q" * 9000, auth=auth)
    assert read_chunks(recorder.body, "", verify=False)[0] == b"q" * 9000


@settings(max_examples=40, deadline=None)
@given(
    key=st.binary(min_size=32, max_size=32),
    previous=st.text("0123456789abcdef", min_size=64, max_size=64),
    data=st.binary(max_size=70_000),
)
def test_backends_sign_chunks_alike(key: bytes, previous: str, data: bytes) -> None:
    from backends import BACKENDS

    chunk = {name: core.sigv4_chunk_signature(key, "20130524T000000Z", SCOPE, previous, data)
             for name, core in BACKENDS.items()}
    trailer = {name: core.sigv4_trailer_signature(key, "20130524T000000Z", SCOPE, previous, data[:100])
               for name, core in BACKENDS.items()}
    assert len(set(chunk.values())) == 1 and len(set(trailer.values())) == 1


@settings(max_examples=40, deadline=None)
@given(
    size=st.integers(0, 40_000),
    chunk_size=st.integers(8192, 20_000),
    mode=st.sampled_from([{}, {"checksum": "crc32"}, {"checksum": "sha256", "unsigned_payload": True}]),
)
def test_declared_length_is_the_length_sent(size: int, chunk_size: int, mode: dict[str, Any]) -> None:
    auth = AWS4Auth(ACCESS_ID, SECRET, "us-east-1", "s3", streaming=True, chunk_size=chunk_size, **mode)
    data = os.urandom(size)
    request = next(auth.sync_auth_flow(httpx.Request("PUT", EXAMPLE_URL, content=data)))
    body = request.read()
    assert int(request.headers["content-length"]) == len(body)
    signed = not mode.get("unsigned_payload")
    assert read_chunks(body, "" if signed else None, verify=False)[0] == data


def test_signing_again_starts_from_the_original_body(backend: str) -> None:
    # A clock-skew retry signs the same request a second time.
    auth = AWS4Auth(ACCESS_ID, SECRET, "us-east-1", "s3", streaming=True, chunk_size=8192, checksum="crc32")
    request = httpx.Request("PUT", EXAMPLE_URL, content=b"r" * 20_000, headers={"Content-Encoding": "gzip"})
    with time_machine.travel(EXAMPLE_TIME, tick=False):
        auth.sign(request)
        first = request.read()
        auth.sign(auth.sign(request))
    again = request.read()
    assert again == first
    assert request.headers["content-encoding"] == "aws-chunked,gzip"
    assert request.headers["x-amz-decoded-content-length"] == "20000"
    assert read_chunks(again, request.headers["authorization"].rpartition("Signature=")[2])[0] == b"r" * 20_000


def test_clock_skew_retry_resends_the_streamed_body(backend: str) -> None:
    import email.utils
    from datetime import datetime, timezone

    sent: list[tuple[str, bytes]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append((request.headers["x-amz-date"], request.read()))
        if len(sent) == 1:  # the server's clock is an hour ahead: refused
            server = email.utils.format_datetime(datetime.fromtimestamp(EXAMPLE_TIME + 3600, timezone.utc), usegmt=True)
            return httpx.Response(403, headers={"date": server}, content=b"<Error><Code>RequestTimeTooSkewed</Code></Error>")
        return httpx.Response(200)

    auth = AWS4Auth(ACCESS_ID, SECRET, "us-east-1", "s3", streaming=True, chunk_size=8192, checksum="crc32c")
    data = os.urandom(30_000)
    with time_machine.travel(EXAMPLE_TIME, tick=False), httpx.Client(transport=httpx.MockTransport(handler)) as client:
        assert client.put(EXAMPLE_URL, content=data, auth=auth).status_code == 200
    assert [date for date, _ in sent] == ["20130524T000000Z", "20130524T010000Z"]
    for _, body in sent:
        got, _, trailer = read_chunks(body, "", verify=False)
        assert got == data
        assert trailer.startswith(f"x-amz-checksum-crc32c:{checksum('crc32c', data)}\r\n".encode())


@pytest.mark.parametrize("method", ["GET", "HEAD", "DELETE"])
def test_requests_without_a_body_are_signed_as_usual(backend: str, method: str) -> None:
    auth = AWS4Auth(ACCESS_ID, SECRET, "us-east-1", "s3", streaming=True, checksum="crc32c")
    request = next(auth.sync_auth_flow(httpx.Request(method, EXAMPLE_URL)))
    assert request.headers["x-amz-content-sha256"] == EMPTY
    for name in ("content-encoding", "x-amz-decoded-content-length", "x-amz-trailer", "x-amz-checksum-crc32c"):
        assert name not in request.headers
    assert request.read() == b""


def test_chunks_are_signed_with_the_credentials_of_the_header(backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Another thread may rebind the signer (rotated credentials) while this request is
    # signed: its chunks must still chain from its own header's secret key.
    from httpx_auth._aws import streaming

    current = [(ACCESS_ID, SECRET, None)]
    auth = AWS4Auth(region="us-east-1", service="s3", credentials=lambda: current[0], streaming=True, chunk_size=8192)
    prepare = streaming.prepare

    def rotating_meanwhile(*args: Any) -> Any:
        current[0] = ("AKIDROTATED", "rotated-secret", None)
        auth._signer()  # what a concurrent request does
        return prepare(*args)

    monkeypatch.setattr(streaming, "prepare", rotating_meanwhile)
    request = httpx.Request("PUT", EXAMPLE_URL, content=b"c" * 20_000)
    with time_machine.travel(EXAMPLE_TIME, tick=False):
        auth.sign(request)
    assert f"Credential={ACCESS_ID}/" in request.headers["authorization"]
    seed = request.headers["authorization"].rpartition("Signature=")[2]
    assert read_chunks(request.read(), seed)[0] == b"c" * 20_000
