"""RedisTokenCache's protocol with Redis, on a fake server: keys, value format, TTL, the
lock (owner, expiry, compare-and-delete), waiting, construction and its errors."""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from typing import Any

import pytest

from httpx_auth import InvalidParameter, RedisTokenCache
from httpx_auth._oauth2.caches import redis_protocol as protocol
from httpx_auth._oauth2.caches.redis_protocol import Down, Keys
from httpx_auth._oauth2.token import Token
from redis_fakes import FakeAsyncRedis, FakeRedis, server  # noqa: F401

KEYS = Keys.of("p:", "abc")


def test_keys_are_the_cache_key_under_the_prefix() -> None:
    assert KEYS == Keys("p:token:abc", "p:lock:abc", "p:flight:abc")


def test_value_holds_only_the_token_fields_and_round_trips() -> None:
    token = Token("access", 1234.5, "refresh", 60.0)
    value = protocol.encode(token)
    assert value == '{"access_token":"access","expiry":1234.5,"refresh_token":"refresh","lifetime":60.0}'
    assert protocol.decode(value.encode()) == token
    assert protocol.decode(value) == token


@pytest.mark.parametrize("value", [None, b"\xff", b"not json", b"[]", b'{"access_token": 3}', b'{"expiry": 1}'])
def test_malformed_values_read_as_missing(value: object) -> None:
    assert protocol.decode(value) is None


def test_ttl_ends_at_the_expiry() -> None:
    assert protocol.ttl_ms(Token("a", None)) == 0  # no TTL: kept until replaced
    assert protocol.ttl_ms(Token("a", 1000.0), now=990.0) == 10_000
    assert protocol.ttl_ms(Token("a", 1000.0005), now=1000.0) == 1  # rounded up, never 0
    assert protocol.ttl_ms(Token("a", 1000.0), now=1000.0) == -1  # expired: not stored


def test_store_sets_the_ttl_releases_own_lock_and_announces(server: FakeRedis) -> None:
    subscriber = server.pubsub()
    subscriber.subscribe(KEYS.channel)
    assert protocol.run_sync(server, protocol.try_lock(KEYS, "me", 30)) is True
    token = Token("access", time.time() + 100)
    protocol.run_sync(server, protocol.store_and_release(KEYS, token, "me"))
    assert protocol.decode(server.value(KEYS.token)) == token
    assert 99 < (server.ttl(KEYS.token) or 0) <= 100
    assert server.value(KEYS.lock) is None
    assert subscriber.get_message(0) == {"type": "message", "data": "stored"}


def test_expired_token_is_not_stored(server: FakeRedis) -> None:
    protocol.run_sync(server, protocol.store_and_release(KEYS, Token("old", time.time() - 1), ""))
    assert server.value(KEYS.token) is None


def test_lock_is_exclusive_and_expires(server: FakeRedis) -> None:
    assert protocol.run_sync(server, protocol.try_lock(KEYS, "first", 0.05)) is True
    assert protocol.run_sync(server, protocol.try_lock(KEYS, "second", 30)) is False
    time.sleep(0.06)
    assert protocol.run_sync(server, protocol.try_lock(KEYS, "second", 30)) is True


def test_only_the_owner_releases_the_lock(server: FakeRedis) -> None:
    protocol.run_sync(server, protocol.try_lock(KEYS, "owner", 30))
    protocol.run_sync(server, protocol.release(KEYS, "someone-else"))
    protocol.run_sync(server, protocol.store_and_release(KEYS, Token("t", None), "someone-else"))
    assert server.value(KEYS.lock) == b"owner"
    protocol.run_sync(server, protocol.release(KEYS, "owner"))
    assert server.value(KEYS.lock) is None


def test_only_the_owner_renews_the_lock(server: FakeRedis) -> None:
    protocol.run_sync(server, protocol.try_lock(KEYS, "owner", 0.5))
    assert protocol.run_sync(server, protocol.renew(KEYS, "someone-else", 30)) is False
    assert (server.ttl(KEYS.lock) or 0) <= 0.5
    assert protocol.run_sync(server, protocol.renew(KEYS, "owner", 30)) is True
    assert 29 < (server.ttl(KEYS.lock) or 0) <= 30 and server.value(KEYS.lock) == b"owner"
    server.data.pop(KEYS.lock)  # expired, and nobody took it: taken again
    assert protocol.run_sync(server, protocol.renew(KEYS, "owner", 30)) is True
    assert 29 < (server.ttl(KEYS.lock) or 0) <= 30 and server.value(KEYS.lock) == b"owner"


def test_discard_deletes_only_the_rejected_token(server: FakeRedis) -> None:
    rejected, newer = Token("rejected", None), Token("newer", None)
    protocol.run_sync(server, protocol.store_and_release(KEYS, newer, ""))
    protocol.run_sync(server, protocol.discard(KEYS, rejected))
    assert protocol.decode(server.value(KEYS.token)) == newer
    protocol.run_sync(server, protocol.discard(KEYS, newer))
    assert server.value(KEYS.token) is None


def test_clear_deletes_the_tokens_under_the_prefix_only(server: FakeRedis) -> None:
    for key in (KEYS, Keys.of("p:", "def"), Keys.of("other:", "abc")):
        protocol.run_sync(server, protocol.store_and_release(key, Token("t", None), ""))
    protocol.run_sync(server, protocol.clear("p:"))
    assert server.names() == ["other:token:abc"]


def test_wait_returns_when_the_owner_stores(server: FakeRedis) -> None:
    protocol.run_sync(server, protocol.try_lock(KEYS, "owner", 30))
    token = Token("shared", None)
    threading.Timer(0.1, lambda: protocol.run_sync(server, protocol.store_and_release(KEYS, token, "owner"))).start()
    started = time.monotonic()
    assert protocol.run_sync(server, protocol.wait(KEYS, timeout=10, poll=5)) == (token, False)
    assert time.monotonic() - started < 2  # woken by the announcement, not by the poll
    assert server.channels[KEYS.channel] == []  # unsubscribed


def test_wait_sees_an_expired_lock_by_polling_without_hammering(server: FakeRedis) -> None:
    protocol.run_sync(server, protocol.try_lock(KEYS, "dead", 0.3))
    assert protocol.run_sync(server, protocol.wait(KEYS, timeout=10, poll=0.1)) == (None, False)
    assert server.commands.count("MGET") <= 6  # one look per poll, not a busy loop


def test_wait_past_a_token_already_seen_does_not_hammer(server: FakeRedis) -> None:
    # A token about to expire, which the lock holder is renewing: waiting for a new one.
    protocol.run_sync(server, protocol.try_lock(KEYS, "refresher", 30))
    old = Token("old", None)
    protocol.run_sync(server, protocol.store_and_release(KEYS, old, ""))
    started = time.monotonic()
    assert protocol.run_sync(server, protocol.wait(KEYS, timeout=0.3, poll=0.1, seen=old)) == (old, True)
    assert time.monotonic() - started >= 0.3  # it waited out its timeout: the old token did not end it
    assert server.commands.count("MGET") <= 5
    new = Token("new", None)
    threading.Timer(0.1, lambda: protocol.run_sync(server, protocol.store_and_release(KEYS, new, "refresher"))).start()
    assert protocol.run_sync(server, protocol.wait(KEYS, timeout=10, poll=5, seen=old)) == (new, False)


def test_wait_gives_up_at_its_timeout(server: FakeRedis) -> None:
    protocol.run_sync(server, protocol.try_lock(KEYS, "slow", 30))
    started = time.monotonic()
    assert protocol.run_sync(server, protocol.wait(KEYS, timeout=0.2, poll=0.05)) == (None, True)
    assert 0.2 <= time.monotonic() - started < 2


def test_failures_become_down(server: FakeRedis) -> None:
    server.down = True
    result = protocol.run_sync(server, protocol.read(KEYS))
    assert isinstance(result, Down) and result.reason == "ConnectionError"
    assert isinstance(asyncio.run(protocol.run_async(FakeAsyncRedis(server), protocol.read(KEYS))), Down)


def test_async_runner_runs_the_same_programs(server: FakeRedis) -> None:
    client = FakeAsyncRedis(server)
    token = Token("t", None)

    async def scenario() -> object:
        assert await protocol.run_async(client, protocol.try_lock(KEYS, "me", 30)) is True
        await protocol.run_async(client, protocol.store_and_release(KEYS, token, "me"))
        return await protocol.run_async(client, protocol.wait(KEYS, timeout=1, poll=0.1))

    assert asyncio.run(scenario()) == (token, False)
    assert client.calls >= 3


# -- construction ---------------------------------------------------------------------


def test_repr_hides_the_password() -> None:
    cache = RedisTokenCache("redis://user:s3cret@cache.internal:6380/2", prefix="app:")
    assert repr(cache) == "RedisTokenCache(url='redis://user:***@cache.internal:6380/2', prefix='app:')"
    assert "s3cret" not in repr(RedisTokenCache("redis://:s3cret@h/0"))


def test_repr_hides_a_password_in_the_query() -> None:
    # redis-py reads a password from the query string too.
    cache = RedisTokenCache("redis://cache.internal:6379/0?username=app&password=s3cret&health_check_interval=5")
    assert "s3cret" not in repr(cache)
    assert "username=app&password=***&health_check_interval=5" in repr(cache)
    assert "s3cret" not in repr(RedisTokenCache("redis://:one@h/0?password=s3cret"))


def test_defaults() -> None:
    cache = RedisTokenCache()
    assert (cache.url, cache.prefix, cache.lock_timeout) == ("redis://localhost:6379/0", "httpx_auth:", 30.0)
    kwargs = cache._client.connection_pool.connection_kwargs
    assert (kwargs["socket_connect_timeout"], kwargs["socket_timeout"]) == (2.0, 5.0)
    assert RedisTokenCache(socket_timeout=1.5)._client.connection_pool.connection_kwargs["socket_timeout"] == 1.5


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"url": "http://h/0"}, "url must be a Redis URL"),
        ({"url": "redis://:s3cret@h:port/0"}, r"not 'redis://:\*\*\*@h:port/0'"),
        ({"url": ""}, "url"),
        ({"prefix": 3}, "prefix"),
        ({"lock_timeout": 0}, "lock_timeout must be a positive"),
        ({"lock_timeout": "5"}, "lock_timeout must be a number"),
        ({"no_such_option": 1}, "Unknown Redis client option"),
    ],
)
def test_bad_parameters(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidParameter, match=message):
        RedisTokenCache(**kwargs)  # type: ignore[arg-type]


def test_missing_redis_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)
    with pytest.raises(ImportError, match=r"pip install 'httpx_auth\[redis\]'"):
        RedisTokenCache()


def test_one_asyncio_client_per_live_event_loop() -> None:
    cache = RedisTokenCache()
    first, second, third = asyncio.new_event_loop(), asyncio.new_event_loop(), asyncio.new_event_loop()

    def client_on(loop: asyncio.AbstractEventLoop) -> Any:
        async def make() -> Any:  # inside its loop, as in use (Python 3.9's asyncio.Lock binds one)
            return cache._async_client(loop)

        return loop.run_until_complete(make())

    try:
        client = client_on(first)
        assert client_on(first) is client
        assert client_on(second) is not client
        first.close()
        client_on(third)
        assert first not in cache._async_clients and second in cache._async_clients
    finally:
        for loop in list(cache._async_clients) + [first, second, third]:
            loop.close()
