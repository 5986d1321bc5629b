"""What ``RedisTokenCache`` says to Redis, written once for the sync and asyncio clients.

Each exchange with Redis is a *program*: a generator that yields ``Call``s (a method of
the client, or of a pub/sub connection, with its arguments) and receives their results.
``run_sync`` executes a program with a ``redis.Redis`` client, ``run_async`` with a
``redis.asyncio.Redis`` client; both turn a Redis failure into ``Down`` instead of an
exception. redis-py's two clients have the same method names, so one program serves both.

Layout, for a cache ``prefix`` and a cache key ``key`` (a digest, never a secret):

- ``{prefix}token:{key}``: the token as compact JSON (access token, expiry, refresh
  token), with a Redis TTL that ends at the token's expiry (none when it never expires);
- ``{prefix}lock:{key}``: the fetch lock, a random owner string with an expiry (``SET NX
  PX``), extended (or taken again once expired and free) and deleted only by its owner
  (compare-and-PEXPIRE, compare-and-delete scripts);
- ``{prefix}flight:{key}``: the pub/sub channel on which a lock owner announces that it
  stored a token or gave up, so that waiters look again at once.
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
import time
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from httpx_auth._oauth2.caches.file import _dump, _load
from httpx_auth._oauth2.token import Token

T = TypeVar("T")

# Store a token (ARGV[2]: TTL in ms, 0 for none, negative to skip), release the lock if
# ARGV[3] owns it, and tell the waiters. One round trip, atomic.
STORE_AND_RELEASE = """
local ttl = tonumber(ARGV[2])
if ttl > 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
elseif ttl == 0 then
  redis.call('SET', KEYS[1], ARGV[1])
end
if redis.call('GET', KEYS[2]) == ARGV[3] then
  redis.call('DEL', KEYS[2])
end
redis.call('PUBLISH', ARGV[4], 'stored')
return 1
"""

# Release the lock KEYS[1] only if ARGV[1] owns it; tell the waiters.
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[2], 'released')
  return 1
end
return 0
"""

# Extend the lock KEYS[1] to ARGV[2] ms from now if ARGV[1] owns it, or take it again if
# it expired and nobody took it (1: ARGV[1] holds it now; 0: another process does).
RENEW = """
local owner = redis.call('GET', KEYS[1])
if owner == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
if not owner then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
"""

# Delete the token KEYS[1] only if it still holds ARGV[1] (a token rejected here must not
# take a newer token stored by another process with it).
DISCARD = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


@functools.lru_cache(maxsize=None)
def failures() -> tuple[type[BaseException], ...]:
    """Errors that mean "the cache is unavailable" (connection, timeout, server error).

    Imported when first needed: importing httpx_auth loads neither redis nor asyncio."""
    from redis.exceptions import RedisError

    return (RedisError, OSError)

Program = Generator["Call", Any, T]


@dataclass(frozen=True)
class Call:
    """A method call on the client (or, when ``pubsub``, on its pub/sub connection)."""

    name: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    pubsub: bool = False


class Down:
    """What a program returns when Redis failed; ``error`` names the failure (no secret)."""

    def __init__(self, error: BaseException | None) -> None:
        self.error = error

    @property
    def reason(self) -> str:
        return "still unavailable" if self.error is None else type(self.error).__name__


@dataclass(frozen=True)
class Keys:
    """The Redis names used for one cache key."""

    token: str
    lock: str
    channel: str

    @classmethod
    def of(cls, prefix: str, key: str) -> Keys:
        return cls(f"{prefix}token:{key}", f"{prefix}lock:{key}", f"{prefix}flight:{key}")


# -- the value format ------------------------------------------------------------------


def encode(token: Token) -> str:
    """The stored value of ``token``: deterministic compact JSON."""
    return json.dumps(_dump(token), separators=(",", ":"))


def decode(value: Any) -> Token | None:
    """The token stored as ``value`` (bytes or str), or ``None`` when absent or malformed."""
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            return None
    if not isinstance(value, str):
        return None
    try:
        return _load(json.loads(value))
    except ValueError:
        return None


def ttl_ms(token: Token, now: float | None = None) -> int:
    """The Redis TTL of ``token`` in ms: 0 for none, -1 when it expired already."""
    if token.expiry is None:
        return 0
    remaining = token.expiry - (time.time() if now is None else now)
    return math.ceil(remaining * 1000) if remaining > 0 else -1


# -- the programs ----------------------------------------------------------------------


def read(keys: Keys) -> Program[tuple[Token | None, bool]]:
    """The stored token (if any) and whether the fetch lock is held."""
    value, owner = yield Call("mget", (keys.token, keys.lock))
    return decode(value), owner is not None


def _ms(seconds: float) -> int:
    return max(1, math.ceil(seconds * 1000))


def try_lock(keys: Keys, owner: str, lease: float) -> Program[bool]:
    """Take the fetch lock for ``lease`` seconds; whether we got it."""
    return bool((yield Call("set", (keys.lock, owner), {"nx": True, "px": _ms(lease)})))


def renew(keys: Keys, owner: str, lease: float) -> Program[bool]:
    """Make the lock expire ``lease`` seconds from now if ``owner`` still holds it, or
    take it again if it expired and is free; whether ``owner`` holds it now."""
    return bool((yield Call("eval", (RENEW, 1, keys.lock, owner, _ms(lease)))))


def store_and_release(keys: Keys, token: Token, owner: str) -> Program[None]:
    """Store ``token`` with its TTL, release the lock if ``owner`` holds it, wake waiters."""
    yield Call("eval", (STORE_AND_RELEASE, 2, keys.token, keys.lock, encode(token), ttl_ms(token), owner, keys.channel))


def release(keys: Keys, owner: str) -> Program[None]:
    """Release the lock if ``owner`` still holds it (it may have expired and moved on)."""
    yield Call("eval", (RELEASE, 1, keys.lock, owner, keys.channel))


def discard(keys: Keys, token: Token | None) -> Program[None]:
    """Delete the stored token: only if it is ``token``, or whatever it is when ``None``."""
    if token is None:
        yield Call("delete", (keys.token,))
    else:
        yield Call("eval", (DISCARD, 1, keys.token, encode(token)))


def clear(prefix: str) -> Program[None]:
    """Delete every token stored under ``prefix``."""
    pattern = "".join("\\" + c if c in "*?[]\\" else c for c in prefix) + "token:*"
    cursor: Any = 0
    while True:
        cursor, names = yield Call("scan", (cursor,), {"match": pattern, "count": 500})
        if names:
            yield Call("delete", tuple(names))
        if not int(cursor):
            return


def wait(keys: Keys, timeout: float, poll: float, seen: Token | None = None) -> Program[tuple[Token | None, bool]]:
    """Wait until a token other than ``seen`` is stored, the lock is free, or ``timeout``
    seconds passed; the state then (as ``read``). Woken by the owner's announcement on the
    channel, looking again every ``poll`` seconds (a lock that expired announces nothing)."""
    deadline = time.monotonic() + timeout
    yield Call("subscribe", (keys.channel,), pubsub=True)
    while True:
        # Subscribed first, then looked: an announcement cannot fall in between.
        token, held = yield from read(keys)
        remaining = deadline - time.monotonic()
        if (token is not None and token != seen) or not held or remaining <= 0:
            return token, held
        yield Call("get_message", (), {"timeout": min(poll, remaining)}, pubsub=True)


# -- the runners -----------------------------------------------------------------------


class _Targets:
    """The client, and the pub/sub connection a program opens by its first pub/sub call."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.pubsub: Any = None

    def method(self, call: Call) -> Any:
        if not call.pubsub:
            return getattr(self.client, call.name)
        if self.pubsub is None:
            self.pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        return getattr(self.pubsub, call.name)


def run_sync(client: Any, program: Program[T]) -> T | Down:
    """Execute ``program`` with the sync client ``client``."""
    targets, result = _Targets(client), None
    try:
        while True:
            call = program.send(result)
            result = targets.method(call)(*call.args, **call.kwargs)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]
    except failures() as error:
        return Down(error)
    finally:
        program.close()
        if targets.pubsub is not None:
            with contextlib.suppress(*failures()):
                targets.pubsub.close()


async def run_async(client: Any, program: Program[T]) -> T | Down:
    """Execute ``program`` with the asyncio client ``client``, on the running loop."""
    targets, result = _Targets(client), None
    try:
        while True:
            call = program.send(result)
            result = await targets.method(call)(*call.args, **call.kwargs)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]
    except failures() as error:
        return Down(error)
    finally:
        program.close()
        if targets.pubsub is not None:
            with contextlib.suppress(*failures()):
                await targets.pubsub.aclose()
