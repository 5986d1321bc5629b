"""OAuth2AuthorizationCodePKCE and OktaAuthorizationCodePKCE, on both backends of the core."""

from __future__ import annotations

import base64
import hashlib
import re
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from httpx_auth import (
    InvalidGrantRequest,
    InvalidParameter,
    OAuth2AuthorizationCode,
    OAuth2AuthorizationCodePKCE,
    OktaAuthorizationCodePKCE,
    TimeoutOccurred,
)
from httpx_auth._oauth2.browser.reply import IGNORED
from httpx_auth._oauth2 import pkce
from httpx_auth.testing import BrowserMock
from browser_fakes import AUTHORIZATION_URL, MODES, REDIRECT_URI, TOKEN_URL, Server, authorization, call

OPENED = (
    f"{AUTHORIZATION_URL}?response_type=code&client_id=cid&redirect_uri={REDIRECT_URI}"
    "&code_challenge_method=S256&code_challenge=x&state=1234"
)
REPLY = "http://localhost:5000/?code=the-code&state=1234"


def pkce_auth(**kwargs: Any) -> OAuth2AuthorizationCodePKCE:
    return OAuth2AuthorizationCodePKCE(AUTHORIZATION_URL, TOKEN_URL, client_id="cid", **kwargs)


def opened(url: str | None) -> dict[str, str]:
    assert url is not None
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


@MODES
def test_verifier_matches_the_challenge(
    browser_mock: BrowserMock, http: ModuleType, mode: str, backend: str
) -> None:
    tab = browser_mock.add_response(OPENED, REPLY)
    server = Server(http, {"access_token": "tok", "expires_in": 3600})
    assert authorization(call(http, mode, pkce_auth(), server)) == "Bearer tok"
    tab.assert_success()
    form = server.form()
    verifier = form.pop("code_verifier")
    assert form == {
        "grant_type": "authorization_code",
        "code": "the-code",
        "redirect_uri": "http://localhost:5000/",
        "client_id": "cid",
    }
    assert 43 <= len(verifier) <= 128 and re.fullmatch(r"[A-Za-z0-9._~-]+", verifier)
    assert opened(tab.opened_url)["code_challenge"] == s256(verifier)
    assert opened(tab.opened_url)["code_challenge_method"] == "S256"
    # The verifier itself never goes through the browser.
    assert verifier not in str(tab.opened_url)


def test_the_core_computes_the_challenge(
    browser_mock: BrowserMock, http: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    from httpx_auth import _core

    class Spy:
        def __init__(self, real: Any) -> None:
            self.real, self.calls = real, []

        def __getattr__(self, name: str) -> Any:
            return getattr(self.real, name)

        def pkce_s256_challenge(self, verifier: str) -> str:
            self.calls.append(verifier)
            result: str = self.real.pkce_s256_challenge(verifier)
            return result

    spy = Spy(_core.backend)
    monkeypatch.setattr(_core, "backend", spy)
    browser_mock.add_response(OPENED, REPLY)
    server = Server(http, {"access_token": "tok"})
    call(http, "sync", pkce_auth(), server)
    assert spy.calls == [server.form()["code_verifier"]]


def test_verifier_is_fresh_for_each_authorization(browser_mock: BrowserMock, http: ModuleType) -> None:
    tabs = [browser_mock.add_response(OPENED, REPLY) for _ in range(2)]
    server = Server(http, {"access_token": "a", "expires_in": 0}, {"access_token": "b", "expires_in": 0})
    auth = pkce_auth()
    call(http, "sync", auth, server)
    call(http, "sync", auth, server)
    verifiers = [server.form(i)["code_verifier"] for i in range(2)]
    assert verifiers[0] != verifiers[1]
    assert [opened(tab.opened_url)["code_challenge"] for tab in tabs] == [s256(v) for v in verifiers]


def test_rfc7636_appendix_b_through_the_grant(
    browser_mock: BrowserMock, http: ModuleType, monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    monkeypatch.setattr(pkce, "new_code_verifier", lambda: verifier)
    tab = browser_mock.add_response(OPENED, REPLY)
    server = Server(http, {"access_token": "tok"})
    call(http, "sync", pkce_auth(), server)
    assert opened(tab.opened_url)["code_challenge"] == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    assert server.form()["code_verifier"] == verifier


@MODES
def test_refresh_keeps_working(browser_mock: BrowserMock, http: ModuleType, mode: str) -> None:
    browser_mock.add_response(OPENED, REPLY)
    server = Server(
        http,
        {"access_token": "old", "expires_in": 0, "refresh_token": "rt"},
        {"access_token": "new", "expires_in": 3600, "refresh_token": "rt2"},
    )
    auth = pkce_auth()
    call(http, mode, auth, server)
    assert authorization(call(http, mode, auth, server)) == "Bearer new"
    assert server.form() == {"grant_type": "refresh_token", "refresh_token": "rt", "client_id": "cid"}


def test_cache_key_differs_from_the_plain_code_grant() -> None:
    plain = OAuth2AuthorizationCode(AUTHORIZATION_URL, TOKEN_URL, client_id="cid")
    assert pkce_auth().cache_key == pkce_auth().cache_key
    assert pkce_auth().cache_key != plain.cache_key


@MODES
def test_failures(browser_mock: BrowserMock, http: ModuleType, mode: str) -> None:
    denied = browser_mock.add_response(OPENED, "http://localhost:5000/?error=invalid_scope&state=1234")
    forged = browser_mock.add_response(OPENED, "http://localhost:5000/?code=c&state=other")
    browser_mock.add_response(OPENED, None)
    server = Server(http)
    with pytest.raises(InvalidGrantRequest, match="invalid_scope"):
        call(http, mode, pkce_auth(), server)
    with pytest.raises(TimeoutOccurred):  # the forged reply is ignored
        call(http, mode, pkce_auth(), server)
    assert forged.page is not None and forged.page.information == IGNORED
    with pytest.raises(TimeoutOccurred):
        call(http, mode, pkce_auth(), server)
    denied.assert_failure(
        "invalid_scope: The requested scope is invalid, unknown, malformed, or exceeds the scope granted "
        "by the resource owner."
    )
    assert forged.page is not None and forged.page.information is not None
    assert not server.token_requests


def test_secret_parameters_skip_the_browser(browser_mock: BrowserMock, http: ModuleType) -> None:
    tab = browser_mock.add_response(None, "http://localhost:5000/?code=c&state={state}")
    server = Server(http, {"access_token": "tok"})
    call(http, "sync", pkce_auth(client_secret="pkce-secret"), server)
    assert "pkce-secret" not in str(tab.opened_url)
    assert server.form()["client_secret"] == "pkce-secret"


def test_bad_arguments_name_the_parameter() -> None:
    with pytest.raises(InvalidParameter, match="redirect_uri_port"):
        pkce_auth(redirect_uri_port=-1)
    with pytest.raises(InvalidParameter, match="token_url"):
        OAuth2AuthorizationCodePKCE(AUTHORIZATION_URL, "")


@MODES
def test_okta(browser_mock: BrowserMock, http: ModuleType, mode: str) -> None:
    base = "https://testserver.okta-emea.com/oauth2/default/v1"
    tab = browser_mock.add_response(
        f"{base}/authorize?client_id=cid&scope=openid&response_type=code&redirect_uri={REDIRECT_URI}"
        "&code_challenge_method=S256&code_challenge=c&nonce=n&state=s",
        "http://localhost:5000/?code=c0de&state={state}",
    )
    server = Server(http, {"access_token": "okta", "expires_in": 3600})
    auth = OktaAuthorizationCodePKCE("testserver.okta-emea.com", "cid")
    assert authorization(call(http, mode, auth, server)) == "Bearer okta"
    tab.assert_success()
    assert str(server.token_requests[0].url) == f"{base}/token"
    form = server.form()
    assert form["client_id"] == "cid" and form["code"] == "c0de"
    assert opened(tab.opened_url)["code_challenge"] == s256(form["code_verifier"])
