"""Token revocation (RFC 7009): ``revoke(client)`` and ``await arevoke(client)``."""

from __future__ import annotations

import base64
from types import ModuleType
from typing import Any

import pytest
import trio

from httpx_auth import (
    InvalidGrantRequest,
    InvalidParameter,
    InvalidTokenResponse,
    OAuth2,
    OAuth2ClientCredentials,
    OAuth2DeviceCode,
    OAuth2ResourceOwnerPasswordCredentials,
)
from httpx_auth._oauth2.token import Token
from oauth2_fakes import API_URL, TOKEN_URL, FakeServer, TokenRequest, fresh_token_cache  # noqa: F401

REVOKE_URL = "https://as.example.com/revoke"


class RevokingServer(FakeServer):
    """Tokens with refresh tokens at TOKEN_URL; ``revoke_answers`` answer the revocations in turn."""

    def __init__(self, http: ModuleType, *revoke_answers: Any) -> None:
        super().__init__(http, self.answer_for)
        self.revoke_answers = list(revoke_answers)
        self.revocations: list[TokenRequest] = []

    def answer_for(self, n: int, sent: TokenRequest) -> Any:
        if sent.url == REVOKE_URL:
            self.revocations.append(sent)
            return self.revoke_answers.pop(0) if self.revoke_answers else self.http.Response(200)
        return self.http.Response(200, json={"access_token": f"token-{n}", "refresh_token": f"refresh-{n}", "expires_in": 60})


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def confidential() -> OAuth2ClientCredentials:
    auth = OAuth2ClientCredentials(TOKEN_URL, "my-id", "my-secret")
    auth.revocation_url = REVOKE_URL
    return auth


def test_refresh_then_access_token_are_revoked_and_forgotten(http: ModuleType) -> None:
    server = RevokingServer(http)
    auth = confidential()
    with http.Client(transport=server.transport()) as client:
        client.get(API_URL, auth=auth)
        auth.revoke(client)
        assert OAuth2.token_cache.stored(auth.cache_key) is None
        assert [r.form for r in server.revocations] == [
            {"token": "refresh-1", "token_type_hint": "refresh_token"},
            {"token": "token-1", "token_type_hint": "access_token"},
        ]
        assert {r.headers["authorization"] for r in server.revocations} == {basic("my-id", "my-secret")}
        # The next request obtains a new token.
        assert client.get(API_URL, auth=auth).json()["authorization"] == "Bearer token-4"
        assert server.token_requests[-1].form == {"grant_type": "client_credentials"}


def test_public_client_names_itself(http: ModuleType) -> None:
    server = RevokingServer(http)
    auth = OAuth2DeviceCode("https://as.example.com/device", TOKEN_URL, "my-app", revocation_url=REVOKE_URL)
    OAuth2.token_cache.store(auth.cache_key, Token("access", None, None))
    with http.Client(transport=server.transport()) as client:
        auth.revoke(client)
    (revocation,) = server.revocations
    assert revocation.form == {"token": "access", "token_type_hint": "access_token", "client_id": "my-app"}
    assert "authorization" not in revocation.headers


def test_client_auth_given_as_an_httpx_auth(http: ModuleType) -> None:
    server = RevokingServer(http)
    auth = OAuth2ResourceOwnerPasswordCredentials(TOKEN_URL, "user", "pass", client_auth=http.BasicAuth("cid", "cs"))
    auth.revocation_url = REVOKE_URL
    with http.Client(transport=server.transport()) as client:
        client.get(API_URL, auth=auth)
        auth.revoke(client)
    assert [r.headers["authorization"] for r in server.revocations] == [basic("cid", "cs")] * 2


async def test_arevoke_asyncio(http: ModuleType) -> None:
    server = RevokingServer(http)
    auth = confidential()
    async with http.AsyncClient(transport=server.async_transport()) as client:
        await client.get(API_URL, auth=auth)
        await auth.arevoke(client)
    assert len(server.revocations) == 2
    assert OAuth2.token_cache.stored(auth.cache_key) is None


def test_arevoke_trio(http: ModuleType) -> None:
    server = RevokingServer(http)
    auth = confidential()

    async def main() -> None:
        async with http.AsyncClient(transport=server.async_transport()) as client:
            await client.get(API_URL, auth=auth)
            await auth.arevoke(client)

    trio.run(main)
    assert len(server.revocations) == 2 and OAuth2.token_cache.stored(auth.cache_key) is None


def test_nothing_cached_nothing_sent(http: ModuleType) -> None:
    server = RevokingServer(http)
    with http.Client(transport=server.transport()) as client:
        confidential().revoke(client)
    assert server.revocations == [] and server.token_requests == []


def test_without_revocation_endpoint(http: ModuleType) -> None:
    auth = OAuth2ClientCredentials(TOKEN_URL, "my-id", "my-secret")
    with http.Client() as client, pytest.raises(InvalidParameter, match="revocation_url"):
        auth.revoke(client)


def test_refused_revocation_keeps_the_tokens(http: ModuleType) -> None:
    server = RevokingServer(http, http.Response(401, json={"error": "invalid_client"}))
    auth = confidential()
    with http.Client(transport=server.transport()) as client:
        client.get(API_URL, auth=auth)
        with pytest.raises(InvalidGrantRequest) as caught:
            auth.revoke(client)
    assert caught.value.error == "invalid_client" and caught.value.status_code == 401
    assert "refresh-1" not in str(caught.value) and "my-secret" not in str(caught.value)
    assert OAuth2.token_cache.stored(auth.cache_key) is not None


def test_unreadable_error_answer(http: ModuleType) -> None:
    server = RevokingServer(http, http.Response(503, text="<html>down</html>"))
    auth = confidential()
    with http.Client(transport=server.transport()) as client:
        client.get(API_URL, auth=auth)
        with pytest.raises(InvalidTokenResponse, match="HTTP 503"):
            auth.revoke(client)


def test_server_revoking_only_refresh_tokens(http: ModuleType) -> None:
    server = RevokingServer(http, http.Response(200), http.Response(400, json={"error": "unsupported_token_type"}))
    auth = confidential()
    with http.Client(transport=server.transport()) as client:
        client.get(API_URL, auth=auth)
        auth.revoke(client)
    assert OAuth2.token_cache.stored(auth.cache_key) is None


def test_unsupported_refresh_token_revocation_is_an_error(http: ModuleType) -> None:
    server = RevokingServer(http, http.Response(400, json={"error": "unsupported_token_type"}))
    auth = confidential()
    with http.Client(transport=server.transport()) as client:
        client.get(API_URL, auth=auth)
        with pytest.raises(InvalidGrantRequest, match="unsupported_token_type"):
            auth.revoke(client)


async def test_wrong_kind_of_client(http: ModuleType) -> None:
    auth = confidential()
    async with http.AsyncClient() as async_client:
        with pytest.raises(InvalidParameter, match="arevoke"):
            auth.revoke(async_client)
    with http.Client() as client:
        with pytest.raises(InvalidParameter, match=r"auth\.revoke"):
            await auth.arevoke(client)
    with pytest.raises(InvalidParameter, match="client must be"):
        auth.revoke("https://as.example.com")
