"""``Offload(fn, fn_async)``: the async driver awaits ``fn_async`` on the loop (no worker
thread), the sync driver calls ``fn``; an error of either is raised inside the flow."""

from __future__ import annotations

import threading
from collections.abc import Generator
from typing import Any

import httpx

from httpx_auth._base import AuthBase, Offload


class OffloadingAuth(AuthBase):
    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.threads: list[str] = []

    def _work(self, kind: str) -> str:
        self.threads.append(threading.current_thread().name)
        if self.fail:
            raise ValueError(kind)
        return kind

    async def _work_async(self) -> str:
        return self._work("awaited")

    def auth_flow(self, request: Any) -> Generator[Any, Any, None]:
        try:
            request.headers["X-Result"] = yield Offload(lambda: self._work("called"), self._work_async)
        except ValueError as error:
            request.headers["X-Result"] = f"raised {error}"
        yield request


def echo(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"result": request.headers["X-Result"]})


async def test_the_async_driver_awaits_fn_async_on_the_loop() -> None:
    auth = OffloadingAuth()
    async with httpx.AsyncClient(transport=httpx.MockTransport(echo)) as client:
        assert (await client.get("https://example.com/", auth=auth)).json() == {"result": "awaited"}
    assert auth.threads == [threading.current_thread().name]  # no worker thread


async def test_an_error_of_fn_async_is_raised_in_the_flow() -> None:
    async with httpx.AsyncClient(transport=httpx.MockTransport(echo)) as client:
        reply = await client.get("https://example.com/", auth=OffloadingAuth(fail=True))
    assert reply.json() == {"result": "raised awaited"}


def test_the_sync_driver_calls_fn() -> None:
    with httpx.Client(transport=httpx.MockTransport(echo)) as client:
        assert client.get("https://example.com/", auth=OffloadingAuth()).json() == {"result": "called"}
