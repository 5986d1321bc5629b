"""A token cache shared by processes and machines through Redis, with single flight.

``RedisTokenCache`` keeps tokens in memory, in front of Redis: a request whose token is
in memory pays no round trip. When a token is missing here, the in-process single flight
elects one leader (see ``single_flight``), and the leader runs ``shared_flight``: it looks in
Redis, and when the token is missing there too, takes the fetch lock of its key, so that
one process in the whole fleet fetches it while the others wait on the lock's channel and
then use the token it stored. The Redis layout and the scripts are in ``redis_protocol``.

Redis I/O happens only inside that flight, as ``Offload`` steps: the sync driver runs them
in place with ``redis.Redis``; the async driver awaits them with ``redis.asyncio.Redis``
on the running loop (under trio, which redis.asyncio does not support, the sync client
runs in a worker thread). ``lookup``, called on the event loop, never touches Redis.

When Redis fails, the flight fetches the token in this process as if there were no
Redis (the in-process single flight still holds), logs one warning for the outage and
one line when Redis answers again, and retries Redis at most once a second meanwhile.
"""

from __future__ import annotations

import logging
import math
import re
import secrets
import sys
import threading
import time
from collections.abc import Callable, Generator
from functools import partial
from typing import Any, TypeVar
from urllib.parse import urlsplit

from httpx_auth import _validation as check
from httpx_auth._base import Offload
from httpx_auth._errors import InvalidParameter
from httpx_auth._oauth2.caches import redis_protocol as protocol
from httpx_auth._oauth2.caches.memory import TokenMemoryCache
from httpx_auth._oauth2.caches.redis_lease import renewing
from httpx_auth._oauth2.caches.redis_protocol import Down, Keys, Program
from httpx_auth._oauth2.token import Token

log = logging.getLogger("httpx_auth")

T = TypeVar("T")
Obtain = Callable[[], Generator[Any, Any, Token]]

# Seconds between two looks at Redis while another process fetches (announcements on
# the lock's channel wake a waiter at once; this catches a lock that expired).
POLL = 0.5
# Seconds during which Redis is not tried again after it failed.
RETRY_AFTER = 1.0
# Client options RedisTokenCache sets unless given: a Redis that does not answer
# delays a token fetch by a few seconds, not forever.
DEFAULT_CLIENT_OPTIONS = {"socket_connect_timeout": 2.0, "socket_timeout": 5.0}


def _import_redis() -> Any:
    try:
        import redis
    except ImportError:
        raise ImportError(
            "RedisTokenCache needs the redis package (redis-py): pip install 'httpx_auth[redis]'"
        ) from None
    return redis


# A ``password`` in the query string, which redis-py reads as well as the one in the netloc.
_QUERY_PASSWORD = re.compile(r"(^|&)(password=)[^&]*", re.IGNORECASE)


def _shown(url: str) -> str:
    """``url`` without its password, for reprs and logs."""
    try:
        parts = urlsplit(url)
        parts = parts._replace(query=_QUERY_PASSWORD.sub(r"\1\2***", parts.query))
        if parts.password is not None:
            user = parts.username or ""
            parts = parts._replace(netloc=f"{user}:***@{parts.netloc.rpartition('@')[2]}")
        return parts.geturl()
    except ValueError:
        return "<unparsable url>"


def _running_asyncio_loop() -> Any:
    asyncio = sys.modules.get("asyncio")
    return None if asyncio is None else asyncio._get_running_loop()


def _on_event_loop() -> bool:
    """Whether the caller runs on an event loop (asyncio or trio), where nothing may block."""
    if _running_asyncio_loop() is not None:
        return True
    trio = sys.modules.get("trio")
    if trio is None:
        return False
    try:
        trio.lowlevel.current_task()
    except RuntimeError:
        return False
    return True


class _Outage:
    """Remembers that Redis failed: one warning per outage, one line when it is back."""

    def __init__(self, where: str) -> None:
        self._where = where
        self._lock = threading.Lock()
        self._down = False
        self._retry_at = 0.0

    def skipping(self) -> bool:
        """Whether Redis failed less than ``RETRY_AFTER`` seconds ago (do not try it now)."""
        return self._down and time.monotonic() < self._retry_at

    def note(self, result: object) -> None:
        """Take note of the result of one exchange with Redis."""
        failed = isinstance(result, Down)
        with self._lock:
            changed, self._down = self._down != failed, failed
            if failed:
                self._retry_at = time.monotonic() + RETRY_AFTER
        if changed and isinstance(result, Down):
            log.warning(
                "The Redis token cache at %s is unavailable (%s): each process fetches its own tokens until it is back.",
                self._where,
                result.reason,
            )
        elif changed:
            log.warning("The Redis token cache at %s is available again.", self._where)


class RedisTokenCache(TokenMemoryCache):
    """Tokens shared through Redis by every process that uses the same ``url`` and ``prefix``.

    Parameters:
        url: the Redis server (``redis://``, ``rediss://`` or ``unix://``, as redis-py's
            ``Redis.from_url`` reads it; a password in it is never shown).
        prefix: put before every Redis key this cache uses.
        lock_timeout: seconds the lock of a key lasts while a process fetches its token,
            renewed along a longer fetch (see ``redis_lease``); a process that dies
            holding it delays the others at most this long.
        client_options: passed to ``redis.Redis.from_url`` and ``redis.asyncio.Redis.from_url``
            (``socket_connect_timeout`` and ``socket_timeout`` default to 2 and 5 s).
    """

    def __init__(
        self,
        url: str = "redis://localhost:6379/0",
        prefix: str = "httpx_auth:",
        *,
        lock_timeout: float = 30.0,
        **client_options: Any,
    ) -> None:
        super().__init__()
        redis = _import_redis()
        self.url = check.text("url", url)
        self.prefix = check.text("prefix", prefix, allow_empty=True)
        if isinstance(lock_timeout, bool) or not isinstance(lock_timeout, (int, float)):
            raise InvalidParameter(f"lock_timeout must be a number of seconds, not {type(lock_timeout).__name__}.")
        if not math.isfinite(lock_timeout) or lock_timeout <= 0:
            raise InvalidParameter("lock_timeout must be a positive number of seconds.")
        self.lock_timeout = float(lock_timeout)
        self._options = {**DEFAULT_CLIENT_OPTIONS, **client_options}
        try:
            self._client = redis.Redis.from_url(self.url, **self._options)
            pool = self._client.connection_pool
            pool.connection_class(**pool.connection_kwargs)  # refuses unknown options, connects not
        except ValueError:
            raise InvalidParameter(
                f"url must be a Redis URL (redis://host:port/db, rediss://... or unix://...), not {_shown(self.url)!r}."
            ) from None
        except TypeError as error:
            raise InvalidParameter(f"Unknown Redis client option ({error}).") from None
        self._async_clients: dict[Any, Any] = {}  # event loop -> its redis.asyncio client
        self._rejected: dict[str, str] = {}  # key -> access token discarded here
        self._leading: set[str] = set()  # keys whose shared flight runs in this process
        self._outage = _Outage(_shown(self.url))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(url={_shown(self.url)!r}, prefix={self.prefix!r})"

    # -- the cache protocol -----------------------------------------------------------
    # lookup and stored are the memory layer's: the hot path never waits for Redis.

    def store(self, key: str, token: Token) -> None:
        super().store(key, token)
        if protocol.ttl_ms(token) < 0:  # stored expired: a rejected token kept for its refresh token
            self._rejected[key] = token.access_token  # Redis still holds it as valid: never take it back
            return
        self._rejected.pop(key, None)
        if key not in self._leading:  # a flight stores in Redis when it releases its lock
            self._write(partial(protocol.store_and_release, self._keys(key), token, ""))

    def discard(self, key: str) -> None:
        previous = self._tokens.get(key)
        super().discard(key)
        if previous is not None:
            self._rejected[key] = previous.access_token
        self._write(partial(protocol.discard, self._keys(key), previous))

    def clear(self) -> None:
        """Forget every token, here and in Redis (under this cache's prefix)."""
        super().clear()
        self._rejected.clear()
        self._write(partial(protocol.clear, self.prefix))

    def shared_flight(self, key: str, cached: Callable[[], Token | None], obtain: Obtain) -> Generator[Any, Any, Token]:
        """Run by the in-process flight leader instead of ``obtain()`` (see ``single_flight``).

        Returns the valid token found in Redis, or waits while another process holds the
        lock of ``key``, or takes the lock, runs ``obtain()`` (renewing the lock) and
        stores its token in Redis. ``cached()`` tells whether a token is valid long
        enough to be used."""
        keys = self._keys(key)
        owner = secrets.token_hex(16)
        self._leading.add(key)
        try:
            state = yield self._step(partial(protocol.read, keys))
            while not isinstance(state, Down):
                token = self._adopt(key, state[0], cached)
                if token is not None:
                    return token
                if not state[1]:
                    taken_at = time.monotonic()  # before the lock is: its lease ends later
                    won = yield self._step(partial(protocol.try_lock, keys, owner, self.lock_timeout))
                    if isinstance(won, Down):
                        break
                    if won:
                        return (yield from self._lead(keys, key, owner, taken_at, cached, obtain))
                # Held by a live process (it renews the lock) or a dead one (the lock expires).
                state = yield self._step(partial(protocol.wait, keys, self.lock_timeout, POLL, state[0]))
            token = yield from obtain()
            yield self._step(partial(protocol.store_and_release, keys, token, owner))
            return token
        finally:
            self._leading.discard(key)

    # -- the flight's parts ---------------------------------------------------------------

    def _lead(
        self, keys: Keys, key: str, owner: str, taken_at: float, cached: Callable[[], Token | None], obtain: Obtain
    ) -> Generator[Any, Any, Token]:
        try:
            # Another process may have stored a token between our look and our lock.
            state = yield self._step(partial(protocol.read, keys))
            token = None if isinstance(state, Down) else self._adopt(key, state[0], cached)
            if token is not None:
                yield self._step(partial(protocol.release, keys, owner))
                return token
            renew = partial(self._step, partial(protocol.renew, keys, owner, self.lock_timeout))
            try:
                token = yield from renewing(obtain(), renew, self.lock_timeout, taken_at)
            except Exception:
                yield self._step(partial(protocol.release, keys, owner))
                raise
            yield self._step(partial(protocol.store_and_release, keys, token, owner))
            return token
        except BaseException as error:
            if not isinstance(error, Exception):  # the flow was closed or interrupted: it may yield no more
                self._in_background(partial(protocol.release, keys, owner))
            raise

    def _adopt(self, key: str, token: Token | None, cached: Callable[[], Token | None]) -> Token | None:
        """Keep the token read from Redis here, and return it if it is valid long enough."""
        if token is None or token.access_token == self._rejected.get(key):
            return None
        # Kept even when it expires soon: its refresh token serves the fetch that follows.
        super().store(key, token)
        return cached()

    def _keys(self, key: str) -> Keys:
        return Keys.of(self.prefix, key)

    # -- running programs -------------------------------------------------------------

    def _step(self, make: Callable[[], Program[T]]) -> Offload:
        """A flow step running the program ``make()``: sync in place, or awaited."""
        return Offload(partial(self._run, make), partial(self._run_async, make))

    def _run(self, make: Callable[[], Program[T]]) -> T | Down:
        if self._outage.skipping():
            return Down(None)
        result = protocol.run_sync(self._client, make())
        self._outage.note(result)
        return result

    async def _run_async(self, make: Callable[[], Program[T]]) -> T | Down:
        loop = _running_asyncio_loop()
        if loop is None:  # trio: redis.asyncio needs asyncio, so the sync client in a thread
            import anyio.to_thread  # imported on first use only

            return await anyio.to_thread.run_sync(partial(self._run, make), abandon_on_cancel=True)
        if self._outage.skipping():
            return Down(None)
        result = await protocol.run_async(self._async_client(loop), make())
        self._outage.note(result)
        return result

    def _async_client(self, loop: Any) -> Any:
        """The asyncio client of ``loop`` (its connections belong to that loop)."""
        client = self._async_clients.get(loop)
        if client is None:
            from redis.asyncio import Redis

            # A client refers to its loop: a weak mapping would keep both alive for good.
            # Those of closed loops are dropped instead (their connections died with them).
            for closed in [other for other in self._async_clients if other.is_closed()]:
                del self._async_clients[closed]
            client = self._async_clients[loop] = Redis.from_url(self.url, **self._options)
        return client

    def _write(self, make: Callable[[], Program[None]]) -> None:
        """Run ``make()`` now, or in a background thread when called on an event loop."""
        if _on_event_loop():
            self._in_background(make)
        else:
            self._run(make)

    def _in_background(self, make: Callable[[], Program[None]]) -> None:
        threading.Thread(target=self._run, args=(make,), name="httpx_auth-redis", daemon=True).start()
