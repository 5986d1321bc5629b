"""The authorization code grant's presets, OktaAuthorizationCode and
WakaTimeAuthorizationCode, driven through browser_mock and a mocked token endpoint."""

from __future__ import annotations

import uuid
from types import ModuleType

import pytest

from httpx_auth import InvalidParameter, OktaAuthorizationCode, WakaTimeAuthorizationCode
from httpx_auth.testing import BrowserMock
from browser_fakes import MODES, REDIRECT_URI, Server, authorization, call, query

OKTA = "https://testserver.okta-emea.com/oauth2/default/v1"


@MODES
def test_okta(browser_mock: BrowserMock, http: ModuleType, mode: str) -> None:
    tab = browser_mock.add_response(
        f"{OKTA}/authorize?client_id=54239d18&scope=openid&response_type=code&redirect_uri={REDIRECT_URI}&state=s&nonce=n",
        "http://localhost:5000/?code=c&state={state}",
    )
    server = Server(http, {"access_token": "okta-token", "expires_in": 3600})
    auth = OktaAuthorizationCode("testserver.okta-emea.com", "54239d18")
    assert authorization(call(http, mode, auth, server)) == "Bearer okta-token"
    tab.assert_success()
    assert str(server.token_requests[0].url) == f"{OKTA}/token"
    assert server.form()["client_id"] == "54239d18"
    assert uuid.UUID(query(tab.opened_url)["nonce"][0])


def test_okta_nonce_is_new_for_each_authorization_unless_given(browser_mock: BrowserMock, http: ModuleType) -> None:
    tabs = [browser_mock.add_response(None, "http://localhost:5000/?code=c&state={state}") for _ in range(3)]
    server = Server(http, *({"access_token": "t", "expires_in": 0} for _ in range(3)))
    generated = OktaAuthorizationCode("testserver.okta-emea.com", "cid")
    call(http, "sync", generated, server)
    call(http, "sync", generated, server)
    call(http, "sync", OktaAuthorizationCode("testserver.okta-emea.com", "cid", nonce="fixed"), server)
    nonces = [query(tab.opened_url)["nonce"][0] for tab in tabs]
    assert nonces[0] != nonces[1] and nonces[2] == "fixed"


def test_okta_options(browser_mock: BrowserMock, http: ModuleType) -> None:
    tab = browser_mock.add_response(None, "http://localhost:5000/?code=c&state={state}")
    server = Server(http, {"access_token": "t"})
    auth = OktaAuthorizationCode(
        "testserver.okta-emea.com",
        "cid",
        scope=["openid", "email"],
        authorization_server="custom",
        prompt="none",
        client_secret="okta-secret",
    )
    call(http, "sync", auth, server)
    opened = query(tab.opened_url)
    assert tab.opened_url is not None and tab.opened_url.startswith(
        "https://testserver.okta-emea.com/oauth2/custom/v1/authorize?"
    )
    assert opened["scope"] == ["openid email"] and opened["prompt"] == ["none"]
    assert "client_secret" not in opened
    assert server.form()["client_secret"] == "okta-secret"
    assert "okta-secret" not in repr(auth)


def test_okta_instance_is_checked() -> None:
    with pytest.raises(InvalidParameter, match="instance"):
        OktaAuthorizationCode("https://testserver.okta-emea.com/", "cid")


@MODES
def test_wakatime(browser_mock: BrowserMock, http: ModuleType, mode: str) -> None:
    tab = browser_mock.add_response(None, "http://localhost:5000/?code=c&state={state}")
    server = Server(http, {"access_token": "waka_tok", "refresh_token": "waka_ref", "expires_in": 3600})
    auth = WakaTimeAuthorizationCode("aPJQV0op6Pu3b66MWDi9b1wB", "waka_sec_0c5MB", ["email", "read_stats"])
    assert authorization(call(http, mode, auth, server)) == "Bearer waka_tok"
    opened = query(tab.opened_url)
    assert tab.opened_url is not None and tab.opened_url.startswith("https://wakatime.com/oauth/authorize?")
    assert opened["scope"] == ["email,read_stats"]
    assert opened["client_id"] == ["aPJQV0op6Pu3b66MWDi9b1wB"] and opened["response_type"] == ["code"]
    assert "client_secret" not in opened
    assert str(server.token_requests[0].url) == "https://wakatime.com/oauth/token"
    assert server.form() == {
        "grant_type": "authorization_code",
        "code": "c",
        "redirect_uri": "http://localhost:5000/",
        "client_id": "aPJQV0op6Pu3b66MWDi9b1wB",
        "client_secret": "waka_sec_0c5MB",
    }
    assert "waka_sec_0c5MB" not in repr(auth)


def test_wakatime_needs_its_secret_and_scope() -> None:
    with pytest.raises(InvalidParameter, match="client_secret"):
        WakaTimeAuthorizationCode("id", "", "email")
    with pytest.raises(InvalidParameter, match="scope"):
        WakaTimeAuthorizationCode("id", "secret", "")
