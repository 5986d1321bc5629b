"""A project written against the original httpx_auth, tested the way its users test it
(pytest_httpx and httpx_auth.testing): what it relies on keeps working here.

Written from the original's public documentation and the behaviours its users depend on
(see the README's migration notes for the deliberate differences)."""

from __future__ import annotations

import datetime
import json
import logging
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
import time_machine
from pytest_httpx import HTTPXMock

import httpx_auth
from httpx_auth import (
    GrantNotProvided,
    InvalidGrantRequest,
    InvalidParameter,
    InvalidTokenResponse,
    JsonTokenFileCache,
    OAuth2,
    OAuth2AuthorizationCode,
    OAuth2ClientCredentials,
    OAuth2Implicit,
    OAuth2ResourceOwnerPasswordCredentials,
    StateNotProvided,
    TokenMemoryCache,
)
from httpx_auth.testing import BrowserMock, create_token

TOKEN_URL = "https://provide_access_token"
API_URL = "https://authorized_only"
NOW = 1_700_000_000.0
TOKEN_ANSWER = {
    "access_token": "2YotnFZFEjr1zCsicMWpAA",
    "token_type": "example",
    "expires_in": 3600,
    "refresh_token": "tGzv3JOkF0XG5Qx2TlKWIA",
    "example_parameter": "example_value",
}


@pytest.fixture(autouse=True)
def empty_cache() -> Any:
    OAuth2.token_cache.clear()
    yield
    OAuth2.token_cache.clear()


# --- OAuth2 through pytest_httpx, as the original's users write their tests -------------

def test_client_credentials_sync(backend: str, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(method="POST", url=TOKEN_URL, json=TOKEN_ANSWER)
    httpx_mock.add_response(url=API_URL, match_headers={"Authorization": "Bearer 2YotnFZFEjr1zCsicMWpAA"})
    auth = OAuth2ClientCredentials(TOKEN_URL, client_id="test_user", client_secret="test_pwd")
    with httpx.Client() as client:
        client.get(API_URL, auth=auth)
    token_request = httpx_mock.get_requests(url=TOKEN_URL)[0]
    assert token_request.headers["Authorization"] == httpx.BasicAuth("test_user", "test_pwd")._auth_header
    assert b"grant_type=client_credentials" in token_request.content


async def test_client_credentials_async(backend: str, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(method="POST", url=TOKEN_URL, json=TOKEN_ANSWER)
    httpx_mock.add_response(url=API_URL, match_headers={"Authorization": "Bearer 2YotnFZFEjr1zCsicMWpAA"})
    auth = OAuth2ClientCredentials(TOKEN_URL, client_id="test_user", client_secret="test_pwd")
    async with httpx.AsyncClient() as client:
        await client.get(API_URL, auth=auth)


async def test_password_grant_async(backend: str, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(method="POST", url=TOKEN_URL, json=TOKEN_ANSWER)
    httpx_mock.add_response(url=API_URL, match_headers={"Authorization": "Bearer 2YotnFZFEjr1zCsicMWpAA"})
    auth = OAuth2ResourceOwnerPasswordCredentials(TOKEN_URL, username="test_user", password="test_pwd")
    async with httpx.AsyncClient() as client:
        await client.get(API_URL, auth=auth)
    form = httpx_mock.get_requests(url=TOKEN_URL)[0].content
    assert b"grant_type=password" in form and b"username=test_user" in form and b"password=test_pwd" in form


def test_a_jwt_token_without_expires_in_expires_at_its_exp(backend: str, httpx_mock: HTTPXMock) -> None:
    first, second = create_token(NOW + 3600), create_token(NOW + 7200)
    httpx_mock.add_response(method="POST", url=TOKEN_URL, json={"access_token": first})
    httpx_mock.add_response(method="POST", url=TOKEN_URL, json={"access_token": second})
    httpx_mock.add_response(url=API_URL, match_headers={"Authorization": f"Bearer {first}"}, is_reusable=True)
    httpx_mock.add_response(url=API_URL, match_headers={"Authorization": f"Bearer {second}"})
    auth = OAuth2ClientCredentials(TOKEN_URL, client_id="test_user", client_secret="test_pwd")
    with time_machine.travel(NOW, tick=False) as clock, httpx.Client() as client:
        client.get(API_URL, auth=auth)
        client.get(API_URL, auth=auth)
        clock.shift(3600)
        client.get(API_URL, auth=auth)
    assert len(httpx_mock.get_requests(url=TOKEN_URL)) == 2


# --- errors the original's users catch -------------------------------------------------

@pytest.mark.parametrize(
    "answer",
    [{"content": b"<html>Bad Request</html>"}, {"json": {"message": "no"}}, {"content": b"not json"}],
    ids=["html", "json-without-error", "text"],
)
def test_a_400_that_is_no_oauth2_error_is_still_an_invalid_grant_request(
    backend: str, httpx_mock: HTTPXMock, answer: dict[str, Any]
) -> None:
    httpx_mock.add_response(method="POST", url=TOKEN_URL, status_code=400, **answer)
    auth = OAuth2ClientCredentials(TOKEN_URL, client_id="test_user", client_secret="test_pwd")
    with httpx.Client() as client, pytest.raises(InvalidGrantRequest) as caught:
        client.get(API_URL, auth=auth)
    assert isinstance(caught.value, InvalidTokenResponse)
    assert caught.value.status_code == 400
    assert "test_pwd" not in str(caught.value)


def test_an_oauth2_error_is_an_invalid_grant_request(backend: str, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(method="POST", url=TOKEN_URL, status_code=400, json={"error": "invalid_client"})
    auth = OAuth2ClientCredentials(TOKEN_URL, client_id="test_user", client_secret="test_pwd")
    with httpx.Client() as client, pytest.raises(InvalidGrantRequest, match="invalid_client: Client authentication failed"):
        client.get(API_URL, auth=auth)


def test_invalid_grant_request_from_a_response_or_a_dict() -> None:
    response = httpx.Response(
        400, json={"error": "invalid_scope", "error_description": "too wide", "error_uri": "https://doc"}
    )
    from_response = InvalidGrantRequest(response)
    assert (from_response.error, from_response.error_description, from_response.error_uri) == (
        "invalid_scope",
        "too wide",
        "https://doc",
    )
    assert from_response.status_code == 400
    assert str(from_response) == "invalid_scope: too wide\nMore information can be found on https://doc"
    from_dict = InvalidGrantRequest({"error": "access_denied"})
    assert str(from_dict) == "access_denied: The resource owner or authorization server denied the request."
    unreadable = InvalidGrantRequest(httpx.Response(502, content=b"\xff\xfe"))
    assert (unreadable.error, unreadable.status_code) == ("invalid_request", 502)


def test_grant_and_state_not_provided_take_the_reply_as_a_dict() -> None:
    missing_grant = GrantNotProvided("access_token", {"token_type": "bearer", "expires_in": 10})
    assert str(missing_grant) == "access_token not provided within the reply (expires_in, token_type)."
    missing_state = StateNotProvided({"access_token": "secret-value"})
    assert str(missing_state) == "state not provided within the reply (access_token)."
    assert "secret-value" not in str(missing_state)


# --- the token cache's public API -----------------------------------------------------

def test_get_token_accepts_the_originals_tuples(tmp_path: Path) -> None:
    cache = JsonTokenFileCache(str(tmp_path / "tokens.json"))
    with time_machine.travel(NOW, tick=False) as clock:
        assert cache.get_token("key", on_missing_token=lambda: ("key", "token-1", 60, "refresh-1")) == "token-1"
        assert cache.tokens["key"] == ("token-1", NOW + 60, "refresh-1")
        clock.shift(60)
        refreshed = cache.get_token(
            "key",
            on_missing_token=lambda: pytest.fail("the refresh token is tried first"),
            on_expired_token=lambda refresh: ("key", f"token-2-from-{refresh}", 60),
        )
    assert refreshed == "token-2-from-refresh-1"
    assert json.loads((tmp_path / "tokens.json").read_text())["key"]["refresh_token"] == "refresh-1"  # kept


@pytest.mark.parametrize("answer", [("key", "token"), ("key", "token", None), ("key", "token", 3600)])
def test_get_token_accepts_short_tuples(answer: tuple[Any, ...]) -> None:
    assert TokenMemoryCache().get_token("key", on_missing_token=lambda: answer) == "token"


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (("key",), "must return a Token"),
        (("key", "token", "soon"), "invalid expires_in"),
        (("key", "tok\r\nen"), "line breaks"),
        (("key", 5), "must be a string"),
        (42, "must return a Token"),
    ],
)
def test_get_token_refuses_malformed_answers(answer: Any, message: str) -> None:
    with pytest.raises(InvalidParameter, match=message):
        TokenMemoryCache().get_token("key", on_missing_token=lambda: answer)


def test_tokens_is_a_snapshot_of_the_cache(backend: str, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(method="POST", url=TOKEN_URL, json=TOKEN_ANSWER)
    httpx_mock.add_response(url=API_URL)
    with time_machine.travel(NOW, tick=False), httpx.Client() as client:
        client.get(API_URL, auth=OAuth2ClientCredentials(TOKEN_URL, client_id="id", client_secret="secret"))
    [(key, stored)] = OAuth2.token_cache.tokens.items()
    assert stored == ("2YotnFZFEjr1zCsicMWpAA", NOW + 3600, "tGzv3JOkF0XG5Qx2TlKWIA")
    OAuth2.token_cache.tokens.clear()  # a copy: the cache keeps its token
    assert OAuth2.token_cache.tokens[key] == stored


def test_debug_records_without_secrets(
    backend: str, httpx_mock: HTTPXMock, caplog: pytest.LogCaptureFixture
) -> None:
    httpx_mock.add_response(method="POST", url=TOKEN_URL, json=TOKEN_ANSWER)
    httpx_mock.add_response(url=API_URL)
    with caplog.at_level(logging.DEBUG, logger="httpx_auth"), httpx.Client() as client:
        client.get(API_URL, auth=OAuth2ClientCredentials(TOKEN_URL, client_id="id", client_secret="the-secret"))
        OAuth2.token_cache.clear()
    messages = [r.getMessage() for r in caplog.records if r.name == "httpx_auth" and r.levelno == logging.DEBUG]
    assert any(m.startswith("Token stored for key ") for m in messages)
    assert "Token cache cleared." in messages
    assert not [m for m in messages if "the-secret" in m or "2YotnFZFEjr1zCsicMWpAA" in m or "tGzv3J" in m]


# --- the grants' attributes -------------------------------------------------------------

def test_form_grants_expose_their_token_request_body() -> None:
    auth = OAuth2ClientCredentials(TOKEN_URL, client_id="id", client_secret="secret", scope=["a", "b"], audience="api")
    assert auth.data == {"grant_type": "client_credentials", "scope": "a b", "audience": "api"}
    auth.data["grant_type"] = "changed"  # a copy
    assert auth.data["grant_type"] == "client_credentials"
    password = OAuth2ResourceOwnerPasswordCredentials(TOKEN_URL, username="u", password="p")
    assert password.data == {"grant_type": "password", "username": "u", "password": "p"}


def test_code_grants_expose_their_token_and_refresh_bodies() -> None:
    auth = OAuth2AuthorizationCode("https://authorize", TOKEN_URL, client_id="cid")
    assert auth.token_data == {
        "grant_type": "authorization_code",
        "redirect_uri": "http://localhost:5000/",
        "client_id": "cid",
    }
    assert auth.refresh_data == {"grant_type": "refresh_token", "client_id": "cid"}


# --- httpx_auth.testing: BrowserMock as the original's users call it ----------------------

def test_browser_mock_reply_as_a_form_post(
    backend: str, browser_mock: BrowserMock, httpx_mock: HTTPXMock
) -> None:
    tab = browser_mock.add_response(
        opened_url="https://authorize?response_type=code&state=1234&redirect_uri=http%3A%2F%2Flocalhost%3A5000%2F",
        reply_url="http://localhost:5000",
        data="code=SplxlOBeZQQYbYS6WxSbIA&state=1234",
    )
    httpx_mock.add_response(method="POST", url=TOKEN_URL, json=TOKEN_ANSWER)
    httpx_mock.add_response(url=API_URL, match_headers={"Authorization": "Bearer 2YotnFZFEjr1zCsicMWpAA"})
    with httpx.Client() as client:
        client.get(API_URL, auth=OAuth2AuthorizationCode("https://authorize", TOKEN_URL))
    tab.assert_success(timeout=1)
    assert b"code=SplxlOBeZQQYbYS6WxSbIA" in httpx_mock.get_requests(url=TOKEN_URL)[0].content


def test_browser_mock_displayed_html_is_checked(browser_mock: BrowserMock, httpx_mock: HTTPXMock) -> None:
    token = create_token(datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1))
    first = browser_mock.add_response(
        opened_url="https://authorize?response_type=token&state=1234&redirect_uri=http%3A%2F%2Flocalhost%3A5000%2F",
        reply_url=f"http://localhost:5000#access_token={token}&state=1234",
    )
    httpx_mock.add_response(url=API_URL)
    with httpx.Client() as client:
        client.get(API_URL, auth=OAuth2Implicit("https://authorize"))
    first.assert_success()
    shown = first.displayed_html
    assert shown
    OAuth2.token_cache.clear()
    reply = f"http://localhost:5000#access_token={token}&state={{state}}"
    second = browser_mock.add_response(None, reply, displayed_html=shown)
    third = browser_mock.add_response(None, reply, displayed_html="<p>other</p>")
    httpx_mock.add_response(url=API_URL, is_reusable=True)
    with httpx.Client() as client:
        client.get(API_URL, auth=OAuth2Implicit("https://authorize"))
        OAuth2.token_cache.clear()
        client.get(API_URL, auth=OAuth2Implicit("https://authorize"))
    second.assert_success()
    with pytest.raises(AssertionError, match="showed another page"):
        third.assert_success()


def test_browser_mock_failure_with_a_timeout(browser_mock: BrowserMock) -> None:
    tab = browser_mock.add_response(
        opened_url=None, reply_url="http://localhost:5000#error=access_denied&state={state}"
    )
    with httpx.Client() as client, pytest.raises(InvalidGrantRequest):
        client.get(API_URL, auth=OAuth2Implicit("https://authorize"))
    tab.assert_failure(
        "access_denied: The resource owner or authorization server denied the request.", timeout=0.1
    )


def test_assert_success_waits_for_a_sign_in_in_another_thread(browser_mock: BrowserMock) -> None:
    token = create_token(datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1))
    tab = browser_mock.add_response(None, f"http://localhost:5000#access_token={token}&state={{state}}")
    go = threading.Event()

    def sign_in() -> None:
        go.wait(5)
        transport = httpx.MockTransport(lambda request: httpx.Response(200))
        with httpx.Client(transport=transport) as client:
            client.get(API_URL, auth=OAuth2Implicit("https://authorize"))

    thread = threading.Thread(target=sign_in)
    thread.start()
    go.set()
    tab.assert_success(timeout=5)
    thread.join(5)


def test_testing_names_of_the_original_are_importable() -> None:
    from httpx_auth import testing

    for name in ("BrowserMock", "browser_mock", "create_token", "token_cache", "token_cache_mock", "token_mock"):
        assert hasattr(testing, name), name
    assert httpx_auth.SupportMultiAuth is not None
