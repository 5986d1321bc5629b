"""OAuth2ResourceOwnerPasswordCredentials and its Okta preset: body, client auth, refresh."""

from __future__ import annotations

import base64
import logging
from types import ModuleType
from typing import Any

import pytest
import time_machine

import httpx_auth
from httpx_auth import (
    InvalidGrantRequest,
    InvalidParameter,
    OAuth2,
    OAuth2ResourceOwnerPasswordCredentials,
    OktaResourceOwnerPasswordCredentials,
)
from oauth2_fakes import TOKEN_URL, FakeServer, TokenRequest, fresh_token_cache  # noqa: F401

NOW = 1_700_000_000.0


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def short_lived(http: ModuleType, *, rotate: bool = True) -> Any:
    """Tokens valid 100 s; refresh tokens rotate unless ``rotate`` is false."""

    def answer(n: int, sent: TokenRequest) -> Any:
        body: dict[str, Any] = {"access_token": f"token-{n}", "expires_in": 100}
        if rotate or sent.form["grant_type"] == "password":
            body["refresh_token"] = f"refresh-{n}"
        return http.Response(200, json=body)

    return answer


def test_password_grant(http: ModuleType) -> None:
    server = FakeServer(http)
    auth = OAuth2ResourceOwnerPasswordCredentials(TOKEN_URL, "alice", "wonder land")
    assert server.get(auth).json()["authorization"] == "Bearer token-1"
    sent = server.token_requests[0]
    assert sent.form == {"grant_type": "password", "username": "alice", "password": "wonder land"}
    assert "authorization" not in sent.headers  # public client: no client authentication


async def test_password_grant_async(http: ModuleType) -> None:
    server = FakeServer(http)
    auth = OAuth2ResourceOwnerPasswordCredentials(TOKEN_URL, "alice", "pw", scope=["a", "b"], extra="x")
    assert (await server.aget(auth)).json()["authorization"] == "Bearer token-1"
    assert server.token_requests[0].form == {
        "grant_type": "password",
        "username": "alice",
        "password": "pw",
        "scope": "a b",
        "extra": "x",
    }


def test_client_auth_pair_uses_basic(http: ModuleType) -> None:
    server = FakeServer(http)
    server.get(OAuth2ResourceOwnerPasswordCredentials(TOKEN_URL, "alice", "pw", client_auth=("app", "app-secret")))
    assert server.token_requests[0].headers["authorization"] == basic("app", "app-secret")


def test_client_auth_pair_in_the_body(http: ModuleType) -> None:
    server = FakeServer(http)
    auth = OAuth2ResourceOwnerPasswordCredentials(
        TOKEN_URL, "alice", "pw", client_auth=("app", "app-secret"), client_auth_method="client_secret_post"
    )
    server.get(auth)
    sent = server.token_requests[0]
    assert sent.form["client_id"] == "app" and sent.form["client_secret"] == "app-secret"
    assert "authorization" not in sent.headers


def test_client_auth_as_an_httpx_auth(http: ModuleType) -> None:
    server = FakeServer(http)
    auth = OAuth2ResourceOwnerPasswordCredentials(TOKEN_URL, "alice", "pw", client_auth=http.BasicAuth("app", "s"))
    server.get(auth)
    assert server.token_requests[0].headers["authorization"] == basic("app", "s")


async def test_client_auth_as_an_httpx_auth_async(http: ModuleType) -> None:
    server = FakeServer(http)
    auth = OAuth2ResourceOwnerPasswordCredentials(TOKEN_URL, "alice", "pw", client_auth=httpx_auth.HeaderApiKey("k", "X-Client"))
    await server.aget(auth)
    assert server.token_requests[0].headers["x-client"] == "k"


def test_client_auth_that_answers_a_challenge(http: ModuleType) -> None:
    """An auth whose flow sends a second request (like Digest) is driven to the end."""
    seen: list[str | None] = []

    def handler(request: Any) -> Any:
        if str(request.url) == TOKEN_URL:
            seen.append(request.headers.get("authorization"))
            if "authorization" not in request.headers:
                return http.Response(401, headers={"www-authenticate": 'Digest realm="as", nonce="n", qop="auth"'})
            return http.Response(200, json={"access_token": "digest-token"})
        return http.Response(200, json={"authorization": request.headers.get("authorization")})

    auth = OAuth2ResourceOwnerPasswordCredentials(TOKEN_URL, "alice", "pw", client_auth=http.DigestAuth("app", "s"))
    with http.Client(transport=http.MockTransport(handler)) as client:
        assert client.get("https://api.example.com/", auth=auth).json()["authorization"] == "Bearer digest-token"
    assert seen[0] is None and seen[1] is not None and seen[1].startswith("Digest ")


@pytest.mark.parametrize(
    ("client_auth", "method", "match"),
    [
        (("only-one",), "client_secret_basic", "pair"),
        ("app:secret", "client_secret_basic", "pair or an httpx Auth"),
        (("app", "s"), "tls_client_auth", "client_auth_method"),
        (httpx_auth.Basic("a", "b"), "client_secret_post", "client_secret_post"),
        (("", "s"), "client_secret_basic", "client_id"),
    ],
)
def test_invalid_client_auth(client_auth: Any, method: str, match: str) -> None:
    with pytest.raises(InvalidParameter, match=match):
        OAuth2ResourceOwnerPasswordCredentials(TOKEN_URL, "a", "pw", client_auth=client_auth, client_auth_method=method)


@pytest.mark.parametrize(("kwargs", "match"), [({"username": ""}, "username"), ({"password": ""}, "password"), ({"token_url": None}, "token_url")])
def test_invalid_parameters(kwargs: dict[str, Any], match: str) -> None:
    arguments = {"token_url": TOKEN_URL, "username": "alice", "password": "pw", **kwargs}
    with pytest.raises(InvalidParameter, match=match):
        OAuth2ResourceOwnerPasswordCredentials(**arguments)


def test_refresh_token_is_used_and_rotated(http: ModuleType) -> None:
    server = FakeServer(http, short_lived(http))
    auth = OAuth2ResourceOwnerPasswordCredentials(TOKEN_URL, "alice", "pw", client_auth=("app", "s"), scope="a")
    with time_machine.travel(NOW, tick=False) as clock:
        assert server.get(auth).json()["authorization"] == "Bearer token-1"
        clock.shift(80)
        assert server.get(auth).json()["authorization"] == "Bearer token-2"
        clock.shift(80)
        assert server.get(auth).json()["authorization"] == "Bearer token-3"
    grants = [sent.form for sent in server.token_requests]
    assert grants[1] == {"grant_type": "refresh_token", "refresh_token": "refresh-1"}
    assert grants[2] == {"grant_type": "refresh_token", "refresh_token": "refresh-2"}  # the rotated one
    assert server.token_requests[1].headers["authorization"] == basic("app", "s")
    stored = OAuth2.token_cache.stored(auth.cache_key)
    assert stored is not None and stored.refresh_token == "refresh-3"


async def test_refresh_token_async(http: ModuleType) -> None:
    server = FakeServer(http, short_lived(http))
    auth = OAuth2ResourceOwnerPasswordCredentials(TOKEN_URL, "alice", "pw")
    with time_machine.travel(NOW, tick=False) as clock:
        await server.aget(auth)
        clock.shift(80)
        assert (await server.aget(auth)).json()["authorization"] == "Bearer token-2"
    assert server.token_requests[1].form["grant_type"] == "refresh_token"


def test_refresh_token_kept_when_not_rotated(http: ModuleType) -> None:
    server = FakeServer(http, short_lived(http, rotate=False))
    auth = OAuth2ResourceOwnerPasswordCredentials(TOKEN_URL, "alice", "pw")
    with time_machine.travel(NOW, tick=False) as clock:
        server.get(auth)
        clock.shift(80)
        server.get(auth)
        clock.shift(80)
        server.get(auth)
    assert [sent.form.get("refresh_token") for sent in server.token_requests] == [None, "refresh-1", "refresh-1"]


def test_rejected_refresh_falls_back_to_the_password(http: ModuleType, caplog: pytest.LogCaptureFixture) -> None:
    def answer(n: int, sent: TokenRequest) -> Any:
        if sent.form["grant_type"] == "refresh_token":
            return http.Response(400, json={"error": "invalid_grant"})
        return http.Response(200, json={"access_token": f"token-{n}", "expires_in": 100, "refresh_token": "rotten-refresh"})

    caplog.set_level(logging.DEBUG)
    server = FakeServer(http, answer)
    auth = OAuth2ResourceOwnerPasswordCredentials(TOKEN_URL, "alice", "the-password")
    with time_machine.travel(NOW, tick=False) as clock:
        server.get(auth)
        clock.shift(80)
        assert server.get(auth).json()["authorization"] == "Bearer token-3"
    assert [sent.form["grant_type"] for sent in server.token_requests] == ["password", "refresh_token", "password"]
    assert "rotten-refresh" not in caplog.text and "the-password" not in caplog.text


def test_failed_new_grant_after_a_rejected_refresh_does_not_retry_the_refresh(http: ModuleType) -> None:
    def answer(n: int, sent: TokenRequest) -> Any:
        if n == 1:
            return http.Response(200, json={"access_token": "t", "expires_in": 100, "refresh_token": "r"})
        return http.Response(400, json={"error": "invalid_grant"})

    server = FakeServer(http, answer)
    auth = OAuth2ResourceOwnerPasswordCredentials(TOKEN_URL, "alice", "pw")
    with time_machine.travel(NOW, tick=False) as clock:
        server.get(auth)
        clock.shift(80)
        with pytest.raises(InvalidGrantRequest):
            server.get(auth)
        with pytest.raises(InvalidGrantRequest):
            server.get(auth)
    assert [sent.form["grant_type"] for sent in server.token_requests] == ["password", "refresh_token", "password", "password"]


def test_refresh_through_the_given_client(http: ModuleType) -> None:
    token_server = FakeServer(http, short_lived(http))
    with http.Client(transport=token_server.transport()) as token_client:
        auth = OAuth2ResourceOwnerPasswordCredentials(TOKEN_URL, "alice", "pw", client=token_client)
        api = FakeServer(http, lambda n, _: pytest.fail("tokens come from the given client"))
        with time_machine.travel(NOW, tick=False) as clock:
            api.get(auth)
            clock.shift(80)
            assert api.get(auth).json()["authorization"] == "Bearer token-2"
    assert [sent.form["grant_type"] for sent in token_server.token_requests] == ["password", "refresh_token"]


def test_okta(http: ModuleType) -> None:
    auth = OktaResourceOwnerPasswordCredentials("test.okta-emea.com", "alice", "pw", "client-id", "client-secret")
    assert auth.token_url == "https://test.okta-emea.com/oauth2/default/v1/token"
    sent: list[TokenRequest] = []

    def handler(request: Any) -> Any:
        if str(request.url) == auth.token_url:
            sent.append(TokenRequest(request))
            return http.Response(200, json={"access_token": "okta-token"})
        return http.Response(200, json={"authorization": request.headers.get("authorization")})

    with http.Client(transport=http.MockTransport(handler)) as client:
        assert client.get("https://api.example.com/", auth=auth).json()["authorization"] == "Bearer okta-token"
    assert sent[0].form == {"grant_type": "password", "username": "alice", "password": "pw", "scope": "openid"}
    assert sent[0].headers["authorization"] == basic("client-id", "client-secret")


def test_okta_options() -> None:
    auth = OktaResourceOwnerPasswordCredentials(
        "x.okta.com", "alice", "pw", "c", "s", scope=["openid", "email"], authorization_server="aus1", timeout=3
    )
    assert auth.token_url == "https://x.okta.com/oauth2/aus1/v1/token"
    assert auth.scope == "openid email" and auth.timeout == 3


@pytest.mark.parametrize("missing", ["client_id", "client_secret", "instance"])
def test_okta_mandatory(missing: str) -> None:
    arguments = {"instance": "x.okta.com", "username": "a", "password": "p", "client_id": "c", "client_secret": "s", missing: ""}
    with pytest.raises(InvalidParameter, match=missing):
        OktaResourceOwnerPasswordCredentials(**arguments)


def test_client_secret_changes_the_cache_key() -> None:
    one = OktaResourceOwnerPasswordCredentials("x.okta.com", "a", "p", "c", "s1")
    two = OktaResourceOwnerPasswordCredentials("x.okta.com", "a", "p", "c", "s2")
    three = OAuth2ResourceOwnerPasswordCredentials(one.token_url, "a", "p", client_auth=("c", "s1"), scope="openid")
    assert one.cache_key != two.cache_key
    assert one.cache_key == three.cache_key


def test_password_changes_the_cache_key() -> None:
    one = OAuth2ResourceOwnerPasswordCredentials(TOKEN_URL, "a", "p1")
    two = OAuth2ResourceOwnerPasswordCredentials(TOKEN_URL, "a", "p2")
    assert one.cache_key != two.cache_key


def test_repr_hides_secrets() -> None:
    auth = OktaResourceOwnerPasswordCredentials("x.okta.com", "alice", "the-password", "client", "the-client-secret")
    shown = repr(auth)
    assert "the-password" not in shown and "the-client-secret" not in shown and "alice" in shown


def test_client_auth_objects_enter_the_cache_key() -> None:
    def key(client_auth: Any) -> str:
        return OAuth2ResourceOwnerPasswordCredentials(TOKEN_URL, "a", "p", client_auth=client_auth).cache_key

    import httpx

    assert key(httpx.BasicAuth("app", "s1")) == key(httpx.BasicAuth("app", "s1"))
    assert key(httpx.BasicAuth("app", "s1")) != key(httpx.BasicAuth("app", "s2"))
    assert key(httpx.BasicAuth("app", "s1")) != key(("app", "s1")) != key(None)


def test_client_auth_object_with_a_cyclic_state_still_gives_a_key() -> None:
    class Cyclic(httpx_auth.HeaderApiKey):
        pass

    auth = Cyclic("k")
    auth.me = auth  # type: ignore[attr-defined]
    auth.nested = {"a": [auth, {"b": auth}]}  # type: ignore[attr-defined]
    assert len(OAuth2ResourceOwnerPasswordCredentials(TOKEN_URL, "a", "p", client_auth=auth).cache_key) == 64
