"""Single flight: one token request per missing token, however many callers need it.

Callers that find no valid token ``join`` the flight of their (cache, key). The first
becomes its leader and obtains the token; the others wait on the flight's event until
the leader resolves it. The registry lock is held only for dictionary operations, never
while a token is obtained, so nothing stays locked when a flow is suspended at a
``yield`` or closed from another task.

A leader always resolves its flight: with the token, with the error that stopped it
(waiters raise it too), or as *abandoned* when it was cancelled or its flow closed
(waiters then race again and one of them takes over). A flow the client closes because
the token request failed (httpx closes the flow of a request whose send raised: a
timeout, a refused connection) fails the flight with that error: waiters do not each
wait out the same hung endpoint again.

Waiters yield ``_signal.Wait`` steps: a sync flow blocks its thread; an async flow
awaits, holding no worker thread however many tasks wait.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable, Generator, Hashable
from functools import partial
from typing import Any

from httpx_auth._oauth2.token import Token
from httpx_auth._signal import Signal, Wait

log = logging.getLogger("httpx_auth")


class Flight:
    """One token acquisition in progress, that waiters block on."""

    __slots__ = ("_done", "token", "error", "scope")

    def __init__(self, scope: tuple[int, Hashable]) -> None:
        self._done = Signal()
        self.scope = scope
        self.token: Token | None = None
        self.error: BaseException | None = None

    @property
    def resolved(self) -> bool:
        return self._done.is_set()

    @property
    def abandoned(self) -> bool:
        return self._done.is_set() and self.token is None and self.error is None

    def wait(self, timeout: float | None) -> Wait:
        """The flow step that waits until the flight is resolved or ``timeout`` elapsed
        (``True`` comes back if resolved)."""
        return Wait(self._done, timeout)

    def outcome(self) -> Token | None:
        """The token, or raise the leader's error, or ``None`` when abandoned."""
        if self.error is not None:
            raise self.error
        return self.token


_lock = threading.Lock()
_flights: dict[tuple[int, Hashable], Flight] = {}


def join(cache: object, key: Hashable) -> tuple[Flight, bool]:
    """The flight for ``key`` in ``cache``, and whether the caller leads it."""
    scope = (id(cache), key)
    with _lock:
        flight = _flights.get(scope)
        if flight is not None:
            return flight, False
        flight = _flights[scope] = Flight(scope)
        return flight, True


def take_over(flight: Flight) -> tuple[Flight, bool]:
    """Replace a flight whose leader gave no sign of life for too long.

    Returns the flight to follow now and whether the caller leads it (another waiter
    may have taken over first)."""
    with _lock:
        current = _flights.get(flight.scope)
        if current is not None and current is not flight:
            return current, False
        replacement = _flights[flight.scope] = Flight(flight.scope)
        return replacement, True


def _finish(flight: Flight, token: Token | None, error: BaseException | None) -> None:
    flight.token, flight.error = token, error
    with _lock:
        if _flights.get(flight.scope) is flight:
            del _flights[flight.scope]
    flight._done.set()


def succeed(flight: Flight, token: Token) -> None:
    """Resolve ``flight`` with ``token`` (store it in the cache first)."""
    _finish(flight, token, None)


def fail(flight: Flight, error: BaseException) -> None:
    """Resolve ``flight`` with the error that stopped its leader; waiters raise it."""
    _finish(flight, None, error)


def abandon(flight: Flight) -> None:
    """Resolve ``flight`` without a result: a waiter takes over."""
    _finish(flight, None, None)


def in_flight() -> int:
    """How many acquisitions are in progress (for tests and diagnostics)."""
    with _lock:
        return len(_flights)


def acquire(
    cache: object,
    key: Hashable,
    cached: Callable[[], Token | None],
    obtain: Callable[[], Generator[Any, Any, Token]],
    patience: float,
) -> Generator[Any, Any, Token]:
    """A valid token for ``key``: ``cached()`` when it has one, else the result of the
    flight for ``key`` in ``cache``.

    The leader runs ``obtain()`` (a generator, which must store the token in the cache
    before returning it) and yields what it yields; waiters yield ``Wait`` steps on the
    flight. A waiter that waited ``patience`` seconds takes over.

    A cache shared by several processes takes part through its optional method
    ``shared_flight(key, cached, obtain)``: the leader runs it in place of ``obtain()``.
    It is a generator like ``obtain`` that returns the token another process stored, or
    runs ``obtain()`` while holding a lock that the other processes wait on, then shares
    the result (see ``RedisTokenCache``).
    """
    shared_flight = getattr(cache, "shared_flight", None)
    if shared_flight is not None:
        obtain = partial(shared_flight, key, cached, obtain)
    while True:
        token = cached()
        if token is not None:
            return token
        flight, leader = join(cache, key)
        deadline = time.monotonic() + patience
        while not leader:
            if (yield flight.wait(max(deadline - time.monotonic(), 0.0))):
                break
            if time.monotonic() >= deadline:
                log.warning("A token acquisition is taking too long; another request takes over.")
                flight, leader = take_over(flight)
                deadline = time.monotonic() + patience
        if leader:
            return (yield from _lead(flight, cached, obtain))
        token = flight.outcome()
        if token is not None:
            return token
        # Abandoned by its leader: race again, one of the waiters leads.


def _lead(
    flight: Flight,
    cached: Callable[[], Token | None],
    obtain: Callable[[], Generator[Any, Any, Token]],
) -> Generator[Any, Any, Token]:
    try:
        # A token may have been stored between our miss and our join.
        token = cached()
        if token is None:
            token = yield from obtain()
    except Exception as error:
        fail(flight, error)
        raise
    except GeneratorExit:
        pass  # closed: what for is only known outside this handler (see below)
    except BaseException:  # cancellation, interrupts
        abandon(flight)
        raise
    else:
        succeed(flight, token)
        return token
    cause = _cause_of_close()
    if cause is None:
        abandon(flight)  # closed for no error (a cancellation, its owner let go): a waiter takes over
    else:
        fail(flight, cause)
    raise GeneratorExit


def _cause_of_close() -> Exception | None:
    """The error being raised by whoever closed the flow, if any: the client closes
    the flow of a request whose send raised (a timeout, a connection error).

    Called outside any handler, ``sys.exc_info()`` gives the exception the closer is
    handling (a generator sees its caller's): CPython and PyPy agree on this, unlike on
    the ``__context__`` of the GeneratorExit that ``close()`` raises, which PyPy leaves
    empty. Every layer driving a flow closes it outside its own ``except GeneratorExit``
    (see ``_base.CLOSED_BY_CLIENT``); one that does not hides the error behind its
    GeneratorExit, whose ``__context__`` is then the last resort (CPython only).
    """
    cause = sys.exc_info()[1]
    while isinstance(cause, GeneratorExit):
        cause = cause.__context__
    return cause if isinstance(cause, Exception) else None


def run_once(
    cache: object,
    key: Hashable,
    cached: Callable[[], Token | None],
    obtain: Callable[[], Token],
    patience: float,
) -> Token:
    """Blocking version of ``acquire`` for a plain function ``obtain``."""

    def obtain_steps() -> Generator[Any, Any, Token]:
        return obtain()
        yield  # pragma: no cover - makes this a generator

    steps = acquire(cache, key, cached, obtain_steps, patience)
    try:
        step = next(steps)
        while True:
            step = steps.send(step.fn())
    except StopIteration as done:
        token: Token = done.value
        return token
    finally:
        steps.close()  # a waiter interrupted in its wait leaves at once
