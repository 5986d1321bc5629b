"""RedisTokenCache behind real grants, on a fake Redis: "processes" (caches) share tokens
and one token request; the hot path never calls Redis; locks held by others, dead
holders, failed and abandoned fetches, Redis outages, refresh across processes, and
async flows (asyncio client; trio through the sync client)."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType
from typing import Any

import httpx
import pytest
import trio

from httpx_auth import InvalidGrantRequest, OAuth2, OAuth2ClientCredentials, RedisTokenCache
from httpx_auth._oauth2 import single_flight
from httpx_auth._oauth2.caches import redis as redis_cache, redis_protocol
from httpx_auth._oauth2.caches.redis_protocol import Keys
from httpx_auth._oauth2.token import Token
from oauth2_fakes import FakeServer, json_answer
from redis_fakes import FakeRedis, fake_cache, redis_cache as redis_cache_fixture, server  # noqa: F401


@pytest.fixture(autouse=True)
def quick(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(redis_cache, "POLL", 0.05)
    yield
    assert single_flight.in_flight() == 0


@pytest.fixture
def cache(redis_cache_fixture: RedisTokenCache) -> RedisTokenCache:
    return redis_cache_fixture


def auth() -> OAuth2ClientCredentials:
    return OAuth2ClientCredentials("https://as.example.com/token", "client", "s3cret-value", scope="read")


def keys(cache: RedisTokenCache) -> Keys:
    return Keys.of(cache.prefix, auth().cache_key)


def run_threads(count: int, target: Callable[[], str]) -> list[str]:
    """``target()`` in ``count`` threads started together; their results."""
    gate = threading.Barrier(count)

    def gated(_: int) -> str:
        gate.wait()
        return target()

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(gated, range(count), timeout=30))


def test_token_is_stored_in_redis_with_its_ttl_and_no_secret_in_the_key(
    http: ModuleType, cache: RedisTokenCache, server: FakeRedis
) -> None:
    fake = FakeServer(http)
    assert fake.get(auth()).json()["authorization"] == "Bearer token-1"
    (name,) = server.names()
    assert name == keys(cache).token and "s3cret" not in name
    assert redis_protocol.decode(server.value(name)).access_token == "token-1"  # type: ignore[union-attr]
    assert 3590 < (server.ttl(name) or 0) <= 3600
    assert b"s3cret" not in server.value(name)  # type: ignore[operator]


def test_cached_token_costs_no_round_trip(http: ModuleType, cache: RedisTokenCache, server: FakeRedis) -> None:
    fake = FakeServer(http)
    fake.get(auth())
    before = len(server.commands)
    for _ in range(20):
        assert fake.get(auth()).json()["authorization"] == "Bearer token-1"
    assert server.commands[before:] == []


def test_another_process_uses_the_stored_token(http: ModuleType, cache: RedisTokenCache, server: FakeRedis) -> None:
    fake = FakeServer(http)
    fake.get(auth())
    OAuth2.token_cache = fake_cache(server)  # another process, same Redis
    assert fake.get(auth()).json()["authorization"] == "Bearer token-1"
    assert len(fake.token_requests) == 1


def test_processes_and_threads_on_a_cold_cache_fetch_once(server: FakeRedis) -> None:
    caches = [fake_cache(server) for _ in range(4)]  # four "processes", three threads each
    fetches: list[int] = []
    counter = iter(range(12))

    def fetch() -> Token:
        fetches.append(1)
        time.sleep(0.2)
        return Token("shared", time.time() + 3600)

    def request() -> str:
        return caches[next(counter) % 4].get_token("k", on_missing_token=fetch)

    assert run_threads(12, request) == ["shared"] * 12
    assert len(fetches) == 1


def test_waits_for_the_lock_holder_of_another_process(http: ModuleType, cache: RedisTokenCache, server: FakeRedis) -> None:
    fake = FakeServer(http)
    k = keys(cache)
    redis_protocol.run_sync(server, redis_protocol.try_lock(k, "other-process", 30))
    stored = Token("from-other-process", time.time() + 600)
    threading.Timer(0.2, lambda: redis_protocol.run_sync(server, redis_protocol.store_and_release(k, stored, "other-process"))).start()
    assert fake.get(auth()).json()["authorization"] == "Bearer from-other-process"
    assert fake.token_requests == []


def test_a_dead_holder_is_replaced_when_its_lock_expires(http: ModuleType, cache: RedisTokenCache, server: FakeRedis) -> None:
    fake = FakeServer(http)
    redis_protocol.run_sync(server, redis_protocol.try_lock(keys(cache), "dead-process", 0.3))
    started = time.monotonic()
    assert fake.get(auth()).json()["authorization"] == "Bearer token-1"
    assert 0.25 < time.monotonic() - started < 5
    assert len(fake.token_requests) == 1
    assert server.value(keys(cache).lock) is None  # ours, released


def test_a_lock_kept_alive_by_its_holder_keeps_others_waiting(http: ModuleType, server: FakeRedis) -> None:
    OAuth2.token_cache, previous = fake_cache(server, lock_timeout=0.6), OAuth2.token_cache
    try:
        fake = FakeServer(http)
        k = keys(OAuth2.token_cache)  # type: ignore[arg-type]
        redis_protocol.run_sync(server, redis_protocol.try_lock(k, "slow", 0.6))
        stop = threading.Event()

        def renew() -> None:  # another process renews its lock while it fetches (see redis_lease)
            while not stop.wait(0.1):
                redis_protocol.run_sync(server, redis_protocol.renew(k, "slow", 0.6))

        threading.Thread(target=renew, daemon=True).start()
        threading.Timer(1.5, stop.set).start()  # more than two lock timeouts, then it dies
        started = time.monotonic()
        assert fake.get(auth()).json()["authorization"] == "Bearer token-1"
        assert 1.5 < time.monotonic() - started < 6  # waited while it lived, fetched once its lock expired
        assert len(fake.token_requests) == 1
    finally:
        stop.set()
        OAuth2.token_cache = previous


def test_a_failed_fetch_releases_the_lock_and_raises(http: ModuleType, cache: RedisTokenCache, server: FakeRedis) -> None:
    fake = FakeServer(http, json_answer(http, {"error": "invalid_client"}, 400))
    with pytest.raises(InvalidGrantRequest):
        fake.get(auth())
    assert server.value(keys(cache).lock) is None
    assert server.names() == []


def test_an_abandoned_fetch_releases_the_lock(cache: RedisTokenCache, server: FakeRedis) -> None:
    flow = auth().sync_auth_flow(httpx.Request("GET", "https://api.example.com/"))
    token_request = next(flow)
    assert token_request.url.path == "/token"
    assert server.value(keys(cache).lock) is not None
    flow.close()  # the client gave up on the request
    deadline = time.monotonic() + 5
    while server.value(keys(cache).lock) is not None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.value(keys(cache).lock) is None


@pytest.mark.parametrize("steps", [2, 3])  # closed at the look after the lock, at the token request
def test_a_flow_closed_while_holding_the_lock_releases_it(cache: RedisTokenCache, server: FakeRedis, steps: int) -> None:
    flow = auth().auth_flow(httpx.Request("GET", "https://api.example.com/"))
    item = next(flow)
    for _ in range(steps):  # read, lock (, read): run the Offloads by hand, as a driver would
        item = flow.send(item.fn())
    assert server.value(keys(cache).lock) is not None
    flow.close()
    deadline = time.monotonic() + 5
    while server.value(keys(cache).lock) is not None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.value(keys(cache).lock) is None


def test_redis_down_fetches_locally_with_one_warning(
    http: ModuleType, cache: RedisTokenCache, server: FakeRedis, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(redis_cache, "RETRY_AFTER", 0.0)
    caplog.set_level(logging.WARNING, "httpx_auth")
    server.down = True
    fake = FakeServer(http)
    for n in range(1, 4):
        cache.discard(auth().cache_key)  # a miss each time
        assert fake.get(auth()).json()["authorization"] == f"Bearer token-{n}"
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1 and "unavailable (ConnectionError)" in warnings[0]
    assert "fake" in warnings[0]
    server.down = False
    cache.discard(auth().cache_key)
    assert fake.get(auth()).json()["authorization"] == "Bearer token-4"
    assert "available again" in caplog.records[-1].getMessage()
    assert redis_protocol.decode(server.value(keys(cache).token)).access_token == "token-4"  # type: ignore[union-attr]


def test_redis_down_keeps_the_single_flight_within_the_process(
    http: ModuleType, cache: RedisTokenCache, server: FakeRedis
) -> None:
    server.down = True
    fake = FakeServer(http)
    fake.release.clear()
    threading.Timer(0.3, fake.release.set).start()
    assert run_threads(10, lambda: str(fake.get(auth()).json()["authorization"])) == ["Bearer token-1"] * 10
    assert len(fake.token_requests) == 1


def test_redis_failing_while_the_lock_is_held_still_answers(http: ModuleType, cache: RedisTokenCache, server: FakeRedis) -> None:
    redis_protocol.run_sync(server, redis_protocol.try_lock(keys(cache), "other", 30))
    threading.Timer(0.2, lambda: setattr(server, "down", True)).start()
    fake = FakeServer(http)
    assert fake.get(auth()).json()["authorization"] == "Bearer token-1"


def test_after_a_failure_redis_is_not_retried_at_once(cache: RedisTokenCache, server: FakeRedis) -> None:
    server.down = True
    cache.store("k", Token("t", None))
    attempts = len(server.commands)
    cache.store("k", Token("u", None))
    assert len(server.commands) == attempts


def test_refresh_token_is_used_by_another_process_and_rotated_once(server: FakeRedis) -> None:
    first, second = fake_cache(server), fake_cache(server)
    refreshed: list[str] = []

    def refresh(refresh_token: str) -> Token:
        refreshed.append(refresh_token)
        return Token("access-2", time.time() + 3600, "refresh-2")

    def new() -> Token:
        raise AssertionError("a new grant was not needed")

    first.store("k", Token("access-1", time.time() + 10, "refresh-1"))  # expires within early_expiry
    assert second.get_token("k", on_missing_token=new, on_expired_token=refresh) == "access-2"
    assert refreshed == ["refresh-1"]
    stored = redis_protocol.decode(server.value("test:token:k"))
    assert stored is not None and (stored.access_token, stored.refresh_token) == ("access-2", "refresh-2")
    # The first process's own token is about to expire: it finds the rotated one in Redis.
    assert first.get_token("k", on_missing_token=new, on_expired_token=refresh) == "access-2"
    assert refreshed == ["refresh-1"]


def test_a_discarded_token_is_not_taken_back_from_redis(cache: RedisTokenCache, server: FakeRedis) -> None:
    other = fake_cache(server)
    cache.store("k", Token("rejected", None))
    assert other.get_token("k") == "rejected"
    server.data["test:token:k"] = (b"stale", None)  # garbage in Redis reads as missing
    cache.discard("k")
    cache.store("k", Token("rejected", None))
    other.discard("k")  # "rejected" was refused by the server in the other process
    assert server.value("test:token:k") is None
    redis_protocol.run_sync(server, redis_protocol.store_and_release(Keys.of("test:", "k"), Token("rejected", None), ""))
    assert other.get_token("k", on_missing_token=lambda: "fresh") == "fresh"


def test_clear_empties_memory_and_redis(cache: RedisTokenCache, server: FakeRedis) -> None:
    cache.store("k", Token("t", None))
    cache.clear()
    assert cache.lookup("k") is None and server.names() == []


async def test_asyncio_flows_use_the_asyncio_client(cache: RedisTokenCache, server: FakeRedis) -> None:
    fake = FakeServer(httpx)
    redis_protocol.run_sync(server, redis_protocol.try_lock(keys(cache), "other", 30))
    sync_calls = len(server.commands)
    ticks = 0

    async def ticker() -> None:  # the loop keeps running while we wait for the other process
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    async def other_process_stores() -> None:
        await asyncio.sleep(0.2)
        redis_protocol.run_sync(server, redis_protocol.store_and_release(keys(cache), Token("other", None), "other"))

    task, store = asyncio.create_task(ticker()), asyncio.create_task(other_process_stores())
    responses = await asyncio.gather(*(fake.aget(auth()) for _ in range(5)))
    task.cancel()
    await store
    assert [r.json()["authorization"] for r in responses] == ["Bearer other"] * 5
    assert cache.fake_async.calls >= 2  # type: ignore[attr-defined]
    assert server.commands[sync_calls:].count("SUBSCRIBE") == 1  # one waiter per process
    assert ticks >= 10


async def test_asyncio_fetch_stores_through_the_asyncio_client(cache: RedisTokenCache, server: FakeRedis) -> None:
    fake = FakeServer(httpx)
    assert (await fake.aget(auth())).json()["authorization"] == "Bearer token-1"
    assert cache.fake_async.calls >= 3  # type: ignore[attr-defined]  # read, lock, read, store
    assert redis_protocol.decode(server.value(keys(cache).token)).access_token == "token-1"  # type: ignore[union-attr]


def test_trio_flows_use_the_sync_client_in_a_thread(cache: RedisTokenCache, server: FakeRedis) -> None:
    fake = FakeServer(httpx)

    async def main() -> str:
        async with httpx.AsyncClient(transport=fake.async_transport()) as client:
            return str((await client.get("https://api.example.com/data", auth=auth())).json()["authorization"])

    assert trio.run(main) == "Bearer token-1"
    assert cache.fake_async.calls == 0  # type: ignore[attr-defined]
    assert "EVAL" in server.commands


async def test_store_on_the_event_loop_writes_in_the_background(cache: RedisTokenCache, server: FakeRedis) -> None:
    cache.store("k", Token("t", None))
    for _ in range(200):
        if server.value("test:token:k") is not None:
            break
        await asyncio.sleep(0.01)
    assert redis_protocol.decode(server.value("test:token:k")) == Token("t", None)
