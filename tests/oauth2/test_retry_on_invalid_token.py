"""Retry on a rejected token (RFC 6750 §3.1): a cached token answered with 401
``invalid_token`` is dropped, a new one obtained (refresh token first) and the request
sent once more; never twice, never with a body that cannot be sent again."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
import trio

import httpx_auth
from httpx_auth import HeaderApiKey, InvalidParameter, OAuth2, OAuth2ClientCredentials
from httpx_auth._base import AuthBase
from httpx_auth._oauth2.grant import GrantAuth
from httpx_auth._oauth2.token import Token
from httpx_auth._oauth2.rejection import bearer_error
from oauth2_fakes import API_URL, TOKEN_URL, FakeServer, fresh_token_cache  # noqa: F401

INVALID = 'Bearer realm="api", error="invalid_token", error_description="The access token was revoked"'


@pytest.mark.parametrize(
    ("header", "error"),
    [
        ('Bearer error="invalid_token"', "invalid_token"),
        (INVALID, "invalid_token"),
        ("Bearer error=invalid_token", "invalid_token"),
        ('Basic realm="x", Bearer realm="api", error="invalid_token"', "invalid_token"),
        ('bearer ERROR="invalid_token"', "invalid_token"),
        ('Bearer error="insufficient_scope", scope="read"', "insufficient_scope"),
        ('Basic error="invalid_token"', None),
        ('DPoP error="invalid_token", Basic realm="x"', None),
        ('Bearer realm="a, error=invalid_token"', None),
        ('Bearer realm="say \\"hi\\"", error="invalid_token"', "invalid_token"),
        ("Bearer", None),
        ("", None),
        ("Bearer ===", None),
    ],
)
def test_bearer_error(header: str, error: str | None) -> None:
    assert bearer_error(header) == error


class RejectingServer(FakeServer):
    """An API that rejects the tokens in ``revoked`` with ``answer_401`` (RFC 6750 by default)."""

    def __init__(self, http: ModuleType, refresh: bool = False, www_authenticate: str | None = INVALID) -> None:
        def answer(n: int, sent: Any) -> Any:
            body: dict[str, Any] = {"access_token": f"token-{n}", "expires_in": 3600}
            if refresh:
                body["refresh_token"] = f"refresh-{n}"
            return http.Response(200, json=body)

        super().__init__(http, answer)
        self.revoked: set[str] = set()
        self.www_authenticate = www_authenticate
        self.bodies: list[bytes] = []

    def _api(self, request: Any) -> Any:
        self.api_requests.append(request)
        self.bodies.append(request.read())
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if token in self.revoked:
            headers = {} if self.www_authenticate is None else {"WWW-Authenticate": self.www_authenticate}
            return self.http.Response(401, headers=headers, json={"error": "invalid_token"})
        return self.http.Response(200, json={"authorization": f"Bearer {token}"})


def auth_for(**kwargs: Any) -> OAuth2ClientCredentials:
    return OAuth2ClientCredentials(TOKEN_URL, "id", "secret", **kwargs)


def test_rejected_cached_token_is_replaced_and_the_request_sent_again(http: ModuleType) -> None:
    server = RejectingServer(http)
    auth = auth_for()
    with http.Client(transport=server.transport()) as client:
        assert client.get(API_URL, auth=auth).json()["authorization"] == "Bearer token-1"
        server.revoked.add("token-1")
        reply = client.post(API_URL, auth=auth, content=b"payload")
        assert reply.status_code == 200 and reply.json()["authorization"] == "Bearer token-2"
        assert len(server.api_requests) == 3 and server.bodies[1:] == [b"payload", b"payload"]
        # The new token is cached and used from now on.
        assert client.get(API_URL, auth=auth).json()["authorization"] == "Bearer token-2"
    assert len(server.token_requests) == 2


def test_the_refresh_token_is_used_first(http: ModuleType) -> None:
    server = RejectingServer(http, refresh=True)
    auth = auth_for()
    with http.Client(transport=server.transport()) as client:
        client.get(API_URL, auth=auth)
        server.revoked.add("token-1")
        assert client.get(API_URL, auth=auth).json()["authorization"] == "Bearer token-2"
    assert server.token_requests[1].form == {"grant_type": "refresh_token", "refresh_token": "refresh-1"}


async def test_asyncio(http: ModuleType) -> None:
    server = RejectingServer(http, refresh=True)
    auth = auth_for()
    async with http.AsyncClient(transport=server.async_transport()) as client:
        await client.get(API_URL, auth=auth)
        server.revoked.add("token-1")
        reply = await client.put(API_URL, auth=auth, json={"a": 1})
    assert reply.json()["authorization"] == "Bearer token-2"
    assert server.bodies[1:] == [b'{"a":1}'] * 2 or server.bodies[1:] == [b'{"a": 1}'] * 2


def test_trio(http: ModuleType) -> None:
    server = RejectingServer(http)
    auth = auth_for()

    async def main() -> list[str]:
        async with http.AsyncClient(transport=server.async_transport()) as client:
            first = (await client.get(API_URL, auth=auth)).json()["authorization"]
            server.revoked.add("token-1")
            return [first, (await client.get(API_URL, auth=auth)).json()["authorization"]]

    assert trio.run(main) == ["Bearer token-1", "Bearer token-2"]


def test_never_more_than_once_per_request(http: ModuleType) -> None:
    server = RejectingServer(http)
    auth = auth_for()
    with http.Client(transport=server.transport()) as client:
        client.get(API_URL, auth=auth)
        server.revoked.update({"token-1", "token-2", "token-3"})
        assert client.get(API_URL, auth=auth).status_code == 401
    assert len(server.api_requests) == 3 and len(server.token_requests) == 2


async def test_never_more_than_once_per_request_async(http: ModuleType) -> None:
    server = RejectingServer(http)
    auth = auth_for()
    async with http.AsyncClient(transport=server.async_transport()) as client:
        await client.get(API_URL, auth=auth)
        server.revoked.update({"token-1", "token-2"})
        assert (await client.get(API_URL, auth=auth)).status_code == 401
    assert len(server.api_requests) == 3


def test_a_fresh_token_is_not_retried(http: ModuleType) -> None:
    server = RejectingServer(http)
    server.revoked.add("token-1")
    assert server.get(auth_for()).status_code == 401
    assert len(server.api_requests) == 1 and len(server.token_requests) == 1


def test_turned_off(http: ModuleType) -> None:
    server = RejectingServer(http)
    auth = auth_for(retry_on_invalid_token=False)
    with http.Client(transport=server.transport()) as client:
        client.get(API_URL, auth=auth)
        server.revoked.add("token-1")
        assert client.get(API_URL, auth=auth).status_code == 401
        assert client.get(API_URL, auth=auth).status_code == 401
    assert len(server.token_requests) == 1


PUBLIC_GRANTS = {
    "OAuth2ClientCredentials": lambda **k: httpx_auth.OAuth2ClientCredentials(TOKEN_URL, "c", "s", **k),
    "OktaClientCredentials": lambda **k: httpx_auth.OktaClientCredentials("i.okta.com", "c", "s", scope="x", **k),
    "OAuth2ResourceOwnerPasswordCredentials": lambda **k: httpx_auth.OAuth2ResourceOwnerPasswordCredentials(
        TOKEN_URL, "u", "p", **k
    ),
    "OktaResourceOwnerPasswordCredentials": lambda **k: httpx_auth.OktaResourceOwnerPasswordCredentials(
        "i.okta.com", "u", "p", "c", "s", **k
    ),
    "OAuth2AuthorizationCode": lambda **k: httpx_auth.OAuth2AuthorizationCode("https://a/auth", TOKEN_URL, **k),
    "OktaAuthorizationCode": lambda **k: httpx_auth.OktaAuthorizationCode("i.okta.com", "c", **k),
    "OAuth2AuthorizationCodePKCE": lambda **k: httpx_auth.OAuth2AuthorizationCodePKCE("https://a/auth", TOKEN_URL, **k),
    "OktaAuthorizationCodePKCE": lambda **k: httpx_auth.OktaAuthorizationCodePKCE("i.okta.com", "c", **k),
    "WakaTimeAuthorizationCode": lambda **k: httpx_auth.WakaTimeAuthorizationCode("c", "s", "email", **k),
    "OAuth2Implicit": lambda **k: httpx_auth.OAuth2Implicit("https://a/auth", **k),
    "OktaImplicit": lambda **k: httpx_auth.OktaImplicit("i.okta.com", "c", **k),
    "OktaImplicitIdToken": lambda **k: httpx_auth.OktaImplicitIdToken("i.okta.com", "c", **k),
    "AzureActiveDirectoryImplicit": lambda **k: httpx_auth.AzureActiveDirectoryImplicit("t", "c", **k),
    "AzureActiveDirectoryImplicitIdToken": lambda **k: httpx_auth.AzureActiveDirectoryImplicitIdToken("t", "c", **k),
    "OAuth2DeviceCode": lambda **k: httpx_auth.OAuth2DeviceCode("https://a/device", TOKEN_URL, "c", **k),
    "OktaDeviceCode": lambda **k: httpx_auth.OktaDeviceCode("i.okta.com", "c", **k),
    "AzureActiveDirectoryDeviceCode": lambda **k: httpx_auth.AzureActiveDirectoryDeviceCode("t", "c", **k),
    "OAuth2JwtBearer": lambda **k: httpx_auth.OAuth2JwtBearer(TOKEN_URL, assertion=lambda: "a", **k),
    "OAuth2TokenExchange": lambda **k: httpx_auth.OAuth2TokenExchange(TOKEN_URL, "st", "jwt", **k),
}


def test_every_public_grant_is_listed() -> None:
    grants = {
        name
        for name in httpx_auth.__all__
        if isinstance(getattr(httpx_auth, name), type) and issubclass(getattr(httpx_auth, name), GrantAuth)
    }
    assert grants == set(PUBLIC_GRANTS)


@pytest.mark.parametrize("name", sorted(PUBLIC_GRANTS))
def test_every_grant_takes_the_option(name: str) -> None:
    assert PUBLIC_GRANTS[name]().retry_on_invalid_token is True
    assert PUBLIC_GRANTS[name](retry_on_invalid_token=False).retry_on_invalid_token is False
    with pytest.raises(InvalidParameter, match="retry_on_invalid_token must be True or False"):
        PUBLIC_GRANTS[name](retry_on_invalid_token="no")


@pytest.mark.parametrize("header", [None, 'Basic realm="api"', 'Bearer error="insufficient_scope"', 'Bearer realm="api"'])
def test_other_401s_are_returned(http: ModuleType, header: str | None) -> None:
    server = RejectingServer(http, www_authenticate=header)
    auth = auth_for()
    with http.Client(transport=server.transport()) as client:
        client.get(API_URL, auth=auth)
        server.revoked.add("token-1")
        assert client.get(API_URL, auth=auth).status_code == 401
    assert len(server.token_requests) == 1 and len(server.api_requests) == 2


def test_a_streamed_body_is_not_sent_again_but_the_token_is_dropped(http: ModuleType) -> None:
    server = RejectingServer(http)
    auth = auth_for()

    class Streaming(http.BaseTransport):  # type: ignore[misc,name-defined]
        """Consumes request bodies as a network transport does (MockTransport reads them
        into memory first, which makes any body replayable)."""

        def handle_request(self, request: Any) -> Any:
            if not isinstance(request.stream, http.ByteStream):
                server.bodies.append(b"".join(request.stream))
                token = request.headers["authorization"].removeprefix("Bearer ")
                server.api_requests.append(request)
                return http.Response(401 if token in server.revoked else 200, headers={"WWW-Authenticate": INVALID})
            return server.handler(request)

    def chunks() -> Iterator[bytes]:
        yield b"part"

    with http.Client(transport=Streaming()) as client:
        client.get(API_URL, auth=auth)
        server.revoked.add("token-1")
        assert client.post(API_URL, auth=auth, content=chunks()).status_code == 401
        assert len(server.api_requests) == 2 and server.bodies[-1] == b"part"
        assert client.get(API_URL, auth=auth).json()["authorization"] == "Bearer token-2"


def test_a_token_replaced_meanwhile_is_kept(http: ModuleType) -> None:
    server = RejectingServer(http)
    auth = auth_for()

    def api(request: Any) -> Any:
        server.api_requests.append(request)
        if len(server.api_requests) == 2:
            # Another request replaced the token while this one was in flight.
            OAuth2.token_cache.store(auth.cache_key, Token("other-token", None))
            return http.Response(401, headers={"WWW-Authenticate": INVALID})
        return http.Response(200, json={"authorization": request.headers["authorization"]})

    server._api = api  # type: ignore[method-assign]
    with http.Client(transport=server.transport()) as client:
        client.get(API_URL, auth=auth)
        assert client.get(API_URL, auth=auth).json()["authorization"] == "Bearer other-token"
    assert len(server.token_requests) == 1


def test_combined_with_another_auth(http: ModuleType) -> None:
    server = RejectingServer(http)
    auth = auth_for() + HeaderApiKey("key", header_name="X-Key")
    with http.Client(transport=server.transport()) as client:
        client.get(API_URL, auth=auth)
        server.revoked.add("token-1")
        assert client.get(API_URL, auth=auth).json()["authorization"] == "Bearer token-2"
    assert server.api_requests[-1].headers["x-key"] == "key"


def test_general_driver_path(http: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    """The generic flow (``auth_flow``, run without the cached-token fast path) retries too."""
    monkeypatch.setattr(OAuth2ClientCredentials, "sync_auth_flow", AuthBase.sync_auth_flow)
    server = RejectingServer(http)
    auth = auth_for()
    with http.Client(transport=server.transport()) as client:
        client.get(API_URL, auth=auth)
        server.revoked.add("token-1")
        assert client.get(API_URL, auth=auth).json()["authorization"] == "Bearer token-2"
        server.revoked.add("token-2")
        server.revoked.add("token-3")
        assert client.get(API_URL, auth=auth).status_code == 401
    assert len(server.token_requests) == 3
