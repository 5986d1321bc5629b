"""OAuth2ClientCredentials and OktaClientCredentials, with httpx and httpx2, sync and async."""

from __future__ import annotations

import base64
import logging
from types import ModuleType
from typing import Any

import pytest
import time_machine

import httpx_auth
from httpx_auth import (
    GrantNotProvided,
    InvalidGrantRequest,
    InvalidParameter,
    OAuth2,
    OAuth2ClientCredentials,
    OktaClientCredentials,
)
from oauth2_fakes import API_URL, TOKEN_URL, FakeServer, fresh_token_cache, json_answer  # noqa: F401

NOW = 1_700_000_000.0


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_token_is_requested_then_sent(http: ModuleType) -> None:
    server = FakeServer(http)
    auth = OAuth2ClientCredentials(TOKEN_URL, "my-id", "my-secret")
    assert server.get(auth).json()["authorization"] == "Bearer token-1"
    (sent,) = server.token_requests
    assert sent.url == TOKEN_URL
    assert sent.form == {"grant_type": "client_credentials"}
    assert sent.headers["authorization"] == basic("my-id", "my-secret")
    assert sent.headers["content-type"] == "application/x-www-form-urlencoded"
    assert sent.headers["accept"] == "application/json"


async def test_token_is_requested_then_sent_async(http: ModuleType) -> None:
    server = FakeServer(http)
    auth = OAuth2ClientCredentials(TOKEN_URL, "my-id", "my-secret")
    assert (await server.aget(auth)).json()["authorization"] == "Bearer token-1"
    assert server.token_requests[0].headers["authorization"] == basic("my-id", "my-secret")


def test_cached_token_is_reused(http: ModuleType) -> None:
    server = FakeServer(http)
    auth = OAuth2ClientCredentials(TOKEN_URL, "my-id", "my-secret")
    for _ in range(3):
        assert server.get(auth).json()["authorization"] == "Bearer token-1"
    assert len(server.token_requests) == 1


def test_equal_configurations_share_a_token(http: ModuleType) -> None:
    server = FakeServer(http)
    server.get(OAuth2ClientCredentials(TOKEN_URL, "my-id", "my-secret", scope="a"))
    assert server.get(OAuth2ClientCredentials(TOKEN_URL, "my-id", "my-secret", scope=["a"])).json()["authorization"] == "Bearer token-1"
    assert len(server.token_requests) == 1


@pytest.mark.parametrize(
    "other",
    [
        {"token_url": TOKEN_URL + "2"},
        {"client_id": "other-id"},
        {"client_secret": "other-secret"},
        {"scope": "b"},
        {"audience": "api"},
        {"token_field_name": "id_token"},
    ],
)
def test_different_configurations_never_share_a_token(http: ModuleType, other: dict[str, Any]) -> None:
    base = {"token_url": TOKEN_URL, "client_id": "my-id", "client_secret": "my-secret", "scope": "a"}
    first = OAuth2ClientCredentials(**base)  # type: ignore[arg-type]
    second = OAuth2ClientCredentials(**{**base, **other})  # type: ignore[arg-type]
    assert first.cache_key != second.cache_key


def test_cache_key_is_deterministic_and_holds_no_secret() -> None:
    one = OAuth2ClientCredentials(TOKEN_URL, "my-id", "my-secret", scope=["a", "b"], audience="x")
    two = OAuth2ClientCredentials(TOKEN_URL, "my-id", "my-secret", scope="a b", audience="x")
    assert one.cache_key == two.cache_key
    assert "my-secret" not in one.cache_key and len(one.cache_key) == 64


def test_presentation_settings_do_not_change_the_cache_key() -> None:
    one = OAuth2ClientCredentials(TOKEN_URL, "my-id", "my-secret")
    two = OAuth2ClientCredentials(TOKEN_URL, "my-id", "my-secret", header_name="X-Token", early_expiry=0, timeout=5)
    assert one.cache_key == two.cache_key


@pytest.mark.parametrize(("scope", "sent"), [("read", "read"), (["read", "write"], "read write"), ("a b", "a b")])
def test_scope(http: ModuleType, scope: Any, sent: str) -> None:
    server = FakeServer(http)
    server.get(OAuth2ClientCredentials(TOKEN_URL, "id", "secret", scope=scope))
    assert server.token_requests[0].form["scope"] == sent


def test_extra_parameters_go_in_the_body(http: ModuleType) -> None:
    server = FakeServer(http)
    server.get(OAuth2ClientCredentials(TOKEN_URL, "id", "secret", audience="https://api", resource=7))
    assert server.token_requests[0].form == {"grant_type": "client_credentials", "audience": "https://api", "resource": "7"}


def test_client_secret_post(http: ModuleType) -> None:
    server = FakeServer(http)
    server.get(OAuth2ClientCredentials(TOKEN_URL, "my-id", "my-secret", client_auth_method="client_secret_post"))
    sent = server.token_requests[0]
    assert sent.form == {"grant_type": "client_credentials", "client_id": "my-id", "client_secret": "my-secret"}
    assert "authorization" not in sent.headers


def test_header_name_and_value(http: ModuleType) -> None:
    server = FakeServer(http)
    auth = OAuth2ClientCredentials(TOKEN_URL, "id", "secret", header_name="X-Token", header_value="JWT {token} !")
    headers = server.get(auth).json()["headers"]
    assert headers["x-token"] == "JWT token-1 !"
    assert "authorization" not in headers


def test_header_value_with_escaped_braces(http: ModuleType) -> None:
    server = FakeServer(http)
    auth = OAuth2ClientCredentials(TOKEN_URL, "id", "secret", header_value="{{t}} {token}")
    assert server.get(auth).json()["authorization"] == "{t} token-1"


def test_token_field_name(http: ModuleType) -> None:
    server = FakeServer(http, json_answer(http, {"custom": "the-token", "access_token": "not-this"}))
    auth = OAuth2ClientCredentials(TOKEN_URL, "id", "secret", token_field_name="custom")
    assert server.get(auth).json()["authorization"] == "Bearer the-token"


def test_timeout_applies_to_the_token_request(http: ModuleType) -> None:
    server = FakeServer(http)
    server.get(OAuth2ClientCredentials(TOKEN_URL, "id", "secret", timeout=7))
    assert server.token_requests[0].extensions["timeout"] == {"connect": 7, "read": 7, "write": 7, "pool": 7}


def test_default_timeout_is_60_seconds(http: ModuleType) -> None:
    server = FakeServer(http)
    server.get(OAuth2ClientCredentials(TOKEN_URL, "id", "secret"))
    assert server.token_requests[0].extensions["timeout"]["read"] == 60


def test_early_expiry(http: ModuleType) -> None:
    server = FakeServer(http, lambda n, _: http.Response(200, json={"access_token": f"token-{n}", "expires_in": 100}))
    auth = OAuth2ClientCredentials(TOKEN_URL, "id", "secret", early_expiry=50)
    with time_machine.travel(NOW, tick=False) as clock:
        assert server.get(auth).json()["authorization"] == "Bearer token-1"
        clock.shift(49)
        assert server.get(auth).json()["authorization"] == "Bearer token-1"
        clock.shift(2)  # 51 s later: less than early_expiry left
        assert server.get(auth).json()["authorization"] == "Bearer token-2"


def test_default_early_expiry_is_30_seconds(http: ModuleType) -> None:
    server = FakeServer(http, lambda n, _: http.Response(200, json={"access_token": f"token-{n}", "expires_in": 100}))
    auth = OAuth2ClientCredentials(TOKEN_URL, "id", "secret")
    with time_machine.travel(NOW, tick=False) as clock:
        server.get(auth)
        clock.shift(69)
        assert server.get(auth).json()["authorization"] == "Bearer token-1"
        clock.shift(2)
        assert server.get(auth).json()["authorization"] == "Bearer token-2"


def test_zero_early_expiry_uses_the_token_until_its_expiry(http: ModuleType) -> None:
    server = FakeServer(http, lambda n, _: http.Response(200, json={"access_token": f"token-{n}", "expires_in": 100}))
    auth = OAuth2ClientCredentials(TOKEN_URL, "id", "secret", early_expiry=0)
    with time_machine.travel(NOW, tick=False) as clock:
        server.get(auth)
        clock.shift(99)
        assert server.get(auth).json()["authorization"] == "Bearer token-1"
        clock.shift(1)
        assert server.get(auth).json()["authorization"] == "Bearer token-2"


def test_an_expired_token_is_still_used_for_the_request_that_obtained_it(http: ModuleType) -> None:
    server = FakeServer(http, lambda n, _: http.Response(200, json={"access_token": f"token-{n}", "expires_in": 0}))
    auth = OAuth2ClientCredentials(TOKEN_URL, "id", "secret")
    assert server.get(auth).json()["authorization"] == "Bearer token-1"
    assert server.get(auth).json()["authorization"] == "Bearer token-2"


def test_server_error_is_raised(http: ModuleType) -> None:
    server = FakeServer(http, json_answer(http, {"error": "invalid_client", "error_description": "bad"}, 401))
    with pytest.raises(InvalidGrantRequest) as error:
        server.get(OAuth2ClientCredentials(TOKEN_URL, "id", "the-secret"))
    assert error.value.error == "invalid_client"
    assert "the-secret" not in str(error.value)
    assert server.api_requests == []


async def test_server_error_is_raised_async(http: ModuleType) -> None:
    server = FakeServer(http, json_answer(http, {"token_type": "Bearer"}))
    with pytest.raises(GrantNotProvided):
        await server.aget(OAuth2ClientCredentials(TOKEN_URL, "id", "secret"))


def test_error_is_an_http_error_of_the_callers_library(http: ModuleType) -> None:
    server = FakeServer(http, json_answer(http, {"error": "invalid_scope"}, 400))
    with pytest.raises(http.HTTPError):
        server.get(OAuth2ClientCredentials(TOKEN_URL, "id", "secret"))


def test_token_request_goes_through_the_callers_client(http: ModuleType) -> None:
    """Event hooks (like transports, proxies and TLS settings) of the user's client apply."""
    server = FakeServer(http)
    seen: list[str] = []
    with http.Client(transport=server.transport(), event_hooks={"request": [lambda r: seen.append(str(r.url))]}) as client:
        client.get(API_URL, auth=OAuth2ClientCredentials(TOKEN_URL, "id", "secret"))
    assert seen == [TOKEN_URL, API_URL]


def test_given_client_sends_the_token_request(http: ModuleType) -> None:
    token_server = FakeServer(http)
    api = FakeServer(http, lambda n, _: pytest.fail("the API's client must not be asked for tokens"))
    with http.Client(transport=token_server.transport(), headers={"X-Proxy-Key": "k"}) as token_client:
        auth = OAuth2ClientCredentials(TOKEN_URL, "id", "secret", client=token_client)
        assert api.get(auth).json()["authorization"] == "Bearer token-1"
    assert len(token_server.token_requests) == 1
    assert token_server.token_requests[0].headers["x-proxy-key"] == "k"  # the given client's settings apply
    assert token_server.token_requests[0].extensions["timeout"]["read"] == 60


async def test_given_sync_client_from_an_async_client(http: ModuleType) -> None:
    token_server = FakeServer(http)
    api = FakeServer(http, lambda n, _: pytest.fail("the API's client must not be asked for tokens"))
    with http.Client(transport=token_server.transport()) as token_client:
        auth = OAuth2ClientCredentials(TOKEN_URL, "id", "secret", client=token_client)
        assert (await api.aget(auth)).json()["authorization"] == "Bearer token-1"
    assert len(token_server.token_requests) == 1


async def test_given_async_client_from_an_async_client(http: ModuleType) -> None:
    token_server = FakeServer(http)
    api = FakeServer(http, lambda n, _: pytest.fail("the API's client must not be asked for tokens"))
    async with http.AsyncClient(transport=token_server.async_transport()) as token_client:
        auth = OAuth2ClientCredentials(TOKEN_URL, "id", "secret", client=token_client)
        assert (await api.aget(auth)).json()["authorization"] == "Bearer token-1"
    assert len(token_server.token_requests) == 1


async def test_given_async_client_from_a_sync_client_is_refused_clearly(http: ModuleType) -> None:
    token_server = FakeServer(http)
    async with http.AsyncClient(transport=token_server.async_transport()) as token_client:
        auth = OAuth2ClientCredentials(TOKEN_URL, "id", "secret", client=token_client)
        with pytest.raises(InvalidParameter, match="AsyncClient"):
            FakeServer(http).get(auth)
    assert token_server.token_requests == []


def test_given_client_never_applies_its_own_auth(http: ModuleType) -> None:
    token_server = FakeServer(http)
    with http.Client(transport=token_server.transport(), auth=("user", "pass")) as token_client:
        FakeServer(http).get(OAuth2ClientCredentials(TOKEN_URL, "id", "secret", client=token_client))
    assert token_server.token_requests[0].headers["authorization"] == basic("id", "secret")


def test_given_client_errors_reach_the_caller(http: ModuleType) -> None:
    def refuse(request: Any) -> Any:
        raise http.ConnectError("refused", request=request)

    with http.Client(transport=http.MockTransport(refuse)) as token_client:
        with pytest.raises(http.ConnectError):
            FakeServer(http).get(OAuth2ClientCredentials(TOKEN_URL, "id", "secret", client=token_client))


def test_okta(http: ModuleType) -> None:
    okta_url = "https://test.okta-emea.com/oauth2/default/v1/token"
    server = FakeServer(http)
    auth = OktaClientCredentials("test.okta-emea.com", "client", "secret", scope=["s1", "s2"])
    assert auth.token_url == okta_url
    with http.Client(transport=http.MockTransport(lambda r: server._token(r) if str(r.url) == okta_url else server._api(r))) as client:
        assert client.get(API_URL, auth=auth).json()["authorization"] == "Bearer token-1"
    assert server.token_requests[0].form == {"grant_type": "client_credentials", "scope": "s1 s2"}
    assert server.token_requests[0].headers["authorization"] == basic("client", "secret")


def test_okta_authorization_server_and_extras() -> None:
    auth = OktaClientCredentials("x.okta.com", "c", "s", scope="a", authorization_server="custom", early_expiry=5, audience="b")
    assert auth.token_url == "https://x.okta.com/oauth2/custom/v1/token"
    assert auth.early_expiry == 5


@pytest.mark.parametrize("scope", [None, "", []])
def test_okta_scope_is_mandatory(scope: Any) -> None:
    with pytest.raises(InvalidParameter, match="scope"):
        OktaClientCredentials("x.okta.com", "c", "s", scope=scope)


def test_okta_scope_keyword_is_required() -> None:
    with pytest.raises(TypeError):
        OktaClientCredentials("x.okta.com", "c", "s")  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"token_url": ""}, "token_url"),
        ({"client_id": ""}, "client_id"),
        ({"client_secret": ""}, "client_secret"),
        ({"client_id": 12}, "client_id"),
        ({"client_id": "a:b"}, "client_id"),
        ({"header_name": ""}, "header_name"),
        ({"header_name": "Bad Header"}, "header_name"),
        ({"header_value": "Bearer"}, r"\{token\}"),
        ({"header_value": "{token} {other}"}, "placeholder"),
        ({"header_value": "Bearer {token}\r\nX: y"}, "line breaks"),
        ({"early_expiry": -1}, "early_expiry"),
        ({"early_expiry": "30"}, "early_expiry"),
        ({"timeout": 0}, "timeout"),
        ({"timeout": float("inf")}, "timeout"),
        ({"scope": 12}, "scope"),
        ({"scope": ["a", 1]}, "scope"),
        ({"token_field_name": ""}, "token_field_name"),
        ({"client_auth_method": "private_key_jwt"}, "client_auth_method"),
        ({"client": object()}, "client"),
        ({"audience": object()}, "audience"),
    ],
)
def test_invalid_parameters(kwargs: dict[str, Any], match: str) -> None:
    arguments = {"token_url": TOKEN_URL, "client_id": "id", "client_secret": "the-secret", **kwargs}
    with pytest.raises(InvalidParameter, match=match) as error:
        OAuth2ClientCredentials(**arguments)
    assert "the-secret" not in str(error.value)


def test_repr_hides_the_secret() -> None:
    auth = OAuth2ClientCredentials(TOKEN_URL, "my-id", "the-secret", scope="a", client_assertion="also-secret")
    shown = repr(auth)
    assert "the-secret" not in shown and "also-secret" not in shown
    assert "my-id" in shown and TOKEN_URL in shown and "client_assertion" in shown


def test_secrets_never_logged(http: ModuleType, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    server = FakeServer(http, json_answer(http, {"error": "invalid_client"}, 401))
    with pytest.raises(InvalidGrantRequest):
        server.get(OAuth2ClientCredentials(TOKEN_URL, "id", "the-secret"))
    assert "the-secret" not in caplog.text


def test_public_names() -> None:
    assert httpx_auth.OAuth2ClientCredentials is OAuth2ClientCredentials
    assert isinstance(OAuth2.token_cache, httpx_auth.TokenMemoryCache)


def test_combines_with_other_auths(http: ModuleType) -> None:
    server = FakeServer(http)
    auth = OAuth2ClientCredentials(TOKEN_URL, "id", "secret") + httpx_auth.HeaderApiKey("key")
    headers = server.get(auth).json()["headers"]
    assert headers["authorization"] == "Bearer token-1" and headers["x-api-key"] == "key"
    assert "x-api-key" not in server.token_requests[0].headers  # the token request is sent as is
