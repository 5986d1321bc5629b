"""The device authorization grant (RFC 8628): OAuth2DeviceCode and its Okta / Entra
presets, with httpx and httpx2, sync, asyncio and trio. Time is frozen and the polling
sleeps only move the frozen clock, so the tests run at once."""

from __future__ import annotations

import asyncio
import base64
import logging
import threading
import time
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import anyio
import pytest
import time_machine
import trio

from httpx_auth import (
    AzureActiveDirectoryDeviceCode,
    DeviceAuthorization,
    GrantNotProvided,
    InvalidGrantRequest,
    InvalidParameter,
    InvalidTokenResponse,
    OAuth2DeviceCode,
    OktaDeviceCode,
    TimeoutOccurred,
)
from httpx_auth._oauth2 import single_flight as engine
from httpx_auth._oauth2.browser import opener
from oauth2_fakes import API_URL, FakeServer, TokenRequest, fresh_token_cache  # noqa: F401

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


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_confidential_client_authenticates_with_basic(http: ModuleType, clock: Clock) -> None:
    server = DeviceServer(http)
    auth = OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "my-app", "read", client_secret="s3cret", display=lambda a: None)
    server.get(auth)
    for sent in (*server.device_requests, *server.polled):
        assert sent.headers["authorization"] == basic("my-app", "s3cret")
    assert server.device_requests[0].form == {"client_id": "my-app", "scope": "read"}
    assert "client_id" not in server.polled[0].form
    assert "s3cret" not in repr(auth) and "<hidden>" in repr(auth)


def test_confidential_client_with_client_secret_post(http: ModuleType, clock: Clock) -> None:
    server = DeviceServer(http)
    auth = OAuth2DeviceCode(
        DEVICE_URL, TOKEN_URL, "my-app", client_secret="s3cret", client_auth_method="client_secret_post", display=lambda a: None
    )
    server.get(auth)
    for sent in (*server.device_requests, *server.polled):
        assert (sent.form["client_id"], sent.form["client_secret"]) == ("my-app", "s3cret")
        assert "authorization" not in sent.headers


def test_extra_parameters_go_to_the_device_authorization_request(http: ModuleType, clock: Clock) -> None:
    server = DeviceServer(http)
    server.get(OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "my-app", audience="api", display=lambda a: None))
    assert server.device_requests[0].form == {"client_id": "my-app", "audience": "api"}
    assert "audience" not in server.polled[0].form


def test_refresh_token_avoids_a_new_device_authorization(http: ModuleType, clock: Clock) -> None:
    server = DeviceServer(http, [{"access_token": "device-token", "expires_in": 60, "refresh_token": "r1"}])
    auth = OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "my-app", display=lambda a: None)
    server.get(auth)
    clock.traveller.shift(120)
    assert server.get(auth).json()["authorization"].startswith("Bearer refreshed-")
    assert len(server.device_requests) == 1
    assert server.polled[-1].form == {"grant_type": "refresh_token", "refresh_token": "r1", "client_id": "my-app"}


def test_verification_uri_complete_is_opened(http: ModuleType, clock: Clock, no_browser: list[str]) -> None:
    complete = "https://as.example.com/activate?user_code=WDJB-MJHT"
    server = DeviceServer(http, device=device_answer(verification_uri_complete=complete))
    server.get(OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "my-app", display=lambda a: None))
    deadline = time.monotonic() + 10
    while not no_browser and time.monotonic() < deadline:
        threading.Event().wait(0.01)
    assert no_browser == [complete]


def test_browser_not_opened_without_complete_uri_or_when_disabled(http: ModuleType, clock: Clock, no_browser: list[str]) -> None:
    complete = "https://as.example.com/activate?user_code=WDJB-MJHT"
    DeviceServer(http).get(OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "my-app", display=lambda a: None))
    server = DeviceServer(http, device=device_answer(verification_uri_complete=complete))
    server.get(OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "other-app", display=lambda a: None, open_browser=False))
    threading.Event().wait(0.1)
    assert no_browser == []


def test_default_display_writes_stderr_and_logs(
    http: ModuleType, clock: Clock, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="httpx_auth")
    DeviceServer(http).get(OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "my-app"))
    err = capsys.readouterr().err
    assert "https://as.example.com/activate" in err and "WDJB-MJHT" in err
    (record,) = [r for r in caplog.records if "WDJB-MJHT" in r.getMessage()]
    assert record.levelno == logging.INFO
    assert DEVICE_CODE not in err and DEVICE_CODE not in caplog.text


def test_legacy_verification_url_is_accepted(http: ModuleType, clock: Clock) -> None:
    device = device_answer(verification_uri=None, verification_url="https://as.example.com/legacy")
    seen, display = shown()
    DeviceServer(http, device=device).get(OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "my-app", display=display))
    assert seen[0].verification_uri == "https://as.example.com/legacy"


@pytest.mark.parametrize(
    ("device", "error"),
    [
        (device_answer(user_code=None), GrantNotProvided),
        (device_answer(device_code=None), GrantNotProvided),
        (device_answer(verification_uri=None), GrantNotProvided),
        (device_answer(expires_in=None), GrantNotProvided),
        (device_answer(interval="soon"), InvalidTokenResponse),
        (device_answer(expires_in=-1), InvalidTokenResponse),
        (device_answer(user_code=12), InvalidTokenResponse),
    ],
)
def test_unusable_device_authorization_answers(http: ModuleType, clock: Clock, device: Any, error: type[Exception]) -> None:
    server = DeviceServer(http, device=device)
    with pytest.raises(error) as caught:
        server.get(OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "my-app", display=lambda a: None))
    assert DEVICE_CODE not in str(caught.value)
    assert server.polled == []


def test_device_authorization_error_answers(http: ModuleType, clock: Clock) -> None:
    server = DeviceServer(http, device=http.Response(401, json={"error": "invalid_client"}))
    with pytest.raises(InvalidGrantRequest, match="invalid_client"):
        server.get(OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "my-app", display=lambda a: None))
    server = DeviceServer(http, device=http.Response(500, text="<html>oops</html>"))
    with pytest.raises(InvalidTokenResponse, match="HTTP 500"):
        server.get(OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "my-app", display=lambda a: None))


def test_presets_endpoints() -> None:
    okta = OktaDeviceCode("testserver.okta-emea.com", "cid")
    assert okta.device_authorization_url == "https://testserver.okta-emea.com/oauth2/default/v1/device/authorize"
    assert okta.token_url == "https://testserver.okta-emea.com/oauth2/default/v1/token"
    assert okta.scope == "openid"
    entra = AzureActiveDirectoryDeviceCode("contoso.onmicrosoft.com", "cid", scope=["openid", "offline_access"])
    assert entra.device_authorization_url == "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/devicecode"
    assert entra.token_url == "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"
    assert entra.scope == "openid offline_access"
    assert OktaDeviceCode("i.okta.com", "cid", authorization_server="aus1").token_url == "https://i.okta.com/oauth2/aus1/v1/token"


def test_preset_flow(http: ModuleType, clock: Clock) -> None:
    auth = AzureActiveDirectoryDeviceCode("common", "cid", display=lambda a: None)

    def handler(request: Any) -> Any:
        if request.url.path.endswith("/devicecode"):
            return http.Response(200, json=device_answer())
        if request.url.path.endswith("/token"):
            return http.Response(200, json={"access_token": "entra-token"})
        return http.Response(200, json={"authorization": request.headers["authorization"]})

    with http.Client(transport=http.MockTransport(handler)) as client:
        assert client.get(API_URL, auth=auth).json()["authorization"] == "Bearer entra-token"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"device_authorization_url": "not a url"},
        {"token_url": "ftp://as.example.com/token"},
        {"client_id": ""},
        {"display": "stderr"},
        {"scope": 3},
        {"timeout": 0},
        {"client_secret": ""},
        {"client_auth_method": "magic"},
        {"revocation_url": "relative/path"},
    ],
)
def test_bad_parameters(kwargs: dict[str, Any]) -> None:
    base: dict[str, Any] = {"device_authorization_url": DEVICE_URL, "token_url": TOKEN_URL, "client_id": "cid"}
    with pytest.raises(InvalidParameter):
        OAuth2DeviceCode(**{**base, **kwargs})


@pytest.mark.parametrize("tenant", ["", "a/b", "x y"])
def test_bad_entra_tenant(tenant: str) -> None:
    with pytest.raises(InvalidParameter, match="tenant_id"):
        AzureActiveDirectoryDeviceCode(tenant, "cid")


def test_configurations_have_distinct_cache_keys() -> None:
    base = OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "cid", "a")
    assert base.cache_key == OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "cid", ["a"]).cache_key
    for other in (
        OAuth2DeviceCode(DEVICE_URL + "2", TOKEN_URL, "cid", "a"),
        OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "cid2", "a"),
        OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "cid", "b"),
        OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "cid", "a", client_secret="s"),
        OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "cid", "a", audience="x"),
    ):
        assert other.cache_key != base.cache_key
