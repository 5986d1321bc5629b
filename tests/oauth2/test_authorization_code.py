"""OAuth2AuthorizationCode, driven through browser_mock and a mocked token endpoint, with
httpx and httpx2, sync and async (its Okta and WakaTime presets: test_code_grant_presets.py)."""

from __future__ import annotations

import asyncio
import base64
import re
import threading
import time
from types import ModuleType
from typing import Any

import pytest

from httpx_auth import (
    GrantNotProvided,
    InvalidGrantRequest,
    InvalidParameter,
    OAuth2AuthorizationCode,
    TimeoutOccurred,
)
from httpx_auth.testing import BrowserMock
from httpx_auth._oauth2.browser.reply import IGNORED
from browser_fakes import AUTHORIZATION_URL, MODES, REDIRECT_URI, TOKEN_URL, Server, authorization, call, query

OPENED = f"{AUTHORIZATION_URL}?response_type=code&client_id=cid&redirect_uri={REDIRECT_URI}&state=1234"
REPLY = "http://localhost:5000/?code=the-code&state=1234"


def code_auth(**kwargs: Any) -> OAuth2AuthorizationCode:
    return OAuth2AuthorizationCode(AUTHORIZATION_URL, TOKEN_URL, client_id="cid", **kwargs)


@MODES
def test_code_is_exchanged_for_a_token(browser_mock: BrowserMock, http: ModuleType, mode: str) -> None:
    tab = browser_mock.add_response(OPENED, REPLY)
    server = Server(http, {"access_token": "tok", "token_type": "Bearer", "expires_in": 3600})
    response = call(http, mode, code_auth(), server)
    assert authorization(response) == "Bearer tok"
    tab.assert_success()
    assert server.form() == {
        "grant_type": "authorization_code",
        "code": "the-code",
        "redirect_uri": "http://localhost:5000/",
        "client_id": "cid",
    }
    assert str(server.token_requests[0].url) == TOKEN_URL
    assert server.token_requests[0].headers["content-type"] == "application/x-www-form-urlencoded"


@MODES
def test_token_is_cached_for_the_configuration(browser_mock: BrowserMock, http: ModuleType, mode: str) -> None:
    tab = browser_mock.add_response(OPENED, REPLY)
    server = Server(http, {"access_token": "tok", "expires_in": 3600})
    call(http, mode, code_auth(), server)
    # Another instance with the same configuration: same cache key despite the random state.
    again = call(http, mode, code_auth(), server)
    assert authorization(again) == "Bearer tok"
    assert len(server.token_requests) == 1
    assert code_auth().cache_key == code_auth().cache_key
    assert code_auth().cache_key != code_auth(scope="other").cache_key
    tab.assert_success()


@MODES
def test_expired_token_is_refreshed_without_the_browser(
    browser_mock: BrowserMock, http: ModuleType, mode: str
) -> None:
    browser_mock.add_response(OPENED, REPLY)
    server = Server(
        http,
        {"access_token": "old", "expires_in": 0, "refresh_token": "rt"},  # expired at once
        {"access_token": "new", "expires_in": 3600},
    )
    auth = code_auth()
    assert authorization(call(http, mode, auth, server)) == "Bearer old"
    assert authorization(call(http, mode, auth, server)) == "Bearer new"
    assert server.form() == {"grant_type": "refresh_token", "refresh_token": "rt", "client_id": "cid"}


@MODES
def test_rejected_refresh_falls_back_to_the_browser(browser_mock: BrowserMock, http: ModuleType, mode: str) -> None:
    first = browser_mock.add_response(OPENED, REPLY)
    second = browser_mock.add_response(OPENED, "http://localhost:5000/?code=second-code&state=1234")
    server = Server(
        http,
        {"access_token": "old", "expires_in": 0, "refresh_token": "rt"},
        (400, {"error": "invalid_grant"}),
        {"access_token": "new", "expires_in": 3600},
    )
    auth = code_auth()
    call(http, mode, auth, server)
    assert authorization(call(http, mode, auth, server)) == "Bearer new"
    assert server.form()["code"] == "second-code"
    first.assert_success()
    second.assert_success()


def test_state_is_fresh_and_long_for_each_authorization(browser_mock: BrowserMock, http: ModuleType) -> None:
    tabs = [browser_mock.add_response(OPENED, REPLY) for _ in range(2)]
    server = Server(http, {"access_token": "a", "expires_in": 0}, {"access_token": "b", "expires_in": 0})
    auth = code_auth()
    call(http, "sync", auth, server)
    call(http, "sync", auth, server)
    states = [query(tab.opened_url)["state"][0] for tab in tabs]
    assert states[0] != states[1]
    for state in states:
        # 43 base64url characters: 256 bits from secrets.
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", state)


def test_state_comes_from_secrets(browser_mock: BrowserMock, http: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    from httpx_auth._oauth2.browser import grant as browser_grant

    monkeypatch.setattr(browser_grant.secrets, "token_urlsafe", lambda n: f"from-secrets-{n}")
    tab = browser_mock.add_response(OPENED, REPLY)
    call(http, "sync", code_auth(), Server(http, {"access_token": "tok"}))
    assert query(tab.opened_url)["state"] == ["from-secrets-32"]


@MODES
def test_username_and_password_authenticate_to_the_token_endpoint(
    browser_mock: BrowserMock, http: ModuleType, mode: str
) -> None:
    browser_mock.add_response(OPENED, REPLY)
    server = Server(http, {"access_token": "tok"})
    call(http, mode, code_auth(username="user", password="pass"), server)
    assert server.token_requests[0].headers["authorization"] == "Basic " + base64.b64encode(b"user:pass").decode()


def test_extra_parameters_and_secrets(browser_mock: BrowserMock, http: ModuleType) -> None:
    tab = browser_mock.add_response(
        f"{OPENED}&audience=api&scope=read+write&nonce=n0",
        REPLY,
    )
    server = Server(http, {"access_token": "tok"})
    auth = code_auth(audience="api", scope=["read", "write"], nonce="n0", client_secret="s3cr3t")
    call(http, "sync", auth, server)
    tab.assert_success()
    # The client secret goes to the token endpoint only, never through the browser.
    assert "s3cr3t" not in str(tab.opened_url)
    assert server.form()["client_secret"] == "s3cr3t"
    assert server.form()["audience"] == "api"
    assert "s3cr3t" not in repr(auth) and "s3cr3t" not in str(auth.cache_key)


def test_repr_hides_the_password() -> None:
    auth = code_auth(username="user", password="hunter2")
    assert "hunter2" not in repr(auth)
    assert "password=<hidden>" in repr(auth)
    assert "username='user'" in repr(auth)


def test_response_type_in_the_authorization_url_wins(browser_mock: BrowserMock, http: ModuleType) -> None:
    tab = browser_mock.add_response(None, "http://localhost:5000/?code=c&state={state}")
    auth = OAuth2AuthorizationCode(f"{AUTHORIZATION_URL}?response_type=code+id_token&tenant=t", TOKEN_URL)
    call(http, "sync", auth, Server(http, {"access_token": "tok"}))
    assert query(tab.opened_url)["response_type"] == ["code id_token"]
    assert query(tab.opened_url)["tenant"] == ["t"]
    assert auth.response_type == "code id_token"


def test_redirect_uri_settings(browser_mock: BrowserMock, http: ModuleType) -> None:
    tab = browser_mock.add_response(None, "http://my.host:5123/cb?code=c&state={state}")
    server = Server(http, {"access_token": "tok"})
    auth = code_auth(redirect_uri_domain="my.host", redirect_uri_endpoint="cb", redirect_uri_port=5123)
    call(http, "sync", auth, server)
    tab.assert_success()
    assert query(tab.opened_url)["redirect_uri"] == ["http://my.host:5123/cb"]
    assert server.form()["redirect_uri"] == "http://my.host:5123/cb"


def test_custom_code_and_token_field_names(browser_mock: BrowserMock, http: ModuleType) -> None:
    browser_mock.add_response(None, "http://localhost:5000/?the_code=c&state={state}")
    server = Server(http, {"my_token": "tok"})
    auth = code_auth(code_field_name="the_code", token_field_name="my_token", header_name="X-Token", header_value="T {token}")
    with http.Client(transport=server.transport()) as client:
        client.get("https://api.example.com/", auth=auth)
    assert server.api_requests[0].headers["x-token"] == "T tok"
    assert server.form()["code"] == "c"


def test_token_requests_use_the_given_client(browser_mock: BrowserMock, http: ModuleType) -> None:
    browser_mock.add_response(OPENED, REPLY)
    idp = Server(http, {"access_token": "tok"})
    api = Server(http)
    with http.Client(transport=idp.transport()) as token_client:
        response = call(http, "sync", code_auth(client=token_client), api)
    assert authorization(response) == "Bearer tok"
    assert len(idp.token_requests) == 1 and not api.token_requests


def test_async_clients_wait_for_the_browser_off_the_event_loop(browser_mock: BrowserMock, http: ModuleType) -> None:
    threads: list[int] = []

    def reply(opened_url: str) -> str:
        threads.append(threading.get_ident())
        return REPLY

    browser_mock.add_response(OPENED, reply)

    async def run() -> int:
        async with http.AsyncClient(transport=Server(http, {"access_token": "tok"}).transport()) as client:
            await client.get("https://api.example.com/", auth=code_auth())
        return threading.get_ident()

    loop_thread = asyncio.run(run())
    assert threads and threads[0] != loop_thread


# -- failures --------------------------------------------------------------------------


@MODES
def test_access_denied(browser_mock: BrowserMock, http: ModuleType, mode: str) -> None:
    tab = browser_mock.add_response(
        OPENED, "http://localhost:5000/?error=access_denied&error_description=User+said+no&state=1234"
    )
    server = Server(http)
    with pytest.raises(InvalidGrantRequest) as raised:
        call(http, mode, code_auth(), server)
    assert raised.value.error == "access_denied"
    assert str(raised.value) == "access_denied: User said no"
    tab.assert_failure("access_denied: User said no")
    assert not server.token_requests and not server.api_requests


@MODES
def test_forged_state_is_ignored(browser_mock: BrowserMock, http: ModuleType, mode: str) -> None:
    # Only the real reply (or the timeout) ends the wait; a forged one gets an error page.
    tab = browser_mock.add_response(OPENED, "http://localhost:5000/?code=c&state=forged")
    with pytest.raises(TimeoutOccurred):
        call(http, mode, code_auth(), Server(http))
    assert tab.page is not None and (tab.page.status, tab.page.information) == (400, IGNORED)


def test_missing_state_is_ignored(browser_mock: BrowserMock, http: ModuleType) -> None:
    tab = browser_mock.add_response(OPENED, "http://localhost:5000/?code=c")
    with pytest.raises(TimeoutOccurred):
        call(http, "sync", code_auth(), Server(http))
    assert tab.page is not None and tab.page.information == IGNORED


def test_missing_code(browser_mock: BrowserMock, http: ModuleType) -> None:
    tab = browser_mock.add_response(OPENED, "http://localhost:5000/?state=1234&session=x")
    with pytest.raises(GrantNotProvided):
        call(http, "sync", code_auth(), Server(http))
    tab.assert_failure("code not provided within the reply (nothing).")


@MODES
def test_no_reply_times_out(browser_mock: BrowserMock, http: ModuleType, mode: str) -> None:
    tab = browser_mock.add_response(OPENED, None)
    with pytest.raises(TimeoutOccurred) as raised:
        call(http, mode, code_auth(timeout=12), Server(http))
    assert raised.value.timeout == 12
    assert tab.opened_url is not None and tab.page is None


def test_reply_to_another_port_never_arrives(browser_mock: BrowserMock, http: ModuleType) -> None:
    tab = browser_mock.add_response(OPENED, "http://localhost:6000/?code=c&state=1234")
    with pytest.raises(TimeoutOccurred):
        call(http, "sync", code_auth(), Server(http))
    assert tab.problem is not None and "redirect URI" in tab.problem
    with pytest.raises(AssertionError, match="did not complete"):
        tab.assert_success()


@MODES
def test_token_endpoint_refusal(browser_mock: BrowserMock, http: ModuleType, mode: str) -> None:
    tab = browser_mock.add_response(OPENED, REPLY)
    server = Server(http, (400, {"error": "invalid_grant", "error_description": "Code expired"}))
    with pytest.raises(InvalidGrantRequest, match="invalid_grant: Code expired") as raised:
        call(http, mode, code_auth(), server)
    assert raised.value.status_code == 400
    tab.assert_success()  # the browser part went well


# -- configuration ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"redirect_uri_port": 0}, "redirect_uri_port"),
        ({"redirect_uri_port": 70000}, "redirect_uri_port"),
        ({"redirect_uri_port": "5000"}, "redirect_uri_port"),
        ({"redirect_uri_domain": "http://localhost"}, "redirect_uri_domain"),
        ({"redirect_uri_domain": ""}, "redirect_uri_domain"),
        ({"redirect_uri_endpoint": "cb?x=1"}, "redirect_uri_endpoint"),
        ({"username": "user"}, "username and password"),
        ({"password": "pass"}, "username and password"),
        ({"timeout": 0}, "timeout"),
        ({"code_field_name": ""}, "code_field_name"),
        ({"header_value": "Bearer"}, "header_value"),
        ({"scope": 3}, "scope"),
    ],
)
def test_bad_arguments_name_the_parameter(kwargs: dict[str, Any], name: str) -> None:
    with pytest.raises(InvalidParameter, match=name):
        code_auth(**kwargs)


@pytest.mark.parametrize("url", ["", "idp.example.com/authorize", "ftp://idp/authorize", "https:///authorize"])
def test_authorization_url_must_be_absolute(url: str) -> None:
    with pytest.raises(InvalidParameter, match="authorization_url"):
        OAuth2AuthorizationCode(url, TOKEN_URL)


def test_defaults_match_the_reference() -> None:
    auth = OAuth2AuthorizationCode(AUTHORIZATION_URL, TOKEN_URL)
    assert auth.redirect_uri == "http://localhost:5000/"
    assert (auth.timeout, auth.early_expiry, auth.header_name, auth.header_value) == (
        60,
        30.0,
        "Authorization",
        "Bearer {token}",
    )
    assert (auth.response_type, auth.token_field_name, auth.code_field_name) == ("code", "access_token", "code")


# -- concurrency -----------------------------------------------------------------------


def slow_reply(opened_url: str) -> str:
    time.sleep(0.2)  # keeps the authorization in flight while the other requests arrive
    return REPLY


def test_concurrent_threads_share_one_authorization(browser_mock: BrowserMock, http: ModuleType) -> None:
    browser_mock.add_response(OPENED, slow_reply)
    server = Server(http, {"access_token": "tok", "expires_in": 3600})
    auth = code_auth()
    results: list[Any] = []

    def worker() -> None:
        try:
            results.append(authorization(call(http, "sync", auth, server)))
        except Exception as error:  # reported below
            results.append(error)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["Bearer tok"] * 8
    assert len(server.token_requests) == 1


def test_concurrent_tasks_share_one_authorization(browser_mock: BrowserMock, http: ModuleType) -> None:
    browser_mock.add_response(OPENED, slow_reply)
    server = Server(http, {"access_token": "tok", "expires_in": 3600})
    auth = code_auth()

    async def run() -> list[Any]:
        async with http.AsyncClient(transport=server.transport()) as client:
            return list(await asyncio.gather(*(client.get("https://api.example.com/", auth=auth) for _ in range(8))))

    responses = asyncio.run(run())
    assert [authorization(r) for r in responses] == ["Bearer tok"] * 8
    assert len(server.token_requests) == 1


def test_a_failed_authorization_fails_every_waiting_request(browser_mock: BrowserMock, http: ModuleType) -> None:
    def slow_denial(opened_url: str) -> str:
        time.sleep(0.2)
        return "http://localhost:5000/?error=access_denied&state=1234"

    browser_mock.add_response(OPENED, slow_denial)
    server = Server(http)
    auth = code_auth()

    async def run() -> list[Any]:
        async with http.AsyncClient(transport=server.transport()) as client:
            return list(
                await asyncio.gather(
                    *(client.get("https://api.example.com/", auth=auth) for _ in range(4)), return_exceptions=True
                )
            )

    errors = asyncio.run(run())
    assert all(isinstance(error, InvalidGrantRequest) for error in errors)
    assert not server.token_requests and not server.api_requests


@pytest.mark.parametrize("name", ["state", "redirect_uri", "code_challenge", "grant_type", "code"])
def test_parameters_the_grant_sets_cannot_be_given(name: str) -> None:
    with pytest.raises(InvalidParameter, match=f"{name} is set by the grant itself"):
        code_auth(**{name: "x"})


def test_waiters_of_a_browser_sign_in_wait_for_the_sign_in_and_the_token_request() -> None:
    # Otherwise a waiter could take over while a slow token endpoint answers, and open
    # a second browser on the same port.
    from httpx_auth import OAuth2AuthorizationCode, OAuth2ClientCredentials

    browser = OAuth2AuthorizationCode("https://idp.example/authorize", "https://idp.example/token", timeout=10)
    service = OAuth2ClientCredentials("https://idp.example/token", client_id="id", client_secret="secret", timeout=10)
    assert browser._patience() > 2 * 10
    assert 10 < service._patience() < browser._patience()


def test_browser_mock_explains_an_ignored_reply(browser_mock: BrowserMock, http: ModuleType) -> None:
    tab = browser_mock.add_response(OPENED, "http://localhost:5000/?code=c&state=forged")
    with pytest.raises(TimeoutOccurred):
        call(http, "sync", code_auth(), Server(http))
    assert tab.problem == f"the redirect server answered HTTP 400 to '/': {IGNORED}"
