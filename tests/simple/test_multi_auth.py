"""Combining auths with + and &: order, flattening, foreign auths, internal requests."""

from __future__ import annotations

import threading
from collections.abc import Generator
from types import ModuleType
from typing import Any

import httpx
import pytest

import httpx_auth
from httpx_auth import _base
from httpx_auth._compat import library_of


class TagAuth(httpx.Auth, httpx_auth.SupportMultiAuth):
    """A user-defined auth that mixes SupportMultiAuth in, as the reference shows."""

    def __init__(self, value: str) -> None:
        self.value = value

    def auth_flow(self, request: Any) -> Generator[Any, Any, None]:
        request.headers["X-Order"] = request.headers.get("X-Order", "") + self.value
        yield request


class TokenFetchingAuth(_base.AuthBase):
    """Fetches a token with an internal request and waits on an Offload, like OAuth2 does."""

    def __init__(self) -> None:
        self.offloaded_in: list[str] = []

    def _blocking(self) -> str:
        self.offloaded_in.append(threading.current_thread().name)
        return "-offloaded"

    def auth_flow(self, request: Any) -> Generator[Any, Any, None]:
        lib = library_of(request)
        token_response = yield _base.internal_request(lib.Request("POST", "https://auth.example/token"))
        suffix = yield _base.Offload(self._blocking)
        request.headers["Authorization"] = "Bearer " + token_response.json()["token"] + suffix
        yield request


def recording_transport(http: ModuleType, seen: list[Any]) -> Any:
    def handler(request: Any) -> Any:
        seen.append(request)
        if request.url.host == "auth.example":
            return http.Response(200, json={"token": "abc"})
        return http.Response(200, json={"headers": dict(request.headers)})

    return http.MockTransport(handler)


def test_auths_apply_in_order(http: ModuleType) -> None:
    seen: list[Any] = []
    with http.Client(transport=recording_transport(http, seen)) as client:
        client.get("https://api.example/", auth=TagAuth("a") + TagAuth("b") & TagAuth("c"))
    assert seen[0].headers["X-Order"] == "abc"


def test_combining_a_combination_flattens() -> None:
    first, second, third = httpx_auth.HeaderApiKey("1"), httpx_auth.QueryApiKey("2"), httpx_auth.Basic("u", "p")
    combined = (first + second) + (third & first)
    assert combined.authentications == (first, second, third, first)


def test_combining_with_a_plain_httpx_auth_works_on_both_sides(http: ModuleType, echo: Any) -> None:
    basic = httpx.BasicAuth("u", "p")
    for combined in (httpx_auth.HeaderApiKey("k") + basic, basic + httpx_auth.HeaderApiKey("k")):
        with http.Client(transport=echo) as client:
            headers = client.get("https://api.example/", auth=combined).json()["headers"]
        assert headers["x-api-key"] == "k"
        assert headers["authorization"] == "Basic dTpw"


def test_combining_with_something_else_is_refused() -> None:
    with pytest.raises(TypeError, match="'int'"):
        httpx_auth.HeaderApiKey("k") + 3


def test_internal_requests_skip_the_auths_that_follow(http: ModuleType) -> None:
    seen: list[Any] = []
    auth = TokenFetchingAuth() + httpx_auth.HeaderApiKey("key")
    with http.Client(transport=recording_transport(http, seen)) as client:
        headers = client.get("https://api.example/", auth=auth).json()["headers"]
    token_request, api_request = seen
    assert "x-api-key" not in token_request.headers
    assert headers["authorization"] == "Bearer abc-offloaded"
    assert headers["x-api-key"] == "key"
    assert isinstance(api_request, http.Request)


async def test_async_combination_offloads_blocking_work_to_a_thread(http: ModuleType) -> None:
    seen: list[Any] = []
    fetching = TokenFetchingAuth()
    auth = httpx_auth.HeaderApiKey("key") + fetching + TagAuth("z")
    async with http.AsyncClient(transport=recording_transport(http, seen)) as client:
        headers = (await client.get("https://api.example/", auth=auth)).json()["headers"]
    assert headers["authorization"] == "Bearer abc-offloaded"
    assert headers["x-order"] == "z"
    assert fetching.offloaded_in and fetching.offloaded_in[0] != threading.current_thread().name
    assert [r.url.host for r in seen] == ["auth.example", "api.example"]


def test_requests_created_by_a_flow_are_of_the_callers_library(http: ModuleType) -> None:
    seen: list[Any] = []
    with http.Client(transport=recording_transport(http, seen)) as client:
        client.get("https://api.example/", auth=TokenFetchingAuth())
    assert all(type(r) is http.Request for r in seen)


def test_a_retrying_foreign_auth_still_receives_its_response(http: ModuleType) -> None:
    calls: list[str] = []

    class RetryOnce(httpx.Auth):
        def auth_flow(self, request: Any) -> Generator[Any, Any, None]:
            response = yield request
            calls.append(str(response.status_code))
            if response.status_code == 401:
                request.headers["X-Retry"] = "1"
                yield request

    def handler(request: Any) -> Any:
        return http.Response(200 if "x-retry" in request.headers else 401, json={"k": request.headers.get("x-api-key")})

    with http.Client(transport=http.MockTransport(handler)) as client:
        response = client.get("https://api.example/", auth=httpx_auth.HeaderApiKey("k") + RetryOnce())
    assert response.status_code == 200
    assert calls == ["401"]
    assert response.json() == {"k": "k"}


class CleanupAuth(_base.AuthBase):
    def __init__(self) -> None:
        self.cleaned_up = False

    def auth_flow(self, request: Any) -> Generator[Any, Any, None]:
        try:
            yield request
        finally:
            self.cleaned_up = True


async def test_a_flow_is_closed_at_once_when_the_request_fails(http: ModuleType) -> None:
    def failing(request: Any) -> Any:
        raise http.ConnectError("unreachable", request=request)

    sync_auth, async_auth = CleanupAuth(), CleanupAuth()
    with http.Client(transport=http.MockTransport(failing)) as client, pytest.raises(http.ConnectError):
        client.get("https://api.example/", auth=sync_auth)
    async with http.AsyncClient(transport=http.MockTransport(failing)) as aclient:
        with pytest.raises(http.ConnectError):
            await aclient.get("https://api.example/", auth=async_auth)
    assert sync_auth.cleaned_up and async_auth.cleaned_up


class KeptFlowAuth(CleanupAuth):
    """Keeps a reference to each of its flows: only an explicit close can finish them
    (as on PyPy, where a dropped generator is closed when the collector comes by)."""

    def __init__(self) -> None:
        super().__init__()
        self.flows: list[Any] = []

    def sync_auth_flow(self, request: Any) -> Generator[Any, Any, None]:
        flow = super().sync_auth_flow(request)
        self.flows.append(flow)
        return flow


@pytest.mark.parametrize("position", ["first", "middle"])
def test_closing_a_sync_combination_closes_its_flows_at_once(position: str) -> None:
    kept = KeptFlowAuth()
    auth = kept + TagAuth("a") if position == "first" else TagAuth("a") + kept + TagAuth("b")
    flow = auth.sync_auth_flow(httpx.Request("GET", "https://api.example/"))
    next(flow)
    flow.close()
    assert kept.cleaned_up and kept.flows[0].gi_frame is None


class LoudApiKey(httpx_auth.HeaderApiKey):
    """A subclass that changes the flow: the in-place fast path must not bypass it."""

    def auth_flow(self, request: Any) -> Generator[Any, Any, None]:
        request.headers["X-Loud"] = "yes"
        yield from super().auth_flow(request)


async def test_one_step_auths_combined_sync_and_async(http: ModuleType, echo: Any) -> None:
    auth = httpx_auth.HeaderApiKey("k") + httpx_auth.QueryApiKey("q") + httpx_auth.Basic("u", "p")
    with http.Client(transport=echo) as client:
        sync_sent = client.get("https://api.example/", auth=auth).json()
    async with http.AsyncClient(transport=echo) as aclient:
        async_sent = (await aclient.get("https://api.example/", auth=auth)).json()
    for sent in (sync_sent, async_sent):
        assert sent["url"] == "https://api.example/?api_key=q"
        assert sent["headers"]["x-api-key"] == "k"
        assert sent["headers"]["authorization"] == "Basic dTpw"


async def test_a_subclass_that_changes_the_flow_is_honoured(http: ModuleType, echo: Any) -> None:
    for auth in (LoudApiKey("k"), httpx_auth.Basic("u", "p") + LoudApiKey("k")):
        with http.Client(transport=echo) as client:
            assert client.get("https://api.example/", auth=auth).json()["headers"]["x-loud"] == "yes"
        async with http.AsyncClient(transport=echo) as aclient:
            sent = (await aclient.get("https://api.example/", auth=auth)).json()
        assert sent["headers"]["x-loud"] == "yes" and sent["headers"]["x-api-key"] == "k"
