"""SigV4 clock skew: a refusal for a skewed clock is answered by signing again with the
server's time, once; the correction is kept for later signatures and presigned URLs."""

from __future__ import annotations

import datetime
import email.utils
import logging
from collections.abc import AsyncIterator
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import time_machine
import trio

from httpx_auth import AWS4Auth, HeaderApiKey
from test_aws4auth import ACCESS_ID, SECRET, botocore_authorization

LOCAL = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=datetime.timezone.utc)  # this host's clock
URL = "https://examplebucket.s3.amazonaws.com/test.txt"
SKEWED_XML = (
    "<?xml version='1.0' encoding='UTF-8'?><Error><Code>RequestTimeTooSkewed</Code>"
    "<Message>The difference between the request time and the current time is too large.</Message>"
    "<RequestTime>{request}</RequestTime><ServerTime>{server}</ServerTime>"
    "<MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds></Error>"
)


def amz_time(value: str) -> datetime.datetime:
    return datetime.datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)


class SkewedS3:
    """An S3 whose clock is ``skew`` seconds ahead of this host's: it refuses requests
    signed more than 15 minutes away from its time (RequestTimeTooSkewed, like S3) and
    checks the signature of those it accepts with botocore, at the time they carry."""

    def __init__(self, http: ModuleType, skew: float, *, date_header: bool = True, server_time_in_body: bool = True,
                 status: int = 403, body: str | None = None) -> None:
        self.http, self.skew = http, skew
        self.date_header, self.server_time_in_body = date_header, server_time_in_body
        self.status, self.body = status, body
        self.requests: list[Any] = []  # the same request object comes back when it is resent
        self.signed_at: list[datetime.datetime] = []
        self.bodies: list[bytes] = []

    def now(self) -> datetime.datetime:
        return datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=self.skew)

    def answer(self, request: Any, body: bytes) -> Any:
        self.requests.append(request)
        self.bodies.append(body)
        server = self.now().replace(microsecond=0)
        signed_at = amz_time(request.headers["x-amz-date"])
        self.signed_at.append(signed_at)
        headers = {"date": email.utils.format_datetime(server, usegmt=True)} if self.date_header else {}
        if abs((signed_at - server).total_seconds()) > 900:
            content = self.body if self.body is not None else SKEWED_XML.format(
                request=request.headers["x-amz-date"],
                server=server.strftime("%Y-%m-%dT%H:%M:%SZ") if self.server_time_in_body else "",
            )
            return self.http.Response(self.status, headers={**headers, "content-type": "application/xml"}, content=content)
        with time_machine.travel(signed_at, tick=False):  # what AWS would compute for this request
            unsigned = request.headers["x-amz-content-sha256"] == "UNSIGNED-PAYLOAD"
            token = request.headers.get("x-amz-security-token")
            expected = botocore_authorization(str(request.url), request.method, body, token=token, unsigned=unsigned)
        assert request.headers["authorization"] == expected
        return self.http.Response(200, headers=headers)

    def transport(self) -> Any:
        return self.http.MockTransport(lambda request: self.answer(request, request.read()))

    def async_transport(self) -> Any:
        async def handle(request: Any) -> Any:
            return self.answer(request, await request.aread())

        return self.http.MockTransport(handle)

    def signed_times(self) -> list[datetime.datetime]:
        return self.signed_at


def s3(**kwargs: Any) -> AWS4Auth:
    return AWS4Auth(ACCESS_ID, SECRET, "us-east-1", "s3", **kwargs)


def put(server: SkewedS3, auth: Any, content: Any = b"body") -> Any:
    with server.http.Client(transport=server.transport()) as client:
        return client.put(URL, content=content, auth=auth)


async def aput(server: SkewedS3, auth: Any, content: Any = b"body") -> Any:
    async with server.http.AsyncClient(transport=server.async_transport()) as client:
        return await client.put(URL, content=content, auth=auth)


@pytest.mark.parametrize("skew", [1200, -1200], ids=["server-ahead", "server-behind"])
def test_a_skewed_request_is_signed_again_with_the_servers_time(backend: str, http: ModuleType, skew: int) -> None:
    server, auth = SkewedS3(http, skew), s3()
    with time_machine.travel(LOCAL, tick=False):
        assert put(server, auth).status_code == 200
        assert put(server, auth).status_code == 200  # later requests are right the first time
    first, retried, later = server.signed_times()
    assert first == LOCAL
    assert retried == later == LOCAL + datetime.timedelta(seconds=skew)
    assert server.bodies == [b"body"] * 3


@pytest.mark.parametrize("skew", [1200, -1200], ids=["server-ahead", "server-behind"])
async def test_asyncio_requests_are_corrected_too(backend: str, http: ModuleType, skew: int) -> None:
    server, auth = SkewedS3(http, skew), s3()
    with time_machine.travel(LOCAL, tick=False):
        assert (await aput(server, auth)).status_code == 200
    assert server.signed_times() == [LOCAL, LOCAL + datetime.timedelta(seconds=skew)]


def test_trio_requests_are_corrected_too(backend: str, http: ModuleType) -> None:
    server, auth = SkewedS3(http, 1200), s3()
    statuses = []

    async def main() -> None:
        with time_machine.travel(LOCAL, tick=False):
            statuses.append((await aput(server, auth)).status_code)

    trio.run(main)
    assert statuses == [200]
    assert len(server.requests) == 2


def test_the_date_header_alone_is_enough(backend: str, http: ModuleType) -> None:
    server = SkewedS3(http, 1200, server_time_in_body=False)
    with time_machine.travel(LOCAL, tick=False):
        assert put(server, s3()).status_code == 200
    assert len(server.requests) == 2


async def test_the_error_bodys_server_time_is_used_without_a_date_header(backend: str, http: ModuleType) -> None:
    server, auth = SkewedS3(http, -1200, date_header=False), s3()
    with time_machine.travel(LOCAL, tick=False):
        assert put(server, auth).status_code == 200
        assert (await aput(server, s3())).status_code == 200
    assert len(server.requests) == 4


def test_without_a_server_time_the_answer_is_returned_as_it_is(backend: str, http: ModuleType) -> None:
    server = SkewedS3(http, 1200, date_header=False, server_time_in_body=False)
    with time_machine.travel(LOCAL, tick=False):
        response = put(server, s3())
    assert response.status_code == 403
    assert b"RequestTimeTooSkewed" in response.content
    assert len(server.requests) == 1


def test_other_services_refusals_are_recognised(backend: str, http: ModuleType) -> None:
    body = '{"__type":"InvalidSignatureException","message":"Signature expired: 20261201T120000Z is now earlier than 20261201T121500Z"}'
    server = SkewedS3(http, 1200, status=400, body=body)
    with time_machine.travel(LOCAL, tick=False):
        assert put(server, s3()).status_code == 200
    assert len(server.requests) == 2


def test_a_refusal_with_clocks_in_agreement_is_not_retried(backend: str, http: ModuleType) -> None:
    def refuse(request: Any) -> Any:
        now = email.utils.format_datetime(datetime.datetime.now(datetime.timezone.utc), usegmt=True)
        return http.Response(403, headers={"date": now}, content=b"<Error><Code>SignatureDoesNotMatch</Code></Error>")

    sent = []
    with time_machine.travel(LOCAL, tick=False), http.Client(
        transport=http.MockTransport(lambda r: sent.append(r) or refuse(r))
    ) as client:
        assert client.put(URL, content=b"x", auth=s3()).status_code == 403
    assert len(sent) == 1


def test_a_request_is_retried_once_at_most(backend: str, http: ModuleType) -> None:
    sent = []

    def always_later(request: Any) -> Any:  # a server whose clock runs away
        sent.append(request)
        date = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=len(sent))
        return http.Response(403, headers={"date": email.utils.format_datetime(date, usegmt=True)})

    with time_machine.travel(LOCAL, tick=False), http.Client(transport=http.MockTransport(always_later)) as client:
        assert client.put(URL, content=b"x", auth=s3()).status_code == 403
    assert len(sent) == 2


def test_a_streamed_body_is_not_resent_but_the_correction_is_kept(backend: str, http: ModuleType) -> None:
    server, auth = SkewedS3(http, 1200), s3(unsigned_payload=True)
    with time_machine.travel(LOCAL, tick=False):
        assert put(server, auth, content=iter([b"streamed"])).status_code == 403
        assert put(server, auth, content=iter([b"streamed"])).status_code == 200
    assert server.signed_times() == [LOCAL, LOCAL + datetime.timedelta(seconds=1200)]


async def test_an_async_streamed_body_is_not_resent(backend: str, http: ModuleType) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b"streamed"

    server = SkewedS3(http, 1200)
    with time_machine.travel(LOCAL, tick=False):
        assert (await aput(server, s3(unsigned_payload=True), content=chunks())).status_code == 403
    assert len(server.requests) == 1


def test_presigned_urls_use_the_correction(backend: str, http: ModuleType) -> None:
    server, auth = SkewedS3(http, -1200), s3()
    with time_machine.travel(LOCAL, tick=False):
        put(server, auth)
        url = auth.presign(URL)
        [key_url] = auth.presign_keys("https://examplebucket.s3.amazonaws.com", ["test.txt"])
    for presigned in (url, key_url):
        assert dict(parse_qsl(urlsplit(presigned).query))["X-Amz-Date"] == "20261201T114000Z"


def test_presigned_posts_use_the_correction(backend: str, http: ModuleType) -> None:
    import base64
    import json

    server, auth = SkewedS3(http, -1200), s3()
    with time_machine.travel(LOCAL, tick=False):
        put(server, auth)
        form = auth.presign_post("https://examplebucket.s3.amazonaws.com/", "upload.txt", expires_in=600)
    assert form["fields"]["x-amz-date"] == "20261201T114000Z"
    assert json.loads(base64.b64decode(form["fields"]["policy"]))["expiration"] == "2026-12-01T11:50:00Z"


def test_correction_can_be_turned_off(backend: str, http: ModuleType) -> None:
    server, auth = SkewedS3(http, 1200), s3(correct_clock_skew=False)
    with time_machine.travel(LOCAL, tick=False):
        assert put(server, auth).status_code == 403
        assert auth.presign(URL).count("X-Amz-Date=20261201T120000Z") == 1
    assert len(server.requests) == 1
    assert "correct_clock_skew=False" in repr(auth)


def test_a_combination_with_another_auth_is_corrected(backend: str, http: ModuleType) -> None:
    server = SkewedS3(http, 1200)
    with time_machine.travel(LOCAL, tick=False):
        assert put(server, HeaderApiKey("key", "X-Api-Key") + s3()).status_code == 200
    assert [r.headers["x-api-key"] for r in server.requests] == ["key", "key"]


def test_a_subclass_wrapping_auth_flow_is_corrected_too(backend: str, http: ModuleType) -> None:
    class Refreshing(AWS4Auth):
        calls = 0

        def auth_flow(self, request: Any) -> Any:
            Refreshing.calls += 1
            return super().auth_flow(request)

    server = SkewedS3(http, 1200)
    with time_machine.travel(LOCAL, tick=False):
        assert put(server, Refreshing(ACCESS_ID, SECRET, "us-east-1", "s3")).status_code == 200
    assert Refreshing.calls == 1
    assert len(server.requests) == 2


def test_the_correction_is_logged_once_without_secrets(
    backend: str, http: ModuleType, caplog: pytest.LogCaptureFixture
) -> None:
    server, auth = SkewedS3(http, 1200), s3(security_token="the-session-token")
    with caplog.at_level(logging.DEBUG, logger="httpx_auth"), time_machine.travel(LOCAL, tick=False):
        for _ in range(3):
            put(server, auth)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "-1200 s" in warnings[0].getMessage()
    assert not any(secret in caplog.text for secret in (SECRET, "the-session-token"))
