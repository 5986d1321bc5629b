"""Refreshing temporary credentials, on a frozen clock: botocore's windows (advisory 15
minutes before expiry, mandatory 10), a failed advisory refresh keeps the old
credentials with a warning, one refresh at a time for many threads, asyncio tasks and
trio tasks, and the event loop never waits for a fetch."""

from __future__ import annotations

import asyncio
import datetime
import logging
import threading
import time
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest
import time_machine
import trio

from httpx_auth import AWS4Auth, AWSCredentials, AWSCredentialsError, RefreshingCredentials

START = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.timezone.utc)
HOUR = 3600.0


class Counting(RefreshingCredentials):
    """Hands out AKID1, AKID2... each valid for an hour; can be made to fail or wait."""

    source_name = "test source"

    def __init__(self, lifetime: float = HOUR) -> None:
        super().__init__()
        self.fetches = 0
        self.lifetime = lifetime
        self.fail = False
        self.gate: threading.Event | None = None
        self.started = threading.Event()

    def fetch(self) -> AWSCredentials:
        self.started.set()
        if self.gate is not None:
            assert self.gate.wait(10), "the gate was never opened"
        if self.fail:
            raise AWSCredentialsError(self.source_name, "the service is down")
        self.fetches += 1
        return AWSCredentials(f"AKID{self.fetches}", f"secret-{self.fetches}", f"token-{self.fetches}", time.time() + self.lifetime)


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def at(clock: Any, minutes_left: float) -> None:
    """Move to ``minutes_left`` minutes before the first credentials expire."""
    clock.move_to(START + datetime.timedelta(seconds=HOUR - minutes_left * 60))


def test_the_windows(clock: Any) -> None:
    source = Counting()
    assert source().access_key == "AKID1"
    at(clock, 15.5)
    assert not source.refresh_needed() and source().access_key == "AKID1"
    at(clock, 14.5)  # advisory
    assert source.refresh_needed() and source().access_key == "AKID2"
    assert source.fetches == 2


def test_a_failed_advisory_refresh_keeps_the_old_credentials(clock: Any, caplog: pytest.LogCaptureFixture) -> None:
    source = Counting()
    source()
    source.fail = True
    at(clock, 14)
    with caplog.at_level(logging.WARNING, logger="httpx_auth.aws"):
        assert source().access_key == "AKID1"
    (record,) = caplog.records
    assert record.getMessage() == (
        "test source: refreshing the credentials failed (test source: the service is down); "
        "the current ones, valid for 840 more seconds, are used meanwhile."
    )
    assert "secret-1" not in record.getMessage() and "token-1" not in record.getMessage()
    assert not source.refresh_needed()  # no retry on every request: 30 s of quiet
    at(clock, 13.4)
    assert source.refresh_needed()


def test_a_failed_mandatory_refresh_raises_and_expired_credentials_are_replaced(clock: Any) -> None:
    source = Counting()
    source()
    source.fail = True
    at(clock, 9)
    with pytest.raises(AWSCredentialsError, match="the service is down"):
        source()
    source.fail = False
    at(clock, -1)
    assert source().access_key == "AKID2"


def test_credentials_that_never_expire_are_fetched_once(clock: Any) -> None:
    source = Counting(lifetime=HOUR)
    source.lifetime = 10 * 365 * 24 * HOUR
    source()
    at(clock, -1000)
    assert source().access_key == "AKID1" and source.fetches == 1


def test_short_lived_credentials_are_not_fetched_on_every_call(clock: Any) -> None:
    source = Counting(lifetime=5 * 60)  # already inside the mandatory window
    source()
    source()
    assert source.fetches == 1
    clock.shift(31)
    source()
    assert source.fetches == 2


def test_one_refresh_for_many_threads(clock: Any) -> None:
    source = Counting()
    source.gate = threading.Event()
    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(source().access_key)) for _ in range(16)]
    for thread in threads:
        thread.start()
    assert source.started.wait(5)
    source.gate.set()
    for thread in threads:
        thread.join(10)
    assert results == ["AKID1"] * 16 and source.fetches == 1


def test_advisory_refresh_does_not_make_other_threads_wait(clock: Any) -> None:
    source = Counting()
    source()
    at(clock, 12)
    source.gate = threading.Event()
    source.started.clear()
    refresher = threading.Thread(target=source)
    refresher.start()
    assert source.started.wait(5)
    assert source().access_key == "AKID1"  # answered while the refresh is still running
    source.gate.set()
    refresher.join(10)
    assert source().access_key == "AKID2" and source.fetches == 2


def _headers(request: Any) -> Any:
    return httpx.Response(200, json={"authorization": request.headers["authorization"]})


async def test_asyncio_tasks_share_one_fetch_and_the_loop_keeps_running(clock: Any, backend: str, http: ModuleType) -> None:
    source = Counting()
    source.gate = threading.Event()
    auth = AWS4Auth(region="us-east-1", service="s3", credentials=source)

    async def answer(request: Any) -> Any:
        return http.Response(200, json={"authorization": request.headers["authorization"]})

    async def open_the_gate() -> None:  # runs only if the loop is free while fetch waits
        while not source.started.is_set():
            await asyncio.sleep(0.01)
        source.gate.set()  # type: ignore[union-attr]

    async with http.AsyncClient(transport=http.MockTransport(answer)) as client:
        opener = asyncio.create_task(open_the_gate())
        replies = await asyncio.gather(*(client.get("https://b.s3.amazonaws.com/k", auth=auth) for _ in range(12)))
        await opener
    assert {r.json()["authorization"].partition("Credential=")[2][:5] for r in replies} == {"AKID1"}
    assert source.fetches == 1


def test_trio_tasks_share_one_fetch_and_the_loop_keeps_running(clock: Any, backend: str) -> None:
    source = Counting()
    source.gate = threading.Event()
    auth = AWS4Auth(region="us-east-1", service="s3", credentials=source)
    keys: list[str] = []

    async def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"authorization": request.headers["authorization"]})

    async def main() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:

            async def one() -> None:
                reply = await client.get("https://b.s3.amazonaws.com/k", auth=auth)
                keys.append(reply.json()["authorization"].partition("Credential=")[2][:5])

            async with trio.open_nursery() as nursery:
                for _ in range(8):
                    nursery.start_soon(one)
                while not source.started.is_set():
                    await trio.sleep(0.01)
                source.gate.set()  # type: ignore[union-attr]

    trio.run(main)
    assert keys == ["AKID1"] * 8 and source.fetches == 1


def test_a_refresh_in_async_code_runs_in_a_worker_thread(clock: Any, backend: str) -> None:
    source = Counting()
    threads: list[int] = []
    original = source.fetch

    def fetch() -> AWSCredentials:
        threads.append(threading.get_ident())
        return original()

    source.fetch = fetch  # type: ignore[method-assign]
    auth = AWS4Auth(region="us-east-1", service="s3", credentials=source)

    async def main() -> int:
        async with httpx.AsyncClient(transport=httpx.MockTransport(_headers)) as client:
            await client.get("https://b.s3.amazonaws.com/k", auth=auth)
            at(clock, 14)  # advisory: refreshed off the loop too
            await client.get("https://b.s3.amazonaws.com/k", auth=auth)
        return threading.get_ident()

    loop_thread = asyncio.run(main())
    assert len(threads) == 2 and loop_thread not in threads
    with httpx.Client(transport=httpx.MockTransport(_headers)) as client:  # sync: in place
        at(clock, 14 - 60)
        client.get("https://b.s3.amazonaws.com/k", auth=auth)
    assert threads[-1] == threading.get_ident()


def test_a_subclass_wrapping_auth_flow_refreshes_off_the_loop_too(clock: Any, backend: str) -> None:
    class Wrapped(AWS4Auth):
        def auth_flow(self, request: Any) -> Any:  # the reference's way to add behaviour
            request.headers["X-Wrapped"] = "1"
            yield from super().auth_flow(request)

    source = Counting()
    threads: list[int] = []
    original = source.fetch
    source.fetch = lambda: (threads.append(threading.get_ident()), original())[1]  # type: ignore[method-assign]
    auth = Wrapped(region="us-east-1", service="s3", credentials=source)

    async def main() -> int:
        async with httpx.AsyncClient(transport=httpx.MockTransport(_headers)) as client:
            reply = await client.get("https://b.s3.amazonaws.com/k", auth=auth)
            assert "Credential=AKID1/" in reply.json()["authorization"]
        return threading.get_ident()

    loop_thread = asyncio.run(main())
    assert len(threads) == 1 and threads[0] != loop_thread


def test_a_refresh_error_reaches_the_caller(clock: Any, backend: str, http: ModuleType) -> None:
    source = Counting()
    source.fail = True
    auth = AWS4Auth(region="us-east-1", service="s3", credentials=source)
    with http.Client(transport=http.MockTransport(lambda r: http.Response(200))) as client:
        with pytest.raises(AWSCredentialsError, match="test source: the service is down"):
            client.get("https://b.s3.amazonaws.com/k", auth=auth)
    with pytest.raises(AWSCredentialsError, match="test source: the service is down"):
        asyncio.run(_async_get(http, auth))


async def _async_get(http: ModuleType, auth: Any) -> None:
    async def ok(request: Any) -> Any:
        return http.Response(200)

    async with http.AsyncClient(transport=http.MockTransport(ok)) as client:
        await client.get("https://b.s3.amazonaws.com/k", auth=auth)


def test_combined_with_another_auth(clock: Any, backend: str) -> None:
    from httpx_auth import HeaderApiKey

    source = Counting()
    auth = AWS4Auth(region="us-east-1", service="s3", credentials=source) + HeaderApiKey("k", header_name="X-Key")

    async def main() -> Any:
        async with httpx.AsyncClient(transport=httpx.MockTransport(_headers)) as client:
            return await client.get("https://b.s3.amazonaws.com/k", auth=auth)

    assert "Credential=AKID1/" in asyncio.run(main()).json()["authorization"]
    with httpx.Client(transport=httpx.MockTransport(_headers)) as client:
        assert "Credential=AKID1/" in client.get("https://b.s3.amazonaws.com/k", auth=auth).json()["authorization"]
