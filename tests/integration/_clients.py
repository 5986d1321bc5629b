"""Send requests through httpx or httpx2, with a sync or an async client, the same way."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

import httpx_auth

VARIANTS = [("httpx", "sync"), ("httpx", "async"), ("httpx2", "sync"), ("httpx2", "async")]


def api(name: str) -> Any:
    """``httpx_auth.<name>``, or a test failure that says it is not implemented yet."""
    value = getattr(httpx_auth, name, None)
    if value is None:
        pytest.fail(f"httpx_auth.{name} is not implemented (yet): this test cannot run without it")
    return value


@dataclass(frozen=True)
class Sender:
    """Sends requests with one HTTP library (``lib``) and one kind of client (``mode``:
    ``sync`` runs a ``Client`` in a worker thread, ``async`` an ``AsyncClient`` on the loop)."""

    lib: str
    mode: str

    @property
    def module(self) -> Any:
        return importlib.import_module(self.lib)

    async def get_all(
        self, urls: Sequence[str], auth: Any, between: Callable[[int], None] | None = None
    ) -> list[Any]:
        """GET each URL in turn on one client (so a token can be reused); the blocking
        ``between(i)`` runs before the i-th request (i ≥ 1)."""
        return await self.run(lambda request: [request("GET", url) for url in urls], auth, between)

    async def run(
        self,
        script: Callable[[Callable[..., Any]], list[Any]],
        auth: Any,
        between: Callable[[int], None] | None = None,
    ) -> list[Any]:
        """``script(request)`` builds the list of requests; they are sent in order on one client."""
        calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
        script(lambda *args, **kwargs: calls.append((args, kwargs)))
        if self.mode == "sync":

            def blocking() -> list[Any]:
                with self.module.Client(timeout=60) as client:
                    replies = []
                    for i, (args, kwargs) in enumerate(calls):
                        if i and between is not None:
                            between(i)
                        replies.append(client.request(*args, auth=auth, **kwargs))
                    return replies

            return await asyncio.to_thread(blocking)
        async with self.module.AsyncClient(timeout=60) as client:
            replies = []
            for i, (args, kwargs) in enumerate(calls):
                if i and between is not None:
                    await asyncio.to_thread(between, i)
                replies.append(await client.request(*args, auth=auth, **kwargs))
            return replies

    async def get(self, url: str, auth: Any) -> Any:
        return (await self.get_all([url], auth))[0]

    async def send(self, method: str, url: str, auth: Any, **kwargs: Any) -> Any:
        return (await self.run(lambda request: [request(method, url, **kwargs)], auth))[0]


@pytest.fixture(params=VARIANTS, ids=[f"{lib}-{mode}" for lib, mode in VARIANTS])
def sender(request: pytest.FixtureRequest) -> Sender:
    """httpx and httpx2, each with a sync and an async client."""
    return Sender(*request.param)
