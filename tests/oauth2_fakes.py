"""Test doubles for the OAuth2 tests: a fake authorization + resource server for
MockTransport, JWT builders, and a fixture giving each test an empty token cache."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl

import pytest

from httpx_auth import OAuth2, TokenMemoryCache

TOKEN_URL = "https://as.example.com/token"
API_URL = "https://api.example.com/data"


@pytest.fixture(autouse=True)
def fresh_token_cache() -> Iterator[TokenMemoryCache]:
    """Each test starts with an empty in-memory cache; the previous one comes back after."""
    previous = OAuth2.token_cache
    OAuth2.token_cache = TokenMemoryCache()
    yield OAuth2.token_cache
    OAuth2.token_cache = previous


def jwt(claims: dict[str, Any]) -> str:
    """An unsigned JWT carrying ``claims`` (only the body matters to us)."""

    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}.signature"


class TokenRequest:
    """What the fake server received on its token endpoint."""

    def __init__(self, request: Any) -> None:
        self.url = str(request.url)
        self.headers = dict(request.headers)
        self.form = dict(parse_qsl(request.content.decode()))
        self.extensions = dict(request.extensions)


Answer = Callable[[int, TokenRequest], Any]


class FakeServer:
    """A token endpoint at ``TOKEN_URL`` and an API that echoes the Authorization header.

    ``answer(n, token_request)`` builds the n-th (from 1) token response; by default a JSON
    token ``token-<n>`` valid for an hour. ``delay_token`` (seconds) slows the token
    endpoint down; in async mode ``gate`` (an asyncio.Event) holds it until set.
    """

    def __init__(self, http: ModuleType, answer: Answer | None = None) -> None:
        self.http = http
        self.answer = answer or (lambda n, _: http.Response(200, json={"access_token": f"token-{n}", "expires_in": 3600}))
        self.token_requests: list[TokenRequest] = []
        self.token_attempts = 0  # token requests received, answered or not
        self.api_requests: list[Any] = []
        self._lock = threading.Lock()
        self.token_started = threading.Event()
        self.release = threading.Event()
        self.release.set()
        self.async_gate: Any = None

    def _token(self, request: Any) -> Any:
        with self._lock:
            self.token_requests.append(TokenRequest(request))
            n = len(self.token_requests)
        return self.answer(n, self.token_requests[-1])

    def _api(self, request: Any) -> Any:
        self.api_requests.append(request)
        return self.http.Response(200, json={"authorization": request.headers.get("authorization"), "headers": dict(request.headers)})

    def handler(self, request: Any) -> Any:
        if str(request.url).startswith(TOKEN_URL.rsplit("/", 1)[0] + "/"):
            with self._lock:
                self.token_attempts += 1
            self.token_started.set()
            self.release.wait(30)
            return self._token(request)
        return self._api(request)

    async def async_handler(self, request: Any) -> Any:
        if str(request.url).startswith(TOKEN_URL.rsplit("/", 1)[0] + "/"):
            with self._lock:
                self.token_attempts += 1
            self.token_started.set()
            if self.async_gate is not None:
                await self.async_gate.wait()
            return self._token(request)
        return self._api(request)

    def transport(self) -> Any:
        return self.http.MockTransport(self.handler)

    def async_transport(self) -> Any:
        return self.http.MockTransport(self.async_handler)

    def get(self, auth: Any, **kwargs: Any) -> Any:
        with self.http.Client(transport=self.transport()) as client:
            return client.get(API_URL, auth=auth, **kwargs)

    async def aget(self, auth: Any) -> Any:
        async with self.http.AsyncClient(transport=self.async_transport()) as client:
            return await client.get(API_URL, auth=auth)


def json_answer(http: ModuleType, body: Any, status: int = 200) -> Answer:
    return lambda n, _: http.Response(status, json=body)


def raw_answer(http: ModuleType, content: bytes, content_type: str, status: int = 200) -> Answer:
    return lambda n, _: http.Response(status, content=content, headers={"content-type": content_type})


def store_tokens(path: str, worker: int, count: int, start: Any, results: Any) -> None:
    """Run in a child process: once every worker reached ``start`` (a barrier), store
    ``count`` tokens in the file cache at ``path``, checking after each write that the
    file is valid JSON. Puts ``(worker, problems)`` in the ``results`` queue."""
    from httpx_auth import JsonTokenFileCache
    from httpx_auth._oauth2 import Token

    problems = []
    cache = JsonTokenFileCache(path)
    start.wait()
    for i in range(count):
        cache.store(f"worker{worker}-{i}", Token(f"token-{worker}-{i}", None, f"refresh-{worker}-{i}"))
        with open(path, "rb") as file:
            try:
                data = json.loads(file.read())
            except ValueError as error:
                problems.append(f"invalid JSON after write {i}: {error}")
                continue
        if f"worker{worker}-{i}" not in data:
            problems.append(f"worker{worker}-{i} missing right after its write")
    results.put((worker, problems))
