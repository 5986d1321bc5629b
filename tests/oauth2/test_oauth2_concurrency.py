"""Single flight: many threads or tasks missing a token cause one token request; the event
loop keeps running meanwhile; leaders that fail, vanish or are cancelled never strand
their waiters."""

from __future__ import annotations

import asyncio
import threading
import time
from types import ModuleType
from typing import Any

import pytest
import trio

from httpx_auth import InvalidGrantRequest, OAuth2ClientCredentials
from httpx_auth._oauth2 import grant
from httpx_auth._oauth2 import single_flight as engine
from oauth2_fakes import API_URL, TOKEN_URL, FakeServer, fresh_token_cache, json_answer  # noqa: F401

N = 50


@pytest.fixture(autouse=True)
def no_flight_left() -> Any:
    yield
    assert engine.in_flight() == 0


def run_threads(count: int, target: Any) -> list[Any]:
    """Run ``target()`` in ``count`` threads released together; their results or errors."""
    results: list[Any] = [None] * count
    barrier = threading.Barrier(count)

    def worker(index: int) -> None:
        barrier.wait()
        try:
            results[index] = target()
        except Exception as error:
            results[index] = error

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def slow_release(server: FakeServer, after: float = 0.3) -> None:
    """Hold the token endpoint until its first request arrived, and a moment more, so
    the other requests pile up behind it."""
    server.release.clear()

    def opener() -> None:
        server.token_started.wait(30)
        time.sleep(after)
        server.release.set()

    threading.Thread(target=opener, daemon=True).start()


def test_threads_on_a_cold_cache_cause_one_token_request(http: ModuleType) -> None:
    server = FakeServer(http)
    auth = OAuth2ClientCredentials(TOKEN_URL, "id", "secret")
    slow_release(server)
    with http.Client(transport=server.transport()) as client:
        results = run_threads(N, lambda: client.get(API_URL, auth=auth).json()["authorization"])
    assert results == ["Bearer token-1"] * N
    assert server.token_attempts == 1


async def test_tasks_on_a_cold_cache_cause_one_token_request(http: ModuleType) -> None:
    server = FakeServer(http)
    server.async_gate = asyncio.Event()
    auth = OAuth2ClientCredentials(TOKEN_URL, "id", "secret")

    async def open_gate() -> None:
        while not server.token_started.is_set():
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.3)
        server.async_gate.set()

    async with http.AsyncClient(transport=server.async_transport()) as client:
        opener = asyncio.create_task(open_gate())
        responses = await asyncio.wait_for(asyncio.gather(*(client.get(API_URL, auth=auth) for _ in range(N))), 60)
        await opener
    assert [r.json()["authorization"] for r in responses] == ["Bearer token-1"] * N
    assert server.token_attempts == 1


async def test_event_loop_keeps_running_during_a_slow_token_request(http: ModuleType) -> None:
    """The token endpoint answers only once a ticker task ran 20 times while the token
    request (and 10 requests waiting for it) are in flight: a blocked loop never would."""
    server = FakeServer(http)
    server.async_gate = asyncio.Event()
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while not server.token_started.is_set():
            await asyncio.sleep(0.005)
        while ticks < 20:
            ticks += 1
            await asyncio.sleep(0.005)
        server.async_gate.set()

    auth = OAuth2ClientCredentials(TOKEN_URL, "id", "secret")
    async with http.AsyncClient(transport=server.async_transport()) as client:
        ticking = asyncio.create_task(ticker())
        responses = await asyncio.wait_for(asyncio.gather(*(client.get(API_URL, auth=auth) for _ in range(11))), 30)
        await ticking
    assert ticks == 20
    assert {r.json()["authorization"] for r in responses} == {"Bearer token-1"}
    assert server.token_attempts == 1


async def test_cancelled_leader_hands_over_to_a_waiter(http: ModuleType) -> None:
    server = FakeServer(http)
    server.async_gate = asyncio.Event()
    auth = OAuth2ClientCredentials(TOKEN_URL, "id", "secret")
    async with http.AsyncClient(transport=server.async_transport()) as client:
        leader = asyncio.create_task(client.get(API_URL, auth=auth))
        while not server.token_started.is_set():
            await asyncio.sleep(0.01)
        waiters = [asyncio.create_task(client.get(API_URL, auth=auth)) for _ in range(5)]
        await asyncio.sleep(0.2)  # the waiters are blocked on the leader's flight
        assert server.token_attempts == 1
        leader.cancel()
        with pytest.raises(asyncio.CancelledError):
            await leader
        server.async_gate.set()
        responses = await asyncio.wait_for(asyncio.gather(*waiters), 30)
    assert [r.json()["authorization"] for r in responses] == ["Bearer token-1"] * 5
    assert server.token_attempts == 2  # the cancelled one, then one by a waiter
    assert len(server.token_requests) == 1


def test_leader_whose_token_request_fails_on_the_network_fails_its_waiters(http: ModuleType) -> None:
    """httpx closes the flow of a request whose send failed: its error reaches the waiters."""
    server = FakeServer(http)
    calls = 0
    first_call = threading.Event()
    lock = threading.Lock()

    def handler(request: Any) -> Any:
        nonlocal calls
        if str(request.url) == TOKEN_URL:
            with lock:
                calls += 1
                mine = calls
            if mine == 1:
                first_call.set()
                time.sleep(0.3)
                raise http.ConnectError("connection reset", request=request)
        return server.handler(request)

    auth = OAuth2ClientCredentials(TOKEN_URL, "id", "secret")
    with http.Client(transport=http.MockTransport(handler)) as client:
        results = run_threads(10, lambda: client.get(API_URL, auth=auth).json()["authorization"])
    assert all(isinstance(r, http.ConnectError) for r in results)
    assert calls == 1
    with http.Client(transport=http.MockTransport(handler)) as client:  # the next request tries again
        assert client.get(API_URL, auth=auth).json()["authorization"] == "Bearer token-1"


def test_leader_failure_reaches_every_waiter(http: ModuleType) -> None:
    server = FakeServer(http, json_answer(http, {"error": "invalid_client"}, 401))
    auth = OAuth2ClientCredentials(TOKEN_URL, "id", "secret")
    slow_release(server)
    with http.Client(transport=server.transport()) as client:
        results = run_threads(20, lambda: client.get(API_URL, auth=auth))
    assert all(isinstance(r, InvalidGrantRequest) and r.error == "invalid_client" for r in results)
    assert server.token_attempts == 1
    assert server.api_requests == []


async def test_leader_failure_reaches_every_waiting_task(http: ModuleType) -> None:
    server = FakeServer(http, json_answer(http, {"error": "invalid_client"}, 401))
    server.async_gate = asyncio.Event()
    auth = OAuth2ClientCredentials(TOKEN_URL, "id", "secret")
    async with http.AsyncClient(transport=server.async_transport()) as client:
        tasks = [asyncio.create_task(client.get(API_URL, auth=auth)) for _ in range(10)]
        await asyncio.sleep(0.2)
        server.async_gate.set()
        results = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 30)
    assert all(isinstance(r, InvalidGrantRequest) for r in results)
    assert server.token_attempts == 1


def test_the_next_request_after_a_failure_tries_again(http: ModuleType) -> None:
    answers = iter([http.Response(500, json={"error": "server_error"}), http.Response(200, json={"access_token": "ok"})])
    server = FakeServer(http, lambda n, _: next(answers))
    auth = OAuth2ClientCredentials(TOKEN_URL, "id", "secret")
    with pytest.raises(InvalidGrantRequest):
        server.get(auth)
    assert server.get(auth).json()["authorization"] == "Bearer ok"


async def test_sync_client_given_to_fifty_tasks(http: ModuleType) -> None:
    """The leader's token request runs in a worker thread while waiters hold others:
    waiters give their thread back now and then, so the leader always gets one."""
    token_server = FakeServer(http)
    slow_release(token_server, after=0.5)
    with http.Client(transport=token_server.transport()) as token_client:
        auth = OAuth2ClientCredentials(TOKEN_URL, "id", "secret", client=token_client)
        api = FakeServer(http)
        async with http.AsyncClient(transport=api.async_transport()) as client:
            responses = await asyncio.wait_for(asyncio.gather(*(client.get(API_URL, auth=auth) for _ in range(N))), 60)
    assert {r.json()["authorization"] for r in responses} == {"Bearer token-1"}
    assert token_server.token_attempts == 1


def test_a_stuck_leader_is_taken_over_after_its_timeout(http: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(grant, "PATIENCE_MARGIN", 0.0)
    stuck = threading.Event()
    calls = 0

    def handler(request: Any) -> Any:
        nonlocal calls
        if str(request.url) == TOKEN_URL:
            calls += 1
            if calls == 1:
                stuck.wait(30)  # this leader shows no sign of life
            return http.Response(200, json={"access_token": f"token-{calls}"})
        return http.Response(200, json={"authorization": request.headers["authorization"]})

    auth = OAuth2ClientCredentials(TOKEN_URL, "id", "secret", timeout=0.3)
    with http.Client(transport=http.MockTransport(handler)) as client:
        leader = threading.Thread(target=lambda: client.get(API_URL, auth=auth))
        leader.start()
        while calls == 0:
            time.sleep(0.01)
        assert client.get(API_URL, auth=auth).json()["authorization"] == "Bearer token-2"
        stuck.set()
        leader.join(30)
    assert calls == 2


def test_different_configurations_do_not_wait_for_each_other(http: ModuleType) -> None:
    blocked = threading.Event()

    def handler(request: Any) -> Any:
        if str(request.url) == TOKEN_URL:
            if b"scope=slow" in request.content:
                blocked.wait(30)
            return http.Response(200, json={"access_token": request.content.decode()})
        return http.Response(200, json={"authorization": request.headers["authorization"]})

    slow = OAuth2ClientCredentials(TOKEN_URL, "id", "secret", scope="slow")
    fast = OAuth2ClientCredentials(TOKEN_URL, "id", "secret", scope="fast")
    with http.Client(transport=http.MockTransport(handler)) as client:
        stuck = threading.Thread(target=lambda: client.get(API_URL, auth=slow))
        stuck.start()
        assert "scope=fast" in client.get(API_URL, auth=fast).json()["authorization"]
        blocked.set()
        stuck.join(30)


def test_trio_tasks_share_one_token_request(http: ModuleType) -> None:
    attempts = 0

    async def handler(request: Any) -> Any:
        nonlocal attempts
        if str(request.url) == TOKEN_URL:
            attempts += 1
            await trio.sleep(0.3)  # the other tasks pile up on the flight meanwhile
            return http.Response(200, json={"access_token": "trio-token"})
        return http.Response(200, json={"authorization": request.headers["authorization"]})

    auth = OAuth2ClientCredentials(TOKEN_URL, "id", "secret")
    seen: list[str] = []

    async def main() -> None:
        async with http.AsyncClient(transport=http.MockTransport(handler)) as client:

            async def one() -> None:
                seen.append((await client.get(API_URL, auth=auth)).json()["authorization"])

            async with trio.open_nursery() as nursery:
                for _ in range(20):
                    nursery.start_soon(one)

    trio.run(main)
    assert seen == ["Bearer trio-token"] * 20
    assert attempts == 1
