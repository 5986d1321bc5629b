"""DPoP (RFC 9449) together with the retry on a rejected token (RFC 6750 §3.1): a
DPoP-bound token is rejected with a ``DPoP`` challenge, and a streamed body is never
sent twice, whichever of the two asks for the resend."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

from httpx_auth import OAuth2ClientCredentials
from oauth2_fakes import API_URL, TOKEN_URL, fresh_token_cache  # noqa: F401


class Server:
    """Issues DPoP tokens tok-1, tok-2...; the API answers 401 with ``challenge`` to the
    tokens in ``revoked`` (and to every request while ``nonce_challenges`` lasts)."""

    def __init__(self, http: ModuleType, challenge: str, nonce_challenges: int = 0) -> None:
        self.http = http
        self.challenge = challenge
        self.nonce_challenges = nonce_challenges
        self.issued = 0
        self.revoked: set[str] = set()
        self.api: list[tuple[str, str, bytes]] = []

    def handler(self, request: Any, body: bytes | None = None) -> Any:
        if str(request.url) == TOKEN_URL:
            self.issued += 1
            answer = {"access_token": f"tok-{self.issued}", "token_type": "DPoP", "expires_in": 3600}
            return self.http.Response(200, json=answer)
        if body is None:  # read as a real transport does: a stream is consumed, not kept
            body = b"".join(request.stream)
        self.api.append((request.headers["authorization"], request.headers["dpop"], body))
        if self.nonce_challenges:
            self.nonce_challenges -= 1
            return self.http.Response(
                401, headers={"WWW-Authenticate": 'DPoP error="use_dpop_nonce"', "DPoP-Nonce": "n-1"}
            )
        if request.headers["authorization"].removeprefix("DPoP ") in self.revoked:
            return self.http.Response(401, headers={"WWW-Authenticate": self.challenge})
        return self.http.Response(200, json={"authorization": request.headers["authorization"]})

    def client(self) -> Any:
        """A client whose transport, like a real one (unlike ``MockTransport``), consumes
        a streamed body instead of reading it into the request."""
        server = self

        class Transport(self.http.BaseTransport):  # type: ignore[name-defined,misc]
            def handle_request(self, request: Any) -> Any:
                return server.handler(request)

        return self.http.Client(transport=Transport())

    def async_client(self) -> Any:
        server = self

        class Transport(self.http.AsyncBaseTransport):  # type: ignore[name-defined,misc]
            async def handle_async_request(self, request: Any) -> Any:
                return server.handler(request, b"".join([chunk async for chunk in request.stream]))

        return self.http.AsyncClient(transport=Transport())


@pytest.mark.parametrize(
    "challenge",
    ['DPoP error="invalid_token", algs="ES256"', 'DPoP algs="ES256", error="invalid_token"'],
)
def test_rejected_dpop_token_is_replaced(http: ModuleType, challenge: str) -> None:
    server = Server(http, challenge)
    auth = OAuth2ClientCredentials(TOKEN_URL, "svc", "secret", dpop=True)
    with server.client() as client:
        assert client.get(API_URL, auth=auth).json()["authorization"] == "DPoP tok-1"
        server.revoked.add("tok-1")
        response = client.get(API_URL, auth=auth)
    assert response.status_code == 200 and response.json()["authorization"] == "DPoP tok-2"
    assert [sent[0] for sent in server.api] == ["DPoP tok-1", "DPoP tok-1", "DPoP tok-2"]
    assert server.api[1][1] != server.api[2][1]  # a new proof for the new token


async def test_rejected_dpop_token_is_replaced_async(http: ModuleType) -> None:
    server = Server(http, 'DPoP error="invalid_token"')
    auth = OAuth2ClientCredentials(TOKEN_URL, "svc", "secret", dpop=True)
    async with server.async_client() as client:
        await client.get(API_URL, auth=auth)
        server.revoked.add("tok-1")
        response = await client.get(API_URL, auth=auth)
    assert response.json()["authorization"] == "DPoP tok-2"


def chunks() -> Iterator[bytes]:
    yield b"part-1,"
    yield b"part-2"


def test_nonce_challenge_does_not_resend_a_streamed_body(http: ModuleType) -> None:
    server = Server(http, 'DPoP error="invalid_token"', nonce_challenges=1)
    auth = OAuth2ClientCredentials(TOKEN_URL, "svc", "secret", dpop=True)
    with server.client() as client:
        response = client.post(API_URL, content=chunks(), auth=auth)
    assert response.status_code == 401  # the challenge is the answer: the stream is gone
    assert [sent[2] for sent in server.api] == [b"part-1,part-2"]


def test_nonce_challenge_resends_a_replayable_body(http: ModuleType) -> None:
    server = Server(http, 'DPoP error="invalid_token"', nonce_challenges=1)
    auth = OAuth2ClientCredentials(TOKEN_URL, "svc", "secret", dpop=True)
    with server.client() as client:
        response = client.post(API_URL, content=b"payload", auth=auth)
    assert response.status_code == 200
    assert [sent[2] for sent in server.api] == [b"payload", b"payload"]


def test_dpop_challenge_error_is_read() -> None:
    from httpx_auth._oauth2.rejection import bearer_error

    assert bearer_error('Basic realm="x", DPoP algs="ES256", error="invalid_token"', "dpop") == "invalid_token"
    assert bearer_error('Bearer error="invalid_token"', "dpop") is None


def api_calls(http: ModuleType, answers: list[tuple[int, list[tuple[str, str]]]]) -> tuple[int, int]:
    """A GET with a DPoP client credentials auth against an API answering ``answers`` in
    turn (status, headers), then 200: the final status and how many API requests it took."""
    auth = OAuth2ClientCredentials(TOKEN_URL, "svc", "secret", dpop=True)
    sent: list[str] = []

    def handler(request: Any) -> Any:
        if str(request.url) == TOKEN_URL:
            return http.Response(200, json={"access_token": "tok-1", "token_type": "DPoP", "expires_in": 3600})
        sent.append(request.headers["dpop"])
        status, headers = answers[len(sent) - 1] if len(sent) <= len(answers) else (200, [])
        return http.Response(status, headers=headers)

    with http.Client(transport=http.MockTransport(handler)) as client:
        return client.get(API_URL, auth=auth).status_code, len(sent)


def test_nonce_challenge_beside_a_bearer_challenge(http: ModuleType) -> None:
    # Two WWW-Authenticate headers, the DPoP one second (RFC 9110 §11.6.1 allows either order).
    challenges = [("WWW-Authenticate", 'Bearer realm="api"'), ("WWW-Authenticate", 'DPoP error="use_dpop_nonce"')]
    assert api_calls(http, [(401, challenges + [("DPoP-Nonce", "n-1")])]) == (200, 2)


def test_a_description_naming_the_nonce_error_is_no_nonce_challenge(http: ModuleType) -> None:
    challenge = 'DPoP error="invalid_dpop_proof", error_description="not a use_dpop_nonce matter"'
    assert api_calls(http, [(401, [("WWW-Authenticate", challenge), ("DPoP-Nonce", "n-1")])] * 2) == (401, 1)
