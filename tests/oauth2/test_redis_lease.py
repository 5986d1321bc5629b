"""Lease renewal of the Redis fetch lock: the wrapper on its own (a fake clock, driven by
hand: renewals when due, values, exceptions and closing passed through, a lost lock),
then a RedisTokenCache on a fake Redis whose fetch outlasts ``lock_timeout``."""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Generator
from typing import Any

import pytest

from httpx_auth._base import Sleep
from httpx_auth._oauth2 import single_flight
from httpx_auth._oauth2.caches import redis as redis_cache
from httpx_auth._oauth2.caches.redis_lease import renewing
from httpx_auth._oauth2.caches.redis_protocol import Down, Keys
from httpx_auth._oauth2.token import Token
from redis_fakes import FakeRedis, fake_cache, server  # noqa: F401

RENEW = "renew-step"
LOST = "The token fetch lock could not be renewed (another process holds it): another process may fetch a token too."


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def wrapped(steps: Generator[Any, Any, Any], clock: Clock, lease: float = 3.0) -> Generator[Any, Any, Any]:
    return renewing(steps, lambda: RENEW, lease, clock.now, clock)


def echo(count: int) -> Generator[Any, Any, list[Any]]:
    """Yields step-0, step-1...; returns what was sent for each."""
    received = []
    for n in range(count):
        received.append((yield f"step-{n}"))
    return received


def test_renews_before_the_first_step_after_a_third_of_the_lease() -> None:
    clock = Clock()
    flow = wrapped(echo(4), clock)
    assert next(flow) == "step-0"
    clock.now += 0.9  # not yet a third of 3 s
    assert flow.send("a") == "step-1"
    clock.now += 0.1
    assert flow.send("b") == RENEW
    assert flow.send(True) == "step-2"  # the value for step-1 went to the flow, not this answer
    clock.now += 0.9  # 0.9 s since the renewal
    assert flow.send("c") == "step-3"
    clock.now += 0.2
    with pytest.raises(StopIteration) as done:
        flow.send("d")  # the flow ends: nothing left to renew for
    assert done.value.value == ["a", "b", "c", "d"]


def test_exceptions_thrown_in_go_to_the_flow() -> None:
    seen: list[BaseException] = []

    def recovering() -> Generator[Any, Any, str]:
        try:
            yield "request"
        except ValueError as error:
            seen.append(error)
        yield "again"
        return "done"

    clock = Clock()
    flow = wrapped(recovering(), clock)
    assert next(flow) == "request"
    error = ValueError("the step failed")
    clock.now += 5
    assert flow.throw(error) == RENEW  # the flow survived it; its next step is due a renewal
    assert seen == [error]
    assert flow.send(True) == "again"
    failure = KeyError("not handled")
    with pytest.raises(KeyError) as raised:
        flow.throw(failure)
    assert raised.value is failure


@pytest.mark.parametrize("at_renewal", [False, True])
def test_closing_closes_the_flow_outside_the_handler(at_renewal: bool) -> None:
    seen: list[Any] = []

    def inner() -> Generator[Any, Any, None]:  # as single_flight's leader reads its closer's error
        try:
            yield "step-0"
            yield "step-1"
        except GeneratorExit:
            pass
        seen.append(sys.exc_info()[1])  # out of the handler: what the closer handles
        raise GeneratorExit

    clock = Clock()
    flow = wrapped(inner(), clock)
    next(flow)
    if at_renewal:
        clock.now += 5
        assert flow.send(None) == RENEW
    cause = TimeoutError("the request could not be sent")
    try:
        raise cause
    except TimeoutError:
        flow.close()  # as httpx closes an auth flow whose send raised
    assert len(seen) == 1 and seen[0] is cause


def at_first_renewal(count: int, caplog: pytest.LogCaptureFixture) -> tuple[Generator[Any, Any, Any], Clock]:
    """A wrapped ``echo(count)`` (lease 3 s) that has just yielded its first renewal."""
    caplog.set_level(logging.WARNING, "httpx_auth")
    clock = Clock()
    flow = wrapped(echo(count), clock)
    next(flow)
    clock.now += 1
    assert flow.send(None) == RENEW
    return flow, clock


def test_a_lock_owned_by_another_is_left_alone_with_one_warning(caplog: pytest.LogCaptureFixture) -> None:
    flow, clock = at_first_renewal(5, caplog)
    assert flow.send(False) == "step-1"  # lost: the fetch goes on
    for n in range(2, 5):
        clock.now += 2
        assert flow.send(None) == f"step-{n}"  # not renewed again
    assert [r.getMessage() for r in caplog.records] == [LOST]


def test_redis_down_is_tried_again_a_third_later_and_warned_once(caplog: pytest.LogCaptureFixture) -> None:
    flow, clock = at_first_renewal(4, caplog)
    assert flow.send(Down(ConnectionError())) == "step-1"
    clock.now += 0.5
    assert flow.send(None) == "step-2"  # not at every step
    clock.now += 0.5
    assert flow.send(None) == RENEW  # Redis may be back
    assert flow.send(Down(None)) == "step-3"
    assert len(caplog.records) == 1 and "Redis is unavailable: ConnectionError" in caplog.records[0].getMessage()


def test_a_renewal_step_that_raises_is_not_the_fetchs_failure(caplog: pytest.LogCaptureFixture) -> None:
    flow, clock = at_first_renewal(4, caplog)
    assert flow.throw(RuntimeError("the event loop is closing")) == "step-1"  # the fetch goes on
    clock.now += 1
    assert flow.send("b") == RENEW  # tried again a third later, as for Redis down
    assert flow.send(True) == "step-2"
    assert len(caplog.records) == 1 and "Redis is unavailable: RuntimeError" in caplog.records[0].getMessage()


# -- RedisTokenCache with a fetch longer than lock_timeout ------------------------------

LOCK_TIMEOUT = 0.6  # renewed every 0.2 s or so: slack for a loaded machine
LOCK = Keys.of("test:", "k").lock


def slow_fetch(cache: Any, fetches: list[str], steps: int = 20) -> Generator[Any, Any, Token]:
    """A fetch of ``steps`` steps of 0.1 s (a device flow's polls, quicker)."""
    fetches.append("fetch")
    for _ in range(steps):
        yield Sleep(0.1)
    token = Token("slow-token", time.time() + 3600)
    cache.store("k", token)
    return token


def lead(cache: Any, fetches: list[str], result: list[Any]) -> None:
    """Acquire the token of "k" through the single flight, running its steps as a sync driver."""
    flow = single_flight.acquire(
        cache, "k", lambda: cache.lookup("k"), lambda: slow_fetch(cache, fetches), patience=30
    )
    try:
        step = next(flow)
        while True:
            step = flow.send(step.fn())
    except StopIteration as done:
        result.append(done.value)


def leading(cache: Any) -> tuple[threading.Thread, list[str], list[Any]]:
    """``lead`` started in a thread; its fetches and result, as they come."""
    fetches: list[str] = []
    result: list[Any] = []
    thread = threading.Thread(target=lead, args=(cache, fetches, result))
    thread.start()
    return thread, fetches, result


def test_a_fetch_longer_than_lock_timeout_keeps_its_lock(server: FakeRedis, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(redis_cache, "POLL", 0.05)
    leader, other = fake_cache(server, lock_timeout=LOCK_TIMEOUT), fake_cache(server, lock_timeout=LOCK_TIMEOUT)
    thread, fetches, result = leading(leader)
    time.sleep(0.1)
    owner = server.value(LOCK)
    assert owner is not None
    ttls = []
    for _ in range(3):  # 0.5, 0.9, 1.3 s in: past lock_timeout, the lock is still the leader's
        time.sleep(0.4)
        assert server.value(LOCK) == owner
        ttls.append(server.ttl(LOCK))
    assert all(0 < (ttl or 0) <= LOCK_TIMEOUT for ttl in ttls)

    def must_not_fetch() -> str:
        raise AssertionError("another process fetched a token while the leader held the lock")

    # Another process needs the token meanwhile (after twice lock_timeout): it waits.
    assert server.value(LOCK) == owner
    asked = time.monotonic()
    assert other.get_token("k", on_missing_token=must_not_fetch) == "slow-token"
    assert time.monotonic() - asked > 0.2  # it waited for the leader's token (due at 2 s)
    thread.join(10)
    assert [t.access_token for t in result] == ["slow-token"] and fetches == ["fetch"]
    assert server.value(LOCK) is None  # released with the store
    assert single_flight.in_flight() == 0


def test_a_lock_lost_to_another_owner_is_not_renewed_and_the_fetch_goes_on(
    server: FakeRedis, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, "httpx_auth")
    thread, _, result = leading(fake_cache(server, lock_timeout=LOCK_TIMEOUT))
    time.sleep(0.05)
    with server.changed:  # the leader's lock expired and another process took it
        server._set(LOCK, b"other-owner", 10_000)
    thread.join(10)
    assert [t.access_token for t in result] == ["slow-token"]
    assert server.value(LOCK) == b"other-owner"
    assert 5 < (server.ttl(LOCK) or 0) <= 10  # not shortened to our lease, not released
    assert [r.getMessage() for r in caplog.records] == [LOST]


async def test_asyncio_flows_renew_through_the_asyncio_client(server: FakeRedis) -> None:
    leader = fake_cache(server, lock_timeout=LOCK_TIMEOUT)
    fetches: list[str] = []
    flow = single_flight.acquire(leader, "k", lambda: leader.lookup("k"), lambda: slow_fetch(leader, fetches), patience=30)
    owners, started = set(), time.monotonic()
    try:
        step = next(flow)
        while True:
            owners.add(server.value(LOCK))
            step = flow.send(await step.fn_async())  # every step here awaits: nothing in a thread
    except StopIteration as done:
        assert done.value.access_token == "slow-token"
    assert time.monotonic() - started > 3 * LOCK_TIMEOUT  # 2 s of steps
    assert len(owners - {None}) == 1  # one owner all along
    assert server.commands.count("EVAL") >= 4  # renewals (then the store), with the asyncio client
    assert leader.fake_async.calls == len(server.commands)  # type: ignore[attr-defined]
