"""The device authorization grant (RFC 8628): OAuth2DeviceCode's flow with httpx and
httpx2, sync, asyncio and trio, its polling and its refusals. Time is frozen and the
polling sleeps only move the frozen clock, so the tests run at once."""

from __future__ import annotations

import asyncio
import threading
import time
from types import ModuleType
from typing import Any

import anyio
import pytest
import trio

from device_fakes import DEVICE_CODE, DEVICE_URL, NOW, TOKEN_URL, Clock, DeviceServer, clock, device_answer, no_browser, shown  # noqa: F401
from httpx_auth import InvalidGrantRequest, OAuth2DeviceCode, TimeoutOccurred
from httpx_auth._oauth2 import single_flight as engine
from oauth2_fakes import API_URL, fresh_token_cache  # noqa: F401


def test_public_client_flow(http: ModuleType, clock: Clock) -> None:
    server = DeviceServer(http, ["authorization_pending", "authorization_pending"])
    seen, display = shown()
    auth = OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "my-app", ["openid", "profile"], display=display)
    assert server.get(auth).json()["authorization"] == "Bearer device-token"
    (device_request,) = server.device_requests
    assert device_request.form == {"client_id": "my-app", "scope": "openid profile"}
    assert "authorization" not in device_request.headers
    assert [p.form for p in server.polled] == [
        {"grant_type": "urn:ietf:params:oauth:grant-type:device_code", "device_code": DEVICE_CODE, "client_id": "my-app"}
    ] * 3
    assert clock.sync_sleeps == [5, 5, 5]
    (authorization,) = seen
    assert (authorization.user_code, authorization.verification_uri) == ("WDJB-MJHT", "https://as.example.com/activate")
    assert authorization.device_code == DEVICE_CODE and DEVICE_CODE not in repr(authorization)
    # The token is cached: no second device authorization.
    assert server.get(auth).json()["authorization"] == "Bearer device-token"
    assert len(server.device_requests) == 1


async def test_asyncio_polls_with_the_event_loop(http: ModuleType, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_thread(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a worker thread was used")

    monkeypatch.setattr(anyio.to_thread, "run_sync", no_thread)
    server = DeviceServer(http, ["authorization_pending", "slow_down", "authorization_pending"])
    auth = OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "my-app", display=lambda a: None)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    task = asyncio.ensure_future(ticker())
    try:
        assert (await server.aget(auth)).json()["authorization"] == "Bearer device-token"
    finally:
        task.cancel()
    assert clock.async_sleeps == [5, 5, 10, 10]
    assert clock.sync_sleeps == []
    assert ticks > 0


def test_trio_polls_with_the_event_loop(http: ModuleType, clock: Clock) -> None:
    server = DeviceServer(http, ["authorization_pending"])
    auth = OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "my-app", display=lambda a: None)

    async def main() -> str:
        async with http.AsyncClient(transport=server.async_transport()) as client:
            return str((await client.get(API_URL, auth=auth)).json()["authorization"])

    assert trio.run(main) == "Bearer device-token"
    assert clock.async_sleeps == [5, 5]
    assert clock.sync_sleeps == []


async def test_many_async_requests_share_one_device_authorization(
    http: ModuleType, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_thread(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a worker thread was used")

    monkeypatch.setattr(anyio.to_thread, "run_sync", no_thread)  # neither the leader nor its waiters
    server = DeviceServer(http, ["authorization_pending"] * 3)
    seen, display = shown()
    auth = OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "my-app", display=display)
    async with http.AsyncClient(transport=server.async_transport()) as client:
        answers = await asyncio.gather(*(client.get(API_URL, auth=auth) for _ in range(10)))
    assert {a.json()["authorization"] for a in answers} == {"Bearer device-token"}
    assert len(server.device_requests) == 1 and len(seen) == 1
    assert engine.in_flight() == 0


def test_many_threads_share_one_device_authorization(http: ModuleType, clock: Clock) -> None:
    server = DeviceServer(http, ["authorization_pending"] * 3)
    auth = OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "my-app", display=lambda a: None)
    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(server.get(auth).json()["authorization"])) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert results == ["Bearer device-token"] * 8
    assert len(server.device_requests) == 1


def test_slow_down_adds_five_seconds(http: ModuleType, clock: Clock) -> None:
    server = DeviceServer(http, ["slow_down", "authorization_pending", "slow_down"], device=device_answer(interval=2))
    auth = OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "my-app", display=lambda a: None)
    server.get(auth)
    assert clock.sync_sleeps == [2, 7, 7, 12]


def test_interval_has_a_floor(http: ModuleType, clock: Clock) -> None:
    server = DeviceServer(http, ["authorization_pending"], device=device_answer(interval=0))
    server.get(OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "my-app", display=lambda a: None))
    assert clock.sync_sleeps == [1, 1]


def test_interval_defaults_to_five_seconds(http: ModuleType, clock: Clock) -> None:
    server = DeviceServer(http, ["authorization_pending"], device=device_answer(interval=None))
    server.get(OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "my-app", display=lambda a: None))
    assert clock.sync_sleeps == [5, 5]


@pytest.mark.parametrize("error", ["access_denied", "expired_token", "invalid_grant"])
def test_refusals_stop_polling(http: ModuleType, clock: Clock, error: str) -> None:
    server = DeviceServer(http, ["authorization_pending", error, "authorization_pending"])
    auth = OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "my-app", display=lambda a: None)
    with pytest.raises(InvalidGrantRequest) as caught:
        server.get(auth)
    assert caught.value.error == error
    assert len(server.polled) == 2
    assert DEVICE_CODE not in str(caught.value)
    if error == "expired_token":
        assert "start the device authorization again" in str(caught.value)


async def test_refusal_async(http: ModuleType, clock: Clock) -> None:
    server = DeviceServer(http, ["access_denied"])
    with pytest.raises(InvalidGrantRequest, match="access_denied"):
        await server.aget(OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "my-app", display=lambda a: None))


@pytest.mark.parametrize(("expires_in", "timeout", "polls"), [(30, 300, 6), (1800, 12, 2)])
def test_gives_up_at_expires_in_or_timeout(http: ModuleType, clock: Clock, expires_in: int, timeout: float, polls: int) -> None:
    server = DeviceServer(http, ["authorization_pending"] * 1000, device=device_answer(expires_in=expires_in))
    auth = OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "my-app", display=lambda a: None, timeout=timeout)
    with pytest.raises(TimeoutOccurred) as caught:
        server.get(auth)
    assert len(server.polled) == polls
    assert caught.value.timeout == min(expires_in, timeout)
    assert time.time() - NOW <= min(expires_in, timeout)
