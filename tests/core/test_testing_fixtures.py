"""httpx_auth.testing, used as a user would: the pytest plugin and its fixtures."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from types import ModuleType
from typing import Any

import jwt
import pytest

import httpx_auth
from httpx_auth import OAuth2
from httpx_auth._oauth2.token import Token
from httpx_auth.testing import BrowserMock, create_token
from browser_fakes import MODES, Server, authorization, call

pytest_plugins = ["pytester"]

# Every OAuth2 class of the reference, with the least arguments it takes.
EVERY_OAUTH2_AUTH = {
    "OAuth2AuthorizationCodePKCE": lambda: httpx_auth.OAuth2AuthorizationCodePKCE("https://a/auth", "https://a/token"),
    "OktaAuthorizationCodePKCE": lambda: httpx_auth.OktaAuthorizationCodePKCE("i.okta.com", "cid"),
    "OAuth2Implicit": lambda: httpx_auth.OAuth2Implicit("https://a/auth"),
    "OktaImplicit": lambda: httpx_auth.OktaImplicit("i.okta.com", "cid"),
    "OktaImplicitIdToken": lambda: httpx_auth.OktaImplicitIdToken("i.okta.com", "cid"),
    "AzureActiveDirectoryImplicit": lambda: httpx_auth.AzureActiveDirectoryImplicit("tid", "cid"),
    "AzureActiveDirectoryImplicitIdToken": lambda: httpx_auth.AzureActiveDirectoryImplicitIdToken("tid", "cid"),
    "OAuth2AuthorizationCode": lambda: httpx_auth.OAuth2AuthorizationCode("https://a/auth", "https://a/token"),
    "OktaAuthorizationCode": lambda: httpx_auth.OktaAuthorizationCode("i.okta.com", "cid"),
    "WakaTimeAuthorizationCode": lambda: httpx_auth.WakaTimeAuthorizationCode("cid", "secret", "email"),
    "OAuth2ClientCredentials": lambda: httpx_auth.OAuth2ClientCredentials("https://a/token", "cid", "secret"),
    "OktaClientCredentials": lambda: httpx_auth.OktaClientCredentials("i.okta.com", "cid", "secret", scope="s"),
    "OAuth2ResourceOwnerPasswordCredentials": lambda: httpx_auth.OAuth2ResourceOwnerPasswordCredentials(
        "https://a/token", "user", "pass"
    ),
    "OktaResourceOwnerPasswordCredentials": lambda: httpx_auth.OktaResourceOwnerPasswordCredentials(
        "i.okta.com", "user", "pass", "cid", "secret"
    ),
    "OAuth2JwtBearer": lambda: httpx_auth.OAuth2JwtBearer("https://a/token", assertion=lambda: "a"),
    "OAuth2TokenExchange": lambda: httpx_auth.OAuth2TokenExchange("https://a/token", "st", "jwt"),
    "OAuth2DeviceCode": lambda: httpx_auth.OAuth2DeviceCode("https://a/device", "https://a/token", "cid"),
    "OktaDeviceCode": lambda: httpx_auth.OktaDeviceCode("i.okta.com", "cid"),
    "AzureActiveDirectoryDeviceCode": lambda: httpx_auth.AzureActiveDirectoryDeviceCode("tid", "cid"),
}


@pytest.mark.parametrize("name", sorted(EVERY_OAUTH2_AUTH))
@MODES
def test_token_cache_mock_authenticates_every_oauth2_auth(
    token_cache_mock: Any, http: ModuleType, mode: str, name: str
) -> None:
    # No tab in a browser mock, no answer from the token endpoint: only the mock token.
    server = Server(http)
    response = call(http, mode, EVERY_OAUTH2_AUTH[name](), server)
    assert authorization(response) == "Bearer 2YotnFZFEjr1zCsicMWpAA"
    assert not server.token_requests


def test_token_cache_mock_covers_every_public_oauth2_auth() -> None:
    grants = {
        name
        for name in httpx_auth.__all__
        if isinstance(getattr(httpx_auth, name), type)
        and issubclass(getattr(httpx_auth, name), httpx_auth._oauth2.GrantAuth)
    }
    assert grants == set(EVERY_OAUTH2_AUTH)


def test_token_cache_empties_the_shared_cache(token_cache: Any) -> None:
    assert token_cache is OAuth2.token_cache
    token_cache.store("key", Token("value"))
    assert token_cache.lookup("key") == Token("value")


def test_token_cache_started_empty(token_cache: Any) -> None:
    assert token_cache.stored("key") is None


def test_create_token_sets_exp_and_claims() -> None:
    expiry = datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    token = create_token(expiry, sub="me")
    assert jwt.decode(token, options={"verify_signature": False}) == {"exp": int(expiry.timestamp()), "sub": "me"}
    assert jwt.decode(create_token(None), options={"verify_signature": False}) == {}
    assert httpx_auth._core.backend.jwt_exp(create_token(1_900_000_000)) == 1_900_000_000


def test_create_token_without_pyjwt_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "jwt", None)  # makes `import jwt` fail
    with pytest.raises(ImportError, match="pip install pyjwt"):
        create_token(None)


def test_the_plugin_imports_without_pyjwt() -> None:
    code = (
        "import sys\n"
        "sys.modules['jwt'] = None\n"
        "import httpx_auth.testing as t\n"
        "print(sorted(n for n in t.__all__))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ.copy())
    assert result.returncode == 0, result.stderr
    assert "browser_mock" in result.stdout


# -- browser_mock ----------------------------------------------------------------------


def test_unexpected_url_fails_the_test_clearly(browser_mock: BrowserMock, http: ModuleType) -> None:
    browser_mock.add_response("https://idp.example.com/other?state=1", "http://localhost:5000/?code=c&state=1")
    with pytest.raises(AssertionError, match=r"asked to open https://a/auth\?response_type=token"):
        call(http, "sync", httpx_auth.OAuth2Implicit("https://a/auth"), Server(http))
    browser_mock.tabs.clear()  # the tab was indeed never opened: do not fail at teardown


def test_volatile_parameters_are_matched_by_presence_only(browser_mock: BrowserMock, http: ModuleType) -> None:
    tab = browser_mock.add_response(
        "https://a/auth?redirect_uri=http%3A%2F%2Flocalhost%3A5000%2F&client_id=cid&response_type=token"
        "&nonce=anything&state=anything",
        "http://localhost:5000/#access_token=t&expires_in=60&state=anything",
    )
    call(http, "sync", httpx_auth.OAuth2Implicit("https://a/auth", client_id="cid", nonce="n1"), Server(http))
    tab.assert_success()


def test_a_missing_volatile_parameter_does_not_match(browser_mock: BrowserMock, http: ModuleType) -> None:
    browser_mock.add_response(
        "https://a/auth?response_type=token&redirect_uri=http%3A%2F%2Flocalhost%3A5000%2F&state=s&nonce=n",
        "http://localhost:5000/#access_token=t&state=s",
    )
    with pytest.raises(AssertionError, match="which no unused tab expects"):
        call(http, "sync", httpx_auth.OAuth2Implicit("https://a/auth"), Server(http))  # sends no nonce
    browser_mock.tabs.clear()


def test_other_parameters_must_match_exactly(browser_mock: BrowserMock, http: ModuleType) -> None:
    browser_mock.add_response(
        "https://a/auth?response_type=token&redirect_uri=http%3A%2F%2Flocalhost%3A5000%2F&state=s&client_id=x",
        "http://localhost:5000/#access_token=t&state=s",
    )
    with pytest.raises(AssertionError):
        call(http, "sync", httpx_auth.OAuth2Implicit("https://a/auth", client_id="y"), Server(http))
    browser_mock.tabs.clear()


def test_placeholders_and_reply_functions(browser_mock: BrowserMock, http: ModuleType) -> None:
    seen: list[str] = []

    def reply(opened_url: str) -> str:
        seen.append(opened_url)
        return "http://localhost:5000/#id_token={token}&state={state}".replace("{token}", create_token(2_000_000_000))

    first = browser_mock.add_response(None, reply)
    auth = httpx_auth.OktaImplicitIdToken("i.okta.com", "cid")
    call(http, "sync", auth, Server(http))
    first.assert_success()
    assert seen == [first.opened_url]
    OAuth2.token_cache.clear()
    # {nonce} stands for the nonce actually sent.
    id_token = create_token(2_000_000_000)
    second = browser_mock.add_response(None, f"http://localhost:5000/#id_token={id_token}&state={{state}}&n={{nonce}}")
    call(http, "sync", auth, Server(http))
    assert second.sent_reply_url is not None and second.opened_url is not None
    nonce = dict(p.split("=", 1) for p in second.opened_url.split("?", 1)[1].split("&"))["nonce"]
    assert second.sent_reply_url.endswith(f"&n={nonce}")


def test_assertions_of_a_tab(browser_mock: BrowserMock, http: ModuleType) -> None:
    ok = browser_mock.add_response(None, "http://localhost:5000/#access_token=t&expires_in=60&state={state}")
    bad = browser_mock.add_response(None, "http://localhost:5000/#error=access_denied&state={state}")
    call(http, "sync", httpx_auth.OAuth2Implicit("https://a/auth"), Server(http))
    OAuth2.token_cache.clear()
    with pytest.raises(httpx_auth.InvalidGrantRequest):
        call(http, "sync", httpx_auth.OAuth2Implicit("https://a/auth"), Server(http))
    ok.assert_success()
    assert ok.displayed_html == OAuth2.display.success_page()
    with pytest.raises(AssertionError, match="showed the success page"):
        ok.assert_failure("anything")
    message = "access_denied: The resource owner or authorization server denied the request."
    bad.assert_failure(message)
    with pytest.raises(AssertionError, match="showed the failure page"):
        bad.assert_success()
    with pytest.raises(AssertionError, match="another failure"):
        bad.assert_failure("something else")
    unopened = BrowserMock().add_response(None, None)
    with pytest.raises(AssertionError, match="never opened"):
        unopened.assert_success()


def test_display_settings_shape_the_pages(
    browser_mock: BrowserMock, http: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        OAuth2,
        "display",
        httpx_auth.DisplaySettings(success_html="<p>yes {display_time}</p>", failure_html="<p>no: {information}</p>"),
    )
    ok = browser_mock.add_response(None, "http://localhost:5000/#access_token=t&expires_in=60&state={state}")
    call(http, "sync", httpx_auth.OAuth2Implicit("https://a/auth"), Server(http))
    assert ok.displayed_html == "<p>yes 1</p>"


# -- as a user's test suite ------------------------------------------------------------


def test_fixtures_need_no_import(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx
        from httpx_auth import OAuth2Implicit, OAuth2ClientCredentials

        def test_mock_token(token_cache_mock):
            with httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200, text=r.headers["Authorization"]))) as c:
                assert c.get("https://x", auth=OAuth2ClientCredentials("https://t", "i", "s")).text == "Bearer 2YotnFZFEjr1zCsicMWpAA"

        def test_browser(browser_mock):
            tab = browser_mock.add_response(
                "https://idp/authorize?response_type=token&redirect_uri=http%3A%2F%2Flocalhost%3A5000%2F&state=1234",
                "http://localhost:5000#access_token=tok&expires_in=60&state=1234",
            )
            with httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200, text=r.headers["Authorization"]))) as c:
                assert c.get("https://x", auth=OAuth2Implicit("https://idp/authorize")).text == "Bearer tok"
            tab.assert_success()
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_token_mock_can_be_overridden(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx, pytest
        from httpx_auth import OktaImplicit

        @pytest.fixture
        def token_mock():
            return "MyCustomTokenValue"

        def test_custom(token_cache_mock):
            with httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200, text=r.headers["Authorization"]))) as c:
                assert c.get("https://x", auth=OktaImplicit("i.okta.com", "cid")).text == "Bearer MyCustomTokenValue"
        """
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_an_unopened_tab_fails_the_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_forgot(browser_mock):
            browser_mock.add_response("https://idp/authorize", None)
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*Tabs never opened by the code under test*"])
