"""Helpers shared by the browser grant tests (this module holds no tests).

``Server`` plays the token endpoint and the API behind one MockTransport; ``call``
sends a request with an auth through a sync or an async client of either library.
"""

from __future__ import annotations

import asyncio
import json
from types import ModuleType
from typing import Any, Union
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest

API_URL = "https://api.example.com/data"
AUTHORIZATION_URL = "https://idp.example.com/authorize"
TOKEN_URL = "https://idp.example.com/token"
REDIRECT_URI = "http%3A%2F%2Flocalhost%3A5000%2F"

#: Run a test with a sync and with an async client.
MODES = pytest.mark.parametrize("mode", ["sync", "async"])

# A token endpoint answer: a JSON object (HTTP 200), or (status, JSON object).
Answer = Union[dict[str, Any], tuple[int, dict[str, Any]]]


class Server:
    """The token endpoint (any ``/token`` path) and the API, answering in order."""

    def __init__(self, http: ModuleType, *answers: Answer) -> None:
        self.http = http
        self.answers = list(answers)
        self.token_requests: list[Any] = []
        self.api_requests: list[Any] = []

    def handler(self, request: Any) -> Any:
        if request.url.path.endswith("/token"):
            self.token_requests.append(request)
            assert self.answers, "unexpected token request"
            answer = self.answers.pop(0)
            status, body = answer if isinstance(answer, tuple) else (200, answer)
            return self.http.Response(status, json=body)
        self.api_requests.append(request)
        return self.http.Response(200, json={"authorization": request.headers.get("authorization")})

    def form(self, index: int = -1) -> dict[str, str]:
        """The form parameters of a token request."""
        return dict(parse_qsl(self.token_requests[index].content.decode()))

    def transport(self) -> Any:
        return self.http.MockTransport(self.handler)


def call(http: ModuleType, mode: str, auth: Any, server: Server, url: str = API_URL) -> Any:
    """GET ``url`` with ``auth`` through a ``mode`` ("sync" or "async") client."""
    if mode == "sync":
        with http.Client(transport=server.transport()) as client:
            return client.get(url, auth=auth)

    async def run() -> Any:
        async with http.AsyncClient(transport=server.transport()) as client:
            return await client.get(url, auth=auth)

    return asyncio.run(run())


def authorization(response: Any) -> Any:
    """The Authorization header the API received."""
    return json.loads(response.content)["authorization"]


def query(url: str | None) -> dict[str, list[str]]:
    """The query parameters of the URL the browser was asked to open."""
    assert url is not None
    return parse_qs(urlsplit(url).query)
