"""The ``Sleep`` item of the sans-I/O drivers: ``time.sleep`` in sync code, ``anyio.sleep``
(no worker thread) in async code, also inside a combination of auths."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Generator
from types import ModuleType
from typing import Any

import anyio
import pytest
import trio

from httpx_auth import HeaderApiKey
from httpx_auth._base import AuthBase, Offload, Sleep


class Napping(AuthBase):
    """Sleeps twice, then marks the request."""

    def auth_flow(self, request: Any) -> Generator[Any, Any, None]:
        first = yield Sleep(1.5)
        second = yield Sleep(2)
        request.headers["X-Slept"] = f"{first}-{second}"
        yield request


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[float]]:
    recorded: dict[str, list[float]] = {"sync": [], "async": []}

    async def asleep(seconds: float) -> None:
        recorded["async"].append(seconds)

    def no_thread(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("Sleep must not take a worker thread")

    monkeypatch.setattr(time, "sleep", recorded["sync"].append)
    monkeypatch.setattr(anyio, "sleep", asleep)
    monkeypatch.setattr(anyio.to_thread, "run_sync", no_thread)
    return recorded


def test_sleep_is_an_offload() -> None:
    assert isinstance(Sleep(1), Offload) and Sleep(3).seconds == 3


@pytest.mark.parametrize("combined", [False, True])
def test_sync_driver_calls_time_sleep(http: ModuleType, echo: Any, sleeps: dict[str, list[float]], combined: bool) -> None:
    auth: Any = Napping() + HeaderApiKey("k") if combined else Napping()
    with http.Client(transport=echo) as client:
        headers = client.get("https://example.com/", auth=auth).json()["headers"]
    assert headers["x-slept"] == "None-None"
    assert sleeps == {"sync": [1.5, 2], "async": []}


@pytest.mark.parametrize("combined", [False, True])
async def test_asyncio_driver_awaits_anyio_sleep(http: ModuleType, echo: Any, sleeps: dict[str, list[float]], combined: bool) -> None:
    auth: Any = HeaderApiKey("k") + Napping() if combined else Napping()
    async with http.AsyncClient(transport=echo) as client:
        headers = (await client.get("https://example.com/", auth=auth)).json()["headers"]
    assert headers["x-slept"] == "None-None"
    assert sleeps == {"sync": [], "async": [1.5, 2]}


def test_trio_driver_awaits_anyio_sleep(http: ModuleType, echo: Any, sleeps: dict[str, list[float]]) -> None:
    async def main() -> Any:
        async with http.AsyncClient(transport=echo) as client:
            return (await client.get("https://example.com/", auth=Napping())).json()["headers"]

    assert trio.run(main)["x-slept"] == "None-None"
    assert sleeps["async"] == [1.5, 2]


async def test_real_sleep_lets_other_tasks_run(http: ModuleType, echo: Any) -> None:
    class Short(AuthBase):
        def auth_flow(self, request: Any) -> Generator[Any, Any, None]:
            yield Sleep(0.05)
            yield request

    ran: list[str] = []

    async def other() -> None:
        ran.append("other")

    async with http.AsyncClient(transport=echo) as client:

        async def get() -> None:
            await client.get("https://example.com/", auth=Short())
            ran.append("request")

        await asyncio.gather(get(), other())
    assert ran == ["other", "request"]
