"""The authorization code grants (with and without PKCE) authenticating at the token
endpoint with JWT client assertions, and with DPoP; assertions verified with joserfc."""

from __future__ import annotations

from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from httpx_auth import (
    DPoPKey,
    InvalidParameter,
    OAuth2AuthorizationCode,
    OAuth2AuthorizationCodePKCE,
    OktaAuthorizationCode,
    WakaTimeAuthorizationCode,
)
from httpx_auth.testing import BrowserMock
from browser_fakes import API_URL, AUTHORIZATION_URL, MODES, REDIRECT_URI, TOKEN_URL, Server, authorization, call
from jwt_fakes import pem, verify
from test_dpop import check_proof

REPLY = "http://localhost:5000/?code=the-code&state={state}"
SECRET = "a-shared-secret-of-at-least-32-bytes!"
ANSWER = {"access_token": "tok", "token_type": "Bearer", "expires_in": 3600, "refresh_token": "r"}


def opened(pkce: bool) -> str | None:
    return None if pkce else f"{AUTHORIZATION_URL}?response_type=code&client_id=cid&redirect_uri={REDIRECT_URI}&state=1234"


def check(form: dict[str, str], algorithm: str, key: Any) -> None:
    assert "client_secret" not in form
    assert form["client_id"] == "cid"
    assert form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    _, claims = verify(form["client_assertion"], algorithm, key)
    assert claims["iss"] == claims["sub"] == "cid" and claims["aud"] == TOKEN_URL


@MODES
@pytest.mark.parametrize("grant", [OAuth2AuthorizationCode, OAuth2AuthorizationCodePKCE])
def test_private_key_jwt(browser_mock: BrowserMock, http: ModuleType, mode: str, grant: Any) -> None:
    browser_mock.add_response(opened(grant is OAuth2AuthorizationCodePKCE), REPLY)
    server = Server(http, ANSWER)
    auth = grant(
        AUTHORIZATION_URL, TOKEN_URL, client_id="cid", client_auth_method="private_key_jwt",
        private_key=pem("ec"), signing_algorithm="ES256",
    )
    assert authorization(call(http, mode, auth, server)) == "Bearer tok"
    form = server.form()
    assert form["code"] == "the-code" and "authorization" not in server.token_requests[0].headers
    check(form, "ES256", None)


@MODES
def test_client_secret_jwt_keeps_the_secret_out_of_the_body(browser_mock: BrowserMock, http: ModuleType, mode: str) -> None:
    browser_mock.add_response(opened(False), REPLY)
    server = Server(http, ANSWER)
    auth = OAuth2AuthorizationCode(AUTHORIZATION_URL, TOKEN_URL, client_id="cid", client_secret=SECRET, client_auth_method="client_secret_jwt")
    call(http, mode, auth, server)
    check(server.form(), "HS256", SECRET)
    assert SECRET not in repr(auth)


def test_okta_preset_takes_the_options(browser_mock: BrowserMock, http: ModuleType) -> None:
    auth = OktaAuthorizationCode("dev.okta.example", "cid", client_auth_method="private_key_jwt", private_key=pem("rsa"), key_id="k")
    assert auth.token_endpoint is not None and auth.token_endpoint.authentication.method == "private_key_jwt"
    plain = OktaAuthorizationCode("dev.okta.example", "cid")
    assert auth.cache_key != plain.cache_key


@MODES
def test_dpop_code_grant(browser_mock: BrowserMock, http: ModuleType, mode: str, backend: str) -> None:
    key = DPoPKey()
    browser_mock.add_response(f"{opened(False)}&dpop_jkt={key.thumbprint}", REPLY)
    server = Server(http, {**ANSWER, "token_type": "DPoP"})
    auth = OAuth2AuthorizationCode(AUTHORIZATION_URL, TOKEN_URL, client_id="cid", dpop=key)
    response = call(http, mode, auth, server)
    assert authorization(response) == "DPoP tok"
    proof = check_proof(server.token_requests[0].headers["dpop"], "POST", TOKEN_URL)
    assert proof["jkt"] == key.thumbprint  # the key the code is bound to


@MODES
def test_dpop_wakatime(browser_mock: BrowserMock, http: ModuleType, mode: str, backend: str) -> None:
    tab = browser_mock.add_response(None, "http://localhost:5000/?code=c&state={state}")
    server = Server(http, {**ANSWER, "token_type": "DPoP"})
    auth = WakaTimeAuthorizationCode("waka-id", "waka-secret", ["email", "read_stats"], dpop=True)
    assert authorization(call(http, mode, auth, server)) == "DPoP tok"
    assert tab.opened_url is not None
    assert parse_qs(urlsplit(tab.opened_url).query)["dpop_jkt"] == [auth.dpop.key.thumbprint]
    token_request = server.token_requests[0]
    assert str(token_request.url) == "https://wakatime.com/oauth/token"
    assert check_proof(token_request.headers["dpop"], "POST", "https://wakatime.com/oauth/token")["jkt"] == auth.dpop.key.thumbprint
    assert server.form()["client_secret"] == "waka-secret"  # WakaTime's client authentication, unchanged
    api_proof = check_proof(server.api_requests[0].headers["dpop"], "GET", API_URL, token="tok")
    assert api_proof["jkt"] == auth.dpop.key.thumbprint
    plain = WakaTimeAuthorizationCode("waka-id", "waka-secret", ["email", "read_stats"])
    assert plain.cache_key != auth.cache_key and plain.dpop is None


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"client_auth_method": "private_key_jwt"}, "needs a private_key"),
        ({"client_auth_method": "private_key_jwt", "private_key": pem("rsa"), "client_secret": "s"}, "give no client_secret"),
        ({"client_auth_method": "client_secret_jwt"}, "needs a client_secret"),
        ({"client_auth_method": "client_secret_post", "client_secret": "s"}, "'private_key_jwt' or 'client_secret_jwt' here"),
        ({"private_key": pem("rsa")}, "need client_auth_method"),
        ({"client_auth_method": "private_key_jwt", "private_key": pem("rsa"), "username": "u", "password": "p"}, "one or the other"),
    ],
)
def test_invalid_combinations(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(InvalidParameter, match=match):
        OAuth2AuthorizationCode(AUTHORIZATION_URL, TOKEN_URL, client_id="cid", **kwargs)
    with pytest.raises(InvalidParameter, match="needs a client_id"):
        OAuth2AuthorizationCode(AUTHORIZATION_URL, TOKEN_URL, client_auth_method="private_key_jwt", private_key=pem("rsa"))
