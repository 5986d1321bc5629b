"""Waiting for another request's token: a hung token endpoint costs one timeout, not
one per waiter; async waiters await without holding a thread; closing a flow (single
or combined) during a token fetch releases its flight at once."""

from __future__ import annotations

import asyncio
import threading
import time
from types import ModuleType
from typing import Any

import anyio
import pytest
import trio

from httpx_auth import HeaderApiKey, OAuth2ClientCredentials
from httpx_auth._oauth2 import single_flight
from httpx_auth._signal import Signal
from oauth2_fakes import API_URL, TOKEN_URL, fresh_token_cache  # noqa: F401

CALLERS = 8
HANG = 0.5  # how long the fake endpoint "hangs" before the client's timeout fires


@pytest.fixture(autouse=True)
def no_flight_left() -> Any:
    yield
    assert single_flight.in_flight() == 0


class HungEndpoint:
    """A token endpoint that never answers: each token request ends in ReadTimeout."""

    def __init__(self, http: ModuleType) -> None:
        self.http = http
        self.attempts = 0

    def handler(self, request: Any) -> Any:
        if str(request.url) != TOKEN_URL:
            return self.http.Response(200)
        self.attempts += 1
        time.sleep(HANG)
        raise self.http.ReadTimeout("timed out", request=request)

    async def async_handler(self, request: Any) -> Any:
        if str(request.url) != TOKEN_URL:
            return self.http.Response(200)
        self.attempts += 1
        await anyio.sleep(HANG)
        raise self.http.ReadTimeout("timed out", request=request)


@pytest.mark.parametrize("combined", [False, True])
def test_threads_share_the_leaders_timeout(http: ModuleType, combined: bool) -> None:
    endpoint = HungEndpoint(http)
    auth: Any = OAuth2ClientCredentials(TOKEN_URL, "id", "secret", timeout=HANG)
    if combined:
        auth = auth + HeaderApiKey("key")
    errors: list[BaseException] = []
    with http.Client(transport=http.MockTransport(endpoint.handler)) as client:

        def call() -> None:
            try:
                client.get(API_URL, auth=auth)
            except Exception as error:
                errors.append(error)

        started = time.monotonic()
        threads = [threading.Thread(target=call) for _ in range(CALLERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        elapsed = time.monotonic() - started
    assert len(errors) == CALLERS and all(isinstance(e, http.ReadTimeout) for e in errors)
    assert endpoint.attempts == 1  # not one hung request per waiter
    assert elapsed < CALLERS * HANG * 0.75  # about one timeout, not one per caller


@pytest.mark.parametrize("library", ["asyncio", "trio"])
def test_tasks_share_the_leaders_timeout(http: ModuleType, library: str) -> None:
    endpoint = HungEndpoint(http)
    auth = OAuth2ClientCredentials(TOKEN_URL, "id", "secret", timeout=HANG)
    errors: list[BaseException] = []

    async def main() -> None:
        async with http.AsyncClient(transport=http.MockTransport(endpoint.async_handler)) as client:

            async def call() -> None:
                try:
                    await client.get(API_URL, auth=auth)
                except Exception as error:
                    errors.append(error)

            async with anyio.create_task_group() as group:
                for _ in range(CALLERS):
                    group.start_soon(call)

    anyio.run(main, backend=library)
    assert len(errors) == CALLERS and all(isinstance(e, http.ReadTimeout) for e in errors)
    assert endpoint.attempts == 1


@pytest.mark.parametrize("library", ["asyncio", "trio"])
def test_a_thousand_waiting_tasks_hold_no_thread(http: ModuleType, library: str) -> None:
    tasks = 1000
    gate: list[anyio.Event] = []
    attempts = 0

    async def handler(request: Any) -> Any:
        nonlocal attempts
        if str(request.url) == TOKEN_URL:
            attempts += 1
            await gate[0].wait()
            return http.Response(200, json={"access_token": "shared", "expires_in": 3600})
        return http.Response(200, json={"authorization": request.headers["authorization"]})

    auth = OAuth2ClientCredentials(TOKEN_URL, "id", "secret")
    seen: dict[str, Any] = {}

    async def main() -> None:
        gate.append(anyio.Event())
        threads_before = set(threading.enumerate())
        results: list[str] = []
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while not gate[0].is_set():
                await anyio.sleep(0.001)
                ticks += 1

        async with http.AsyncClient(transport=http.MockTransport(handler)) as client:

            async def call() -> None:
                results.append((await client.get(API_URL, auth=auth)).json()["authorization"])

            async with anyio.create_task_group() as group:
                for _ in range(tasks):
                    group.start_soon(call)
                while attempts == 0:
                    await anyio.sleep(0.01)
                await anyio.sleep(0.1)  # every task is now waiting for the leader
                group.start_soon(ticker)
                await anyio.sleep(0.3)
                # threads started while they wait (one ending meanwhile does not count)
                seen["threads"] = set(threading.enumerate()) - threads_before
                seen["ticks"] = ticks
                gate[0].set()
        seen["results"] = results

    anyio.run(main, backend=library)
    assert seen["threads"] == set()
    assert seen["results"] == ["Bearer shared"] * tasks
    assert attempts == 1
    # The loop kept running while they waited (stalls are measured in benches/bench_waiting.py).
    assert seen["ticks"] > 10


@pytest.mark.parametrize("library", ["asyncio", "trio"])
def test_a_sync_thread_wakes_waiting_tasks(library: str) -> None:
    signal = Signal()
    woken: list[bool] = []

    async def main() -> None:
        async with anyio.create_task_group() as group:
            for _ in range(10):
                group.start_soon(lambda: _append(woken, signal.wait_async(10)))
            await anyio.sleep(0.05)
            threading.Thread(target=signal.set).start()

    anyio.run(main, backend=library)
    assert woken == [True] * 10


async def _append(results: list[bool], waiting: Any) -> None:
    results.append(await waiting)


def test_a_task_wakes_a_waiting_thread() -> None:
    signal = Signal()
    woken: list[bool] = []
    thread = threading.Thread(target=lambda: woken.append(signal.wait(10)))
    thread.start()

    async def main() -> None:
        await asyncio.sleep(0.05)
        signal.set()

    asyncio.run(main())
    thread.join(10)
    assert woken == [True]


def test_a_wait_times_out_in_both_worlds() -> None:
    signal = Signal()
    assert signal.wait(0.01) is False
    assert trio.run(signal.wait_async, 0.01) is False
    assert asyncio.run(signal.wait_async(0.01)) is False
    assert signal._wakers == {}  # a timed-out task leaves nothing behind
    signal.set()
    assert signal.wait(0) and asyncio.run(signal.wait_async(0))


def test_setting_for_a_closed_loop_is_harmless() -> None:
    signal = Signal()

    async def wait_then_leave() -> None:
        with anyio.move_on_after(0.01):
            await signal.wait_async(None)

    asyncio.run(wait_then_leave())
    signal.set()  # no waker left, no loop to call: no error
    assert signal.is_set()


async def test_closing_a_combined_flow_during_a_token_fetch_releases_the_flight(http: ModuleType) -> None:
    started = asyncio.Event()

    async def handler(request: Any) -> Any:
        if str(request.url) == TOKEN_URL:
            started.set()
            await asyncio.sleep(30)
        return http.Response(200, json={"access_token": "t"})

    auth = OAuth2ClientCredentials(TOKEN_URL, "id", "secret") + HeaderApiKey("key")
    async with http.AsyncClient(transport=http.MockTransport(handler)) as client:
        task = asyncio.create_task(client.get(API_URL, auth=auth))
        await asyncio.wait_for(started.wait(), 10)
        assert single_flight.in_flight() == 1
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert single_flight.in_flight() == 0  # at once, not when the generator is collected


async def test_a_combined_flow_passes_the_leaders_timeout_to_waiters(http: ModuleType) -> None:
    endpoint = HungEndpoint(http)
    auth = OAuth2ClientCredentials(TOKEN_URL, "id", "secret", timeout=HANG) + HeaderApiKey("key")
    async with http.AsyncClient(transport=http.MockTransport(endpoint.async_handler)) as client:
        results = await asyncio.gather(*(client.get(API_URL, auth=auth) for _ in range(CALLERS)), return_exceptions=True)
    assert all(isinstance(r, http.ReadTimeout) for r in results)
    assert endpoint.attempts == 1


def test_a_sync_leader_wakes_waiting_tasks_and_an_async_leader_wakes_threads(http: ModuleType) -> None:
    """One flight across worlds: the leader in a thread, waiters in a loop, then the reverse."""
    release = threading.Event()
    attempts = 0

    def token_answer(request: Any) -> Any:
        nonlocal attempts
        attempts += 1
        return http.Response(200, json={"access_token": f"token-{attempts}", "expires_in": 3600})

    def handler(request: Any) -> Any:
        if str(request.url) == TOKEN_URL:
            release.wait(10)
            return token_answer(request)
        return http.Response(200, json={"authorization": request.headers["authorization"]})

    async def async_handler(request: Any) -> Any:
        if str(request.url) == TOKEN_URL:
            while not release.is_set():
                await anyio.sleep(0.01)
            return token_answer(request)
        return handler(request)

    def sync_get(auth: Any) -> str:
        with http.Client(transport=http.MockTransport(handler)) as client:
            return str(client.get(API_URL, auth=auth).json()["authorization"])

    async def async_gets(auth: Any, count: int) -> list[str]:
        async with http.AsyncClient(transport=http.MockTransport(async_handler)) as client:
            responses = await asyncio.gather(*(client.get(API_URL, auth=auth) for _ in range(count)))
        return [r.json()["authorization"] for r in responses]

    # A thread leads; tasks wait.
    auth = OAuth2ClientCredentials(TOKEN_URL, "id", "secret")
    results: list[str] = []
    leader = threading.Thread(target=lambda: results.append(sync_get(auth)))
    leader.start()
    while single_flight.in_flight() == 0:
        time.sleep(0.01)

    async def tasks_then_release() -> list[str]:
        waiting = asyncio.ensure_future(async_gets(auth, 20))
        await asyncio.sleep(0.1)
        release.set()
        return await waiting

    assert asyncio.run(tasks_then_release()) == ["Bearer token-1"] * 20
    leader.join(10)
    assert results == ["Bearer token-1"] and attempts == 1

    # A task leads; threads wait.
    release.clear()
    other = OAuth2ClientCredentials(TOKEN_URL, "other-id", "secret")
    waiting: list[str] = []

    async def lead_then_release() -> list[str]:
        leading = asyncio.ensure_future(async_gets(other, 1))
        while single_flight.in_flight() == 0:
            await asyncio.sleep(0.01)
        threads = [threading.Thread(target=lambda: waiting.append(sync_get(other))) for _ in range(5)]
        for thread in threads:
            thread.start()
        await asyncio.sleep(0.1)
        release.set()
        result = await leading
        for thread in threads:
            thread.join(10)
        return result

    assert asyncio.run(lead_then_release()) == ["Bearer token-2"]
    assert waiting == ["Bearer token-2"] * 5 and attempts == 2

