"""AWS4Auth signing requests in headers: httpx and httpx2, sync and async, both backends.

Signatures are checked against AWS's own documented examples and against botocore
(AWS's Python signer) on the same requests at the same instant.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import AsyncIterator, Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest
import time_machine
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

import httpx_auth
from httpx_auth import AWS4Auth

ACCESS_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"  # the S3 documentation's examples
TOKEN = "FQoGZXIvYXdzEXAMPLETOKEN//+/=="
S3_DOC_TIME = datetime.datetime(2013, 5, 24, tzinfo=datetime.timezone.utc)
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def frozen(when: datetime.datetime = S3_DOC_TIME) -> Any:
    return time_machine.travel(when, tick=False)


class Recorder:
    """A transport (of the ``http`` library) that keeps what it was sent and answers 200."""

    def __init__(self, http: ModuleType) -> None:
        self.requests: list[Any] = []
        self.bodies: list[bytes] = []

        def handle(request: Any) -> Any:
            self.requests.append(request)
            self.bodies.append(request.read())
            return http.Response(200)

        async def handle_async(request: Any) -> Any:
            self.requests.append(request)
            self.bodies.append(await request.aread())
            return http.Response(200)

        self.sync = http.MockTransport(handle)
        self.async_ = http.MockTransport(handle_async)

    @property
    def last(self) -> Any:
        return self.requests[-1]

    def header(self, name: str) -> str:
        values = self.last.headers.get_list(name)
        assert len(values) == 1, (name, values)
        return str(values[0])

    def signature(self) -> str:
        return self.header("authorization").rsplit("Signature=", 1)[1]


def send(http: ModuleType, auth: Any, method: str = "GET", url: str = "https://examplebucket.s3.amazonaws.com/test.txt", **kwargs: Any) -> Recorder:
    recorder = Recorder(http)
    with http.Client(transport=recorder.sync) as client:
        assert client.request(method, url, auth=auth, **kwargs).status_code == 200
    return recorder


async def send_async(http: ModuleType, auth: Any, method: str = "GET", url: str = "https://examplebucket.s3.amazonaws.com/test.txt", **kwargs: Any) -> Recorder:
    recorder = Recorder(http)
    async with http.AsyncClient(transport=recorder.async_) as client:
        assert (await client.request(method, url, auth=auth, **kwargs)).status_code == 200
    return recorder


def s3(**kwargs: Any) -> AWS4Auth:
    return AWS4Auth(ACCESS_ID, SECRET, "us-east-1", "s3", **kwargs)


# --- the Amazon S3 API Reference examples, end to end ------------------------------

DOC_EXAMPLES = [
    pytest.param(
        "GET", "https://examplebucket.s3.amazonaws.com/test.txt", {"Range": "bytes=0-9"}, b"", {"range"},
        "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41", id="get-object-range",
    ),
    pytest.param(
        "PUT", "https://examplebucket.s3.amazonaws.com/test$file.text",
        {"Date": "Fri, 24 May 2013 00:00:00 GMT", "x-amz-storage-class": "REDUCED_REDUNDANCY"},
        b"Welcome to Amazon S3.", {"date"},
        "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd", id="put-object",
    ),
    pytest.param(
        "GET", "https://examplebucket.s3.amazonaws.com/?lifecycle", {}, b"", None,
        "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543", id="get-bucket-lifecycle",
    ),
    pytest.param(
        "GET", "https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J", {}, b"", None,
        "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7", id="list-objects",
    ),
]


@pytest.mark.parametrize(("method", "url", "headers", "body", "include", "signature"), DOC_EXAMPLES)
def test_s3_documentation_examples(
    backend: str, http: ModuleType, method: str, url: str, headers: dict[str, str], body: bytes,
    include: set[str] | None, signature: str,
) -> None:
    with frozen():
        sent = send(http, s3(include_headers=include), method, url, headers=headers, content=body)
    assert sent.signature() == signature
    assert sent.header("x-amz-date") == "20130524T000000Z"
    assert sent.header("x-amz-content-sha256") == hashlib.sha256(body).hexdigest()
    assert sent.bodies[-1] == body


@pytest.mark.parametrize(("method", "url", "headers", "body", "include", "signature"), DOC_EXAMPLES)
async def test_s3_documentation_examples_async(
    backend: str, http: ModuleType, method: str, url: str, headers: dict[str, str], body: bytes,
    include: set[str] | None, signature: str,
) -> None:
    with frozen():
        sent = await send_async(http, s3(include_headers=include), method, url, headers=headers, content=body)
    assert sent.signature() == signature
    assert sent.bodies[-1] == body


# --- botocore, the AWS SDK's signer, on the same requests --------------------------

def botocore_authorization(url: str, method: str = "GET", body: bytes = b"", token: str | None = None,
                           unsigned: bool = False, headers: dict[str, str] | None = None) -> str:
    request = AWSRequest(method=method, url=url, data=body, headers=headers or {})
    if unsigned:
        request.context["client_config"] = Config(s3={"payload_signing_enabled": False})
    S3SigV4Auth(Credentials(ACCESS_ID, SECRET, token), "s3", "us-east-1").add_auth(request)
    return str(request.headers["Authorization"])


# Keys as a client sends them (percent-encoded): botocore signs the path exactly as given.
S3_URLS = [
    "https://examplebucket.s3.amazonaws.com/a%2Fb",
    "https://examplebucket.s3.amazonaws.com/a//b",
    "https://examplebucket.s3.amazonaws.com/x%2By%3Dz",
    "https://examplebucket.s3.amazonaws.com/caf%C3%A9",
    "https://examplebucket.s3.amazonaws.com/file%21%28%29%2A",
    "https://examplebucket.s3.amazonaws.com:8443/photos/2024/cat.jpg",
    "http://localhost:9000/bucket/key%20with%20spaces",
    "https://s3.eu-west-1.amazonaws.com/bucket/?list-type=2&prefix=a%2Fb&max-keys=10",
    "https://examplebucket.s3.amazonaws.com/?delete=&versionId=v%2B1",
]


@pytest.mark.parametrize("url", S3_URLS)
def test_same_authorization_as_botocore(backend: str, http: ModuleType, url: str) -> None:
    with frozen():
        sent = send(http, s3(), url=url)
        expected = botocore_authorization(url)
    assert sent.header("authorization") == expected


@pytest.mark.parametrize("url", S3_URLS[:4])
async def test_same_authorization_as_botocore_async(backend: str, http: ModuleType, url: str) -> None:
    with frozen():
        sent = await send_async(http, s3(security_token=TOKEN), "PUT", url, content=b"body")
        expected = botocore_authorization(url, "PUT", b"body", token=TOKEN)
    assert sent.header("authorization") == expected
    assert sent.header("x-amz-security-token") == TOKEN


def test_a_plus_in_the_query_is_a_space(backend: str, http: ModuleType) -> None:
    # httpx sends a space from params= as "+", and servers read it back as a space: the
    # query signed is the one they decode (a plus that is a plus is sent as %2B).
    with frozen():
        sent = send(http, s3(), url="https://examplebucket.s3.amazonaws.com/", params={"prefix": "a b+c"})
        expected = botocore_authorization("https://examplebucket.s3.amazonaws.com/?prefix=a%20b%2Bc")
    assert sent.last.url.query == b"prefix=a+b%2Bc"
    assert sent.header("authorization") == expected


def test_s3_keys_are_signed_as_sent(backend: str, http: ModuleType) -> None:
    # httpx sends '+', '=' and '$' as they are; S3 signs them encoded, once.
    with frozen():
        raw = send(http, s3(), url="https://examplebucket.s3.amazonaws.com/x+y=z$")
        encoded = send(http, s3(), url="https://examplebucket.s3.amazonaws.com/x%2By%3Dz%24")
    assert raw.last.url.raw_path == b"/x+y=z$"
    assert raw.signature() == encoded.signature()
    # ...while an encoded '/' stays an escape: a different key from 'a/b'.
    with frozen():
        slash = send(http, s3(), url="https://examplebucket.s3.amazonaws.com/a/b")
        escaped = send(http, s3(), url="https://examplebucket.s3.amazonaws.com/a%2Fb")
    assert escaped.last.url.raw_path == b"/a%2Fb"
    assert slash.signature() != escaped.signature()


def test_the_host_signed_is_the_host_sent(backend: str, http: ModuleType) -> None:
    with frozen():
        sent = send(http, s3(), url="https://examplebucket.s3.amazonaws.com:8443/k")
        other_port = send(http, s3(), url="https://examplebucket.s3.amazonaws.com:9443/k")
    assert sent.header("host") == "examplebucket.s3.amazonaws.com:8443"
    assert "SignedHeaders=host;" in sent.header("authorization")
    assert sent.signature() != other_port.signature()


def test_non_s3_services_sign_the_path_encoded_twice(backend: str, http: ModuleType) -> None:
    # The Lambda example of smithy-rs (double-url-encode): ':' sent as %3A is signed as %253A.
    from httpx_auth import _core

    url = "https://lambda.us-east-2.amazonaws.com/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-west-2%3A1%3Afunction%3Af/invocations"
    with frozen():
        sent = send(http, AWS4Auth(ACCESS_ID, SECRET, "us-east-2", "lambda"), "POST", url)
    request = sent.last
    signed = signed_headers(sent)
    headers = [(k, k.lower(), v) for k, v in request.headers.raw if k.lower().decode() in signed]
    canonical, _ = _core.backend.testing.sigv4_canonical_request(
        "POST", request.url.raw_path, headers, ("*",), EMPTY_SHA256, True, True
    )
    path = b"/2015-03-31/functions/arn%253Aaws%253Alambda%253Aus-west-2%253A1%253Afunction%253Af/invocations"
    assert canonical.split(b"\n")[1] == path
    scope = "20130524/us-east-2/lambda/aws4_request"
    string_to_sign = _core.backend.testing.sigv4_string_to_sign("20130524T000000Z", scope, canonical)
    key = _core.backend.sigv4_signing_key(SECRET, "20130524", "us-east-2", "lambda")
    assert sent.signature() == _core.backend.sigv4_signature(key, string_to_sign)


# --- which headers are signed -------------------------------------------------------

def signed_headers(recorder: Recorder) -> list[str]:
    return recorder.header("authorization").split("SignedHeaders=")[1].split(",")[0].split(";")


def test_default_signed_headers(backend: str, http: ModuleType) -> None:
    sent = send(http, s3(security_token=TOKEN), "PUT", content=b"x", headers={
        "Content-Type": "text/plain", "X-Amz-Meta-Colour": "blue", "Range": "bytes=0-1",
        "X-Amz-Client-Context": "ctx",
    })
    assert signed_headers(sent) == [
        "content-type", "host", "x-amz-content-sha256", "x-amz-date", "x-amz-meta-colour", "x-amz-security-token",
    ]


def test_include_headers_adds_to_the_defaults_and_star_signs_everything(backend: str, http: ModuleType) -> None:
    headers = {"Range": "bytes=0-1", "X-Amz-Client-Context": "ctx", "X-Custom-A": "1", "X-Custom-B": "2"}
    sent = send(http, s3(include_headers=["Range", "x-amz-client-context", "x-custom-*"]), headers=headers)
    assert signed_headers(sent) == [
        "host", "range", "x-amz-client-context", "x-amz-content-sha256", "x-amz-date", "x-custom-a", "x-custom-b",
    ]
    everything = send(http, s3(include_headers={"*"}), headers=headers)
    signed = signed_headers(everything)
    assert {"accept", "user-agent", "range", "x-amz-client-context", "x-custom-a"} <= set(signed)
    assert "authorization" not in signed


def test_repeated_headers_and_whitespace(backend: str, http: ModuleType) -> None:
    from httpx_auth import _core

    headers = [("X-Amz-Meta-A", "  two   words "), ("x-amz-meta-a", "second")]
    with frozen():
        sent = send(http, s3(), headers=headers)
    request = sent.last
    unsigned = [(k, k.lower(), v) for k, v in request.headers.raw if k.lower() != b"authorization"]
    canonical, _ = _core.backend.testing.sigv4_canonical_request(
        "GET", request.url.raw_path, unsigned, ("*",), EMPTY_SHA256, False, False
    )
    assert b"\nx-amz-meta-a:two words,second\n" in canonical
    assert signed_headers(sent).count("x-amz-meta-a") == 1


def test_signing_again_replaces_the_previous_signature(backend: str) -> None:
    auth = s3(security_token=TOKEN)
    request = httpx.Request("GET", "https://examplebucket.s3.amazonaws.com/k", headers={"Authorization": "old"})
    with frozen():
        next(auth.sync_auth_flow(request))
        first = request.headers["authorization"]
    with frozen(S3_DOC_TIME + datetime.timedelta(days=1)):
        next(auth.sync_auth_flow(request))
    for name in ("authorization", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token"):
        assert len(request.headers.get_list(name)) == 1, name
    assert request.headers["x-amz-date"] == "20130525T000000Z"
    assert request.headers["authorization"] != first


def test_the_flow_is_one_request_then_done(backend: str, http: ModuleType) -> None:
    auth = s3()
    request = http.Request("GET", "https://examplebucket.s3.amazonaws.com/k")
    flow = auth.sync_auth_flow(request)
    assert next(flow) is request
    with pytest.raises(StopIteration):
        flow.send(http.Response(401))
    assert "authorization" in request.headers


async def test_the_async_flow_is_one_request_then_done(backend: str, http: ModuleType) -> None:
    request = http.Request("PUT", "https://examplebucket.s3.amazonaws.com/k", content=async_chunks())
    flow = s3().async_auth_flow(request)
    assert await flow.__anext__() is request
    with pytest.raises(StopAsyncIteration):
        await flow.asend(http.Response(200))
    assert request.headers["x-amz-content-sha256"] == hashlib.sha256(b"streamed body").hexdigest()


def test_sign_signs_a_request_built_by_hand(backend: str) -> None:
    request = httpx.Request("GET", "https://examplebucket.s3.amazonaws.com/test.txt", headers={"Range": "bytes=0-9"})
    with frozen():
        assert s3(include_headers=["range"]).sign(request) is request
    assert request.headers["authorization"].endswith(
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
    )


# --- payloads ------------------------------------------------------------------------

def test_the_signed_payload_is_the_body_hash(backend: str, http: ModuleType) -> None:
    body = b"a" * 100_000  # large enough for the compiled core to hash without the GIL
    with frozen():
        sent = send(http, s3(), "PUT", content=body)
        expected = botocore_authorization("https://examplebucket.s3.amazonaws.com/test.txt", "PUT", body)
    assert sent.header("x-amz-content-sha256") == hashlib.sha256(body).hexdigest()
    assert sent.header("authorization") == expected


def chunks() -> Iterator[bytes]:
    yield b"streamed "
    yield b"body"


async def async_chunks() -> AsyncIterator[bytes]:
    yield b"streamed "
    yield b"body"


def test_a_streamed_body_is_read_and_hashed_by_default(backend: str, http: ModuleType) -> None:
    auth = s3()
    assert auth.requires_request_body
    sent = send(http, auth, "PUT", content=chunks())
    assert sent.header("x-amz-content-sha256") == hashlib.sha256(b"streamed body").hexdigest()
    assert sent.bodies[-1] == b"streamed body"


async def test_a_streamed_body_is_read_and_hashed_by_default_async(backend: str, http: ModuleType) -> None:
    sent = await send_async(http, s3(), "PUT", content=async_chunks())
    assert sent.header("x-amz-content-sha256") == hashlib.sha256(b"streamed body").hexdigest()


def test_unsigned_payload_never_reads_the_body(backend: str, http: ModuleType) -> None:
    auth = s3(unsigned_payload=True)
    assert not auth.requires_request_body
    request = http.Request("PUT", "https://examplebucket.s3.amazonaws.com/big", content=chunks())
    flow = auth.sync_auth_flow(request)
    signed = next(flow)
    with pytest.raises(http.RequestNotRead):
        signed.content  # noqa: B018 - the stream is still unread
    assert signed.headers["x-amz-content-sha256"] == "UNSIGNED-PAYLOAD"


def test_unsigned_payload_matches_botocore(backend: str, http: ModuleType) -> None:
    with frozen():
        sent = send(http, s3(unsigned_payload=True), "PUT", content=chunks())
        expected = botocore_authorization(
            "https://examplebucket.s3.amazonaws.com/test.txt", "PUT", b"streamed body", unsigned=True
        )
    assert sent.header("authorization") == expected
    assert sent.bodies[-1] == b"streamed body"


async def test_unsigned_payload_streams_async(backend: str, http: ModuleType) -> None:
    sent = await send_async(http, s3(unsigned_payload=True), "PUT", content=async_chunks())
    assert sent.header("x-amz-content-sha256") == "UNSIGNED-PAYLOAD"
    assert sent.bodies[-1] == b"streamed body"


def test_combined_with_another_auth(backend: str, http: ModuleType) -> None:
    sent = send(http, s3() + httpx_auth.HeaderApiKey("key", header_name="X-Api-Key"))
    assert sent.header("x-api-key") == "key"
    assert sent.header("authorization").startswith("AWS4-HMAC-SHA256 Credential=")


def test_headers_without_httpx_storage_are_signed_the_same(backend: str) -> None:
    """Should a Headers class not keep httpx's triples, the public API is used instead."""

    class PlainHeaders:
        def __init__(self, items: Any) -> None:
            self.items = [(k if isinstance(k, bytes) else k.encode(), v if isinstance(v, bytes) else v.encode()) for k, v in items]

        @property
        def raw(self) -> list[tuple[bytes, bytes]]:
            return list(self.items)

    request = httpx.Request("GET", "https://examplebucket.s3.amazonaws.com/k")
    plain = httpx.Request("GET", "https://examplebucket.s3.amazonaws.com/k")
    plain.headers = PlainHeaders(plain.headers.raw)  # type: ignore[assignment]
    with frozen():
        next(s3().sync_auth_flow(request))
        next(s3().sync_auth_flow(plain))
    assert dict(plain.headers.raw)[b"Authorization"].decode() == request.headers["authorization"]
