"""A fake Redis for the RedisTokenCache unit tests: the commands and scripts the cache
uses, keys that expire, pub/sub, an outage switch and a log of the commands received.

The scripts' semantics are written here in Python (the real Lua runs in the integration
tests, against a real redis-server).
"""

from __future__ import annotations

import asyncio
import fnmatch
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from httpx_auth import OAuth2, RedisTokenCache
from httpx_auth._oauth2.caches import redis_protocol


class FakeRedis:
    """The state of one Redis server, with a sync client's methods."""

    def __init__(self) -> None:
        self.data: dict[str, tuple[bytes, float | None]] = {}  # name -> (value, monotonic expiry)
        self.channels: dict[str, list[FakePubSub]] = {}
        self.commands: list[str] = []
        self.down = False
        self.changed = threading.Condition()

    # -- helpers for tests ------------------------------------------------------------

    def value(self, name: str) -> bytes | None:
        with self.changed:
            return self._get(name)

    def ttl(self, name: str) -> float | None:
        """Seconds left before ``name`` expires (``None``: no TTL)."""
        with self.changed:
            expiry = self.data[name][1]
        return None if expiry is None else expiry - time.monotonic()

    def names(self) -> list[str]:
        with self.changed:
            return sorted(name for name in list(self.data) if self._get(name) is not None)

    # -- commands ---------------------------------------------------------------------

    def _enter(self, command: str) -> None:
        self.commands.append(command)
        if self.down:
            raise RedisConnectionError("Error 111 connecting to fake. Connection refused.")

    def _get(self, name: str) -> bytes | None:
        entry = self.data.get(name)
        if entry is None:
            return None
        if entry[1] is not None and entry[1] <= time.monotonic():
            del self.data[name]
            return None
        return entry[0]

    def _set(self, name: str, value: Any, px: int | None = None) -> None:
        raw = value if isinstance(value, bytes) else str(value).encode()
        self.data[name] = (raw, None if px is None else time.monotonic() + px / 1000)

    def _publish(self, channel: str, message: str) -> None:
        for subscriber in self.channels.get(channel, []):
            subscriber.deliver(message)

    def get(self, name: str) -> bytes | None:
        self._enter("GET")
        with self.changed:
            return self._get(name)

    def mget(self, *names: str) -> list[bytes | None]:
        self._enter("MGET")
        with self.changed:
            return [self._get(name) for name in names]

    def set(self, name: str, value: Any, nx: bool = False, px: int | None = None) -> bool | None:
        self._enter("SET")
        with self.changed:
            if nx and self._get(name) is not None:
                return None
            self._set(name, value, px)
            self.changed.notify_all()
            return True

    def delete(self, *names: str) -> int:
        self._enter("DEL")
        names = tuple(name.decode() if isinstance(name, bytes) else name for name in names)
        with self.changed:
            found = [name for name in names if self._get(name) is not None]
            for name in found:
                del self.data[name]
            return len(found)

    def scan(self, cursor: int, match: str = "*", count: int = 10) -> tuple[int, list[bytes]]:
        self._enter("SCAN")
        with self.changed:
            return 0, [name.encode() for name in list(self.data) if fnmatch.fnmatchcase(name, match) and self._get(name)]

    def publish(self, channel: str, message: str) -> int:
        self._enter("PUBLISH")
        with self.changed:
            self._publish(channel, message)
            return len(self.channels.get(channel, []))

    def eval(self, script: str, numkeys: int, *keys_and_args: Any) -> int:
        self._enter("EVAL")
        keys, args = keys_and_args[:numkeys], [str(a).encode() if not isinstance(a, bytes) else a for a in keys_and_args[numkeys:]]
        with self.changed:
            try:
                return self._script(script, keys, args)
            finally:
                self.changed.notify_all()

    def _script(self, script: str, keys: tuple[Any, ...], args: list[bytes]) -> int:
        if script == redis_protocol.STORE_AND_RELEASE:
            value, ttl, owner, channel = args
            if int(ttl) > 0:
                self._set(keys[0], value, int(ttl))
            elif int(ttl) == 0:
                self._set(keys[0], value)
            if self._get(keys[1]) == owner:
                del self.data[keys[1]]
            self._publish(channel.decode(), "stored")
            return 1
        if script == redis_protocol.RELEASE:
            owner, channel = args
            if self._get(keys[0]) == owner:
                del self.data[keys[0]]
                self._publish(channel.decode(), "released")
                return 1
            return 0
        if script == redis_protocol.RENEW:
            owner, ms = args
            if self._get(keys[0]) in (owner, None):  # extended, or taken again once free
                self._set(keys[0], owner, int(ms))
                return 1
            return 0
        if script == redis_protocol.DISCARD:
            if self._get(keys[0]) == args[0]:
                del self.data[keys[0]]
                return 1
            return 0
        raise AssertionError("the fake does not know this script")

    def pubsub(self, ignore_subscribe_messages: bool = False) -> FakePubSub:
        return FakePubSub(self)


class FakePubSub:
    def __init__(self, server: FakeRedis) -> None:
        self.server = server
        self.messages: list[str] = []
        self.ready = threading.Condition()
        self.subscribed: list[str] = []

    def deliver(self, message: str) -> None:
        with self.ready:
            self.messages.append(message)
            self.ready.notify_all()

    def subscribe(self, channel: str) -> None:
        self.server._enter("SUBSCRIBE")
        with self.server.changed:
            self.server.channels.setdefault(channel, []).append(self)
        self.subscribed.append(channel)

    def get_message(self, timeout: float = 0.0) -> dict[str, Any] | None:
        self.server._enter("GET_MESSAGE")
        with self.ready:
            if not self.messages:
                self.ready.wait(timeout)
            return {"type": "message", "data": self.messages.pop(0)} if self.messages else None

    def close(self) -> None:
        with self.server.changed:
            for channel in self.subscribed:
                self.server.channels[channel].remove(self)
        self.subscribed = []


class FakeAsyncRedis:
    """The asyncio client's methods over the same fake server."""

    def __init__(self, server: FakeRedis) -> None:
        self.server = server
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.server, name)

        async def call(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return method(*args, **kwargs)

        return call

    def pubsub(self, ignore_subscribe_messages: bool = False) -> FakeAsyncPubSub:
        return FakeAsyncPubSub(self.server.pubsub())


class FakeAsyncPubSub:
    def __init__(self, inner: FakePubSub) -> None:
        self.inner = inner

    async def subscribe(self, channel: str) -> None:
        self.inner.subscribe(channel)

    async def get_message(self, timeout: float = 0.0) -> dict[str, Any] | None:
        deadline = time.monotonic() + timeout
        while True:  # without blocking the loop
            message = self.inner.get_message(0)
            if message is not None or time.monotonic() >= deadline:
                return message
            await asyncio.sleep(0.005)

    async def aclose(self) -> None:
        self.inner.close()


def fake_cache(server: FakeRedis, **options: Any) -> RedisTokenCache:
    """A RedisTokenCache (one "process") talking to ``server``."""
    cache = RedisTokenCache("redis://fake:6379/0", prefix="test:", **options)
    cache._client = server
    async_client = FakeAsyncRedis(server)
    cache._async_client = lambda loop: async_client  # type: ignore[method-assign]
    cache.fake_async = async_client  # type: ignore[attr-defined]
    return cache


@pytest.fixture
def server() -> FakeRedis:
    return FakeRedis()


@pytest.fixture
def redis_cache(server: FakeRedis) -> Iterator[RedisTokenCache]:
    """OAuth2.token_cache is a RedisTokenCache on ``server`` during the test."""
    previous = OAuth2.token_cache
    OAuth2.token_cache = fake_cache(server)
    yield OAuth2.token_cache
    OAuth2.token_cache = previous
