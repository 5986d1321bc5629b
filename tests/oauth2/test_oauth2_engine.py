"""The GrantAuth contract, as a grant author uses it: the ``_new_token`` hook yielding
requests and Offload steps, routing through ``client=``, combination with other auths."""

from __future__ import annotations

import threading
from collections.abc import Generator
from types import ModuleType
from typing import Any

import pytest

import httpx_auth
from httpx_auth import InvalidTokenResponse, OAuth2, OAuth2ClientCredentials
from httpx_auth._base import Offload
from httpx_auth._oauth2 import GrantAuth, Token, TokenSettings, build_request, make_cache_key, token_from_response
from oauth2_fakes import API_URL, TOKEN_URL, FakeServer, fresh_token_cache  # noqa: F401


class TwoStepGrant(GrantAuth):
    """A made-up grant: blocking work (an Offload), then two requests to the server."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(make_cache_key("two-step", TOKEN_URL, {}), TokenSettings(**kwargs))
        self.offloaded_in: list[str] = []

    def _new_token(self, request: Any) -> Generator[Any, Any, Token]:
        code = yield Offload(self._blocking_step)
        first = yield build_request(request, self.client, "POST", TOKEN_URL, timeout=self.timeout, data={"code": code})
        assert first.json()["access_token"] == "token-1"  # the response comes back read
        second = yield build_request(request, self.client, "POST", TOKEN_URL, timeout=self.timeout, data={"code": "again"})
        return token_from_response(second)

    def _blocking_step(self) -> str:
        self.offloaded_in.append(threading.current_thread().name)
        return "from-offload"


class FailingOffloadGrant(GrantAuth):
    def __init__(self) -> None:
        super().__init__(make_cache_key("failing", TOKEN_URL, {}))

    def _new_token(self, request: Any) -> Generator[Any, Any, Token]:
        try:
            yield Offload(self._fail)
        except LookupError as error:
            raise InvalidTokenResponse(f"handled {type(error).__name__}") from None
        raise AssertionError("unreachable")

    def _fail(self) -> None:
        raise LookupError("boom")


def test_hook_with_offload_and_two_requests(http: ModuleType) -> None:
    server = FakeServer(http)
    grant = TwoStepGrant()
    assert server.get(grant).json()["authorization"] == "Bearer token-2"
    assert [sent.form for sent in server.token_requests] == [{"code": "from-offload"}, {"code": "again"}]
    assert grant.offloaded_in == [threading.current_thread().name]  # sync: run in place


async def test_hook_with_offload_and_two_requests_async(http: ModuleType) -> None:
    server = FakeServer(http)
    grant = TwoStepGrant()
    assert (await server.aget(grant)).json()["authorization"] == "Bearer token-2"
    assert grant.offloaded_in and grant.offloaded_in[0] != threading.current_thread().name  # async: a worker thread


def test_hook_requests_go_through_the_given_client(http: ModuleType) -> None:
    token_server = FakeServer(http)
    with http.Client(transport=token_server.transport()) as token_client:
        grant = TwoStepGrant(client=token_client)
        api = FakeServer(http, lambda n, _: pytest.fail("the given client sends token requests"))
        assert api.get(grant).json()["authorization"] == "Bearer token-2"
    assert len(token_server.token_requests) == 2


def test_offload_errors_are_thrown_into_the_hook(http: ModuleType) -> None:
    with pytest.raises(InvalidTokenResponse, match="handled LookupError"):
        FakeServer(http).get(FailingOffloadGrant())


async def test_offload_errors_are_thrown_into_the_hook_async(http: ModuleType) -> None:
    with pytest.raises(InvalidTokenResponse, match="handled LookupError"):
        await FakeServer(http).aget(FailingOffloadGrant())


def test_base_hook_must_be_implemented(http: ModuleType) -> None:
    with pytest.raises(NotImplementedError):
        FakeServer(http).get(GrantAuth("key"))


async def test_combined_with_another_auth_async(http: ModuleType) -> None:
    server = FakeServer(http)
    auth = httpx_auth.HeaderApiKey("key") + OAuth2ClientCredentials(TOKEN_URL, "id", "secret")
    headers = (await server.aget(auth)).json()["headers"]
    assert headers["authorization"] == "Bearer token-1" and headers["x-api-key"] == "key"
    assert "x-api-key" not in server.token_requests[0].headers
    headers = (await server.aget(auth)).json()["headers"]  # now from the cache
    assert headers["authorization"] == "Bearer token-1" and len(server.token_requests) == 1


def test_two_oauth2_auths_combined(http: ModuleType) -> None:
    server = FakeServer(http)
    auth = OAuth2ClientCredentials(TOKEN_URL, "a", "s", header_name="X-A") + OAuth2ClientCredentials(
        TOKEN_URL, "b", "s", header_name="X-B"
    )
    headers = server.get(auth).json()["headers"]
    assert (headers["x-a"], headers["x-b"]) == ("Bearer token-1", "Bearer token-2")


def test_token_cache_is_read_at_request_time(http: ModuleType) -> None:
    server = FakeServer(http)
    auth = OAuth2ClientCredentials(TOKEN_URL, "id", "secret")
    server.get(auth)
    OAuth2.token_cache = httpx_auth.TokenMemoryCache()
    assert server.get(auth).json()["authorization"] == "Bearer token-2"


def test_invalid_token_response_is_public() -> None:
    assert httpx_auth.InvalidTokenResponse is InvalidTokenResponse
    assert issubclass(InvalidTokenResponse, httpx_auth.HttpxAuthException)


async def test_async_waiters_hold_no_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """An async waiter awaits the flight's signal with the event loop."""
    import anyio.to_thread

    from httpx_auth._oauth2 import single_flight

    def no_thread(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a worker thread was used")

    monkeypatch.setattr(anyio.to_thread, "run_sync", no_thread)
    flight = single_flight.Flight((0, "k"))
    assert await flight.wait(0.05).fn_async() is False  # type: ignore[misc]
    threading.Timer(0.05, single_flight.abandon, args=(flight,)).start()
    assert await flight.wait(5).fn_async() is True  # type: ignore[misc]
