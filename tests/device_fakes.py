"""A scripted device authorization server (RFC 8628) and a frozen clock whose sleeps
move time, shared by the device grant's tests."""

from __future__ import annotations

import time
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import anyio
import pytest
import time_machine

from httpx_auth import DeviceAuthorization
from httpx_auth._oauth2.browser import opener
from oauth2_fakes import FakeServer, TokenRequest

DEVICE_URL = "https://as.example.com/device"
TOKEN_URL = "https://as.example.com/token"
NOW = 1_700_000_000.0
DEVICE_CODE = "secret-device-code-0123"


class Clock:
    """Frozen time; ``time.sleep`` and ``anyio.sleep`` move it and record their durations."""

    def __init__(self, traveller: Any) -> None:
        self.traveller = traveller
        self.real_asleep = anyio.sleep
        self.sync_sleeps: list[float] = []
        self.async_sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sync_sleeps.append(seconds)
        self.traveller.shift(seconds)

    async def asleep(self, seconds: float) -> None:
        self.async_sleeps.append(seconds)
        self.traveller.shift(seconds)
        await self.real_asleep(0)  # other tasks run meanwhile


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    with time_machine.travel(NOW, tick=False) as traveller:
        fake = Clock(traveller)
        monkeypatch.setattr(time, "sleep", fake.sleep)
        monkeypatch.setattr(anyio, "sleep", fake.asleep)
        yield fake


@pytest.fixture(autouse=True)
def no_browser(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The URLs the grant asked to open (no real browser is started)."""
    opened: list[str] = []

    def open_url(url: str) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(opener, "open_url", open_url)
    return opened


def device_answer(**changes: Any) -> dict[str, Any]:
    answer = {
        "device_code": DEVICE_CODE,
        "user_code": "WDJB-MJHT",
        "verification_uri": "https://as.example.com/activate",
        "expires_in": 1800,
        "interval": 5,
    }
    answer.update(changes)
    return {name: value for name, value in answer.items() if value is not None}


class DeviceServer(FakeServer):
    """A device authorization endpoint at DEVICE_URL and a token endpoint answering the
    polls with ``polls`` in turn (an error code, or a token dict), then a token."""

    def __init__(self, http: ModuleType, polls: list[Any] | None = None, device: Any = None) -> None:
        super().__init__(http, self.answer_for)
        self.polls = list(polls or [])
        self.device = device_answer() if device is None else device
        self.device_requests: list[TokenRequest] = []
        self.polled: list[TokenRequest] = []

    def answer_for(self, n: int, sent: TokenRequest) -> Any:
        if sent.url == DEVICE_URL:
            self.device_requests.append(sent)
            if isinstance(self.device, self.http.Response):
                return self.device
            return self.http.Response(200, json=self.device)
        self.polled.append(sent)
        if sent.form.get("grant_type") == "refresh_token":
            return self.http.Response(200, json={"access_token": f"refreshed-{n}", "expires_in": 3600})
        step = self.polls.pop(0) if self.polls else {"access_token": "device-token", "expires_in": 3600}
        if isinstance(step, str):
            return self.http.Response(400, json={"error": step})
        return self.http.Response(200, json=step)


def shown() -> tuple[list[DeviceAuthorization], Any]:
    seen: list[DeviceAuthorization] = []
    return seen, seen.append
