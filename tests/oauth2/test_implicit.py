"""OAuth2Implicit and its Okta / Microsoft Entra presets: tokens in the URL fragment."""

from __future__ import annotations

import datetime
import time
import uuid
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from httpx_auth import (
    AzureActiveDirectoryImplicit,
    AzureActiveDirectoryImplicitIdToken,
    GrantNotProvided,
    InvalidGrantRequest,
    InvalidParameter,
    InvalidToken,
    OAuth2,
    OAuth2Implicit,
    OktaImplicit,
    OktaImplicitIdToken,
    TimeoutOccurred,
    TokenExpiryNotProvided,
)
from httpx_auth.testing import BrowserMock, create_token
from httpx_auth._oauth2.browser.reply import IGNORED
from browser_fakes import AUTHORIZATION_URL, MODES, REDIRECT_URI, Server, authorization, call

OPENED = f"{AUTHORIZATION_URL}?response_type=token&client_id=cid&redirect_uri={REDIRECT_URI}&state=1234"


def in_hours(hours: float) -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=hours)


def implicit(**kwargs: Any) -> OAuth2Implicit:
    return OAuth2Implicit(AUTHORIZATION_URL, client_id="cid", **kwargs)


def opened(url: str | None) -> dict[str, str]:
    assert url is not None
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def stored_expiry(auth: Any) -> float | None:
    token = OAuth2.token_cache.stored(auth.cache_key)
    assert token is not None
    return token.expiry


@MODES
def test_opaque_access_token_with_expires_in(browser_mock: BrowserMock, http: ModuleType, mode: str) -> None:
    tab = browser_mock.add_response(OPENED, "http://localhost:5000/#access_token=opaque&expires_in=3600&state=1234")
    auth = implicit()
    before = time.time()
    response = call(http, mode, auth, Server(http))
    assert authorization(response) == "Bearer opaque"
    tab.assert_success()
    expiry = stored_expiry(auth)
    assert expiry is not None and before + 3600 <= expiry <= time.time() + 3600


@MODES
def test_jwt_access_token_expires_at_its_exp_claim(browser_mock: BrowserMock, http: ModuleType, mode: str) -> None:
    expiry = in_hours(1).replace(microsecond=0)
    token = create_token(expiry)
    browser_mock.add_response(OPENED, f"http://localhost:5000/#access_token={token}&state=1234")
    auth = implicit()
    assert authorization(call(http, mode, auth, Server(http))) == f"Bearer {token}"
    assert stored_expiry(auth) == expiry.timestamp()


def test_expiry_is_read_by_both_backends(browser_mock: BrowserMock, http: ModuleType, backend: str) -> None:
    token = create_token(1_900_000_000)
    browser_mock.add_response(OPENED, f"http://localhost:5000/#access_token={token}&state=1234")
    auth = implicit()
    call(http, "sync", auth, Server(http))
    assert stored_expiry(auth) == 1_900_000_000


@MODES
def test_id_token_expiry_ignores_expires_in(browser_mock: BrowserMock, http: ModuleType, mode: str) -> None:
    expiry = in_hours(2).replace(microsecond=0)
    id_token = create_token(expiry, nonce="n")
    browser_mock.add_response(
        f"{AUTHORIZATION_URL}?response_type=id_token&client_id=cid&redirect_uri={REDIRECT_URI}&state=1234",
        f"http://localhost:5000/#id_token={id_token}&access_token=other&expires_in=60&state=1234",
    )
    auth = implicit(response_type="id_token")
    assert auth.token_field_name == "id_token"
    assert authorization(call(http, mode, auth, Server(http))) == f"Bearer {id_token}"
    assert stored_expiry(auth) == expiry.timestamp()


def test_token_field_name_follows_the_response_type_of_the_url() -> None:
    assert OAuth2Implicit(f"{AUTHORIZATION_URL}?response_type=id_token").token_field_name == "id_token"
    assert OAuth2Implicit(AUTHORIZATION_URL).token_field_name == "access_token"
    assert OAuth2Implicit(AUTHORIZATION_URL, response_type="id_token token").token_field_name == "access_token"
    assert OAuth2Implicit(AUTHORIZATION_URL, token_field_name="custom").token_field_name == "custom"


@MODES
def test_token_is_cached(browser_mock: BrowserMock, http: ModuleType, mode: str) -> None:
    browser_mock.add_response(OPENED, "http://localhost:5000/#access_token=tok&expires_in=3600&state=1234")
    server = Server(http)
    call(http, mode, implicit(), server)
    assert authorization(call(http, mode, implicit(), server)) == "Bearer tok"
    assert len(server.api_requests) == 2


def test_reply_in_the_query_string_is_accepted_too(browser_mock: BrowserMock, http: ModuleType) -> None:
    tab = browser_mock.add_response(OPENED, "http://localhost:5000/?access_token=tok&expires_in=60&state=1234")
    call(http, "sync", implicit(), Server(http))
    tab.assert_success()


# -- failures --------------------------------------------------------------------------


@MODES
def test_error_in_the_fragment(browser_mock: BrowserMock, http: ModuleType, mode: str) -> None:
    tab = browser_mock.add_response(
        OPENED, "http://localhost:5000/#error=unsupported_response_type&error_description=No+implicit+here&state=1234"
    )
    with pytest.raises(InvalidGrantRequest) as raised:
        call(http, mode, implicit(), Server(http))
    assert raised.value.error == "unsupported_response_type"
    tab.assert_failure("unsupported_response_type: No implicit here")


@MODES
def test_forged_state_is_ignored(browser_mock: BrowserMock, http: ModuleType, mode: str) -> None:
    tab = browser_mock.add_response(OPENED, "http://localhost:5000/#access_token=tok&state=4321")
    with pytest.raises(TimeoutOccurred):
        call(http, mode, implicit(), Server(http))
    assert tab.page is not None and tab.page.information == IGNORED


def test_token_missing_from_the_fragment(browser_mock: BrowserMock, http: ModuleType) -> None:
    tab = browser_mock.add_response(OPENED, "http://localhost:5000/#token_type=bearer&state=1234")
    with pytest.raises(GrantNotProvided):
        call(http, "sync", implicit(), Server(http))
    tab.assert_failure("access_token not provided within the reply (nothing).")


def test_empty_fragment_is_ignored(browser_mock: BrowserMock, http: ModuleType) -> None:
    tab = browser_mock.add_response(OPENED, "http://localhost:5000/")
    with pytest.raises(TimeoutOccurred):
        call(http, "sync", implicit(), Server(http))
    assert tab.page is not None and tab.page.information == IGNORED


def test_opaque_token_without_expires_in_is_refused(browser_mock: BrowserMock, http: ModuleType) -> None:
    browser_mock.add_response(OPENED, "http://localhost:5000/#access_token=opaque&state=1234")
    with pytest.raises(InvalidToken, match="access_token is invalid"):
        call(http, "sync", implicit(), Server(http))


def test_jwt_without_exp_is_refused(browser_mock: BrowserMock, http: ModuleType) -> None:
    browser_mock.add_response(OPENED, f"http://localhost:5000/#access_token={create_token(None)}&state=1234")
    with pytest.raises(TokenExpiryNotProvided):
        call(http, "sync", implicit(), Server(http))


@MODES
def test_timeout(browser_mock: BrowserMock, http: ModuleType, mode: str) -> None:
    browser_mock.add_response(OPENED, None)
    with pytest.raises(TimeoutOccurred) as raised:
        call(http, mode, implicit(), Server(http))
    assert raised.value.timeout == 60


def test_bad_arguments_name_the_parameter() -> None:
    with pytest.raises(InvalidParameter, match="redirect_uri_port"):
        implicit(redirect_uri_port=False)
    with pytest.raises(InvalidParameter, match="token_field_name"):
        implicit(token_field_name="")
    with pytest.raises(InvalidParameter, match="early_expiry"):
        implicit(early_expiry=-1)
    with pytest.raises(InvalidParameter, match="tenant_id"):
        AzureActiveDirectoryImplicit("../evil", "cid")


def test_repr_names_the_configuration() -> None:
    assert repr(implicit()) == (
        "OAuth2Implicit(authorization_url='https://idp.example.com/authorize', "
        "redirect_uri='http://localhost:5000/', response_type='token', token_field_name='access_token')"
    )


# -- providers -------------------------------------------------------------------------

OKTA = "https://testserver.okta-emea.com/oauth2/default/v1/authorize"
ENTRA = "https://login.microsoftonline.com/45239d18/oauth2/authorize"


@pytest.mark.parametrize(
    ("make", "url", "response_type", "field", "scope"),
    [
        (lambda: OktaImplicit("testserver.okta-emea.com", "54239d18"), OKTA, "token", "access_token", "openid profile email"),
        (lambda: OktaImplicitIdToken("testserver.okta-emea.com", "54239d18"), OKTA, "id_token", "id_token", "openid profile email"),
        (lambda: AzureActiveDirectoryImplicit("45239d18", "54239d18"), ENTRA, "token", "access_token", None),
        (lambda: AzureActiveDirectoryImplicitIdToken("45239d18", "54239d18"), ENTRA, "id_token", "id_token", None),
    ],
    ids=["okta", "okta-id-token", "entra", "entra-id-token"],
)
@MODES
def test_providers(
    browser_mock: BrowserMock,
    http: ModuleType,
    mode: str,
    make: Any,
    url: str,
    response_type: str,
    field: str,
    scope: str | None,
) -> None:
    token = create_token(in_hours(1))
    tab = browser_mock.add_response(None, f"http://localhost:5000/#{field}={token}&state={{state}}")
    auth = make()
    assert authorization(call(http, mode, auth, Server(http))) == f"Bearer {token}"
    tab.assert_success()
    sent = opened(tab.opened_url)
    assert tab.opened_url is not None and tab.opened_url.startswith(url + "?")
    assert sent["client_id"] == "54239d18"
    assert sent["response_type"] == response_type
    assert sent.get("scope") == scope
    assert sent["redirect_uri"] == "http://localhost:5000/"
    assert uuid.UUID(sent["nonce"])
    assert auth.token_field_name == field


def test_provider_options(browser_mock: BrowserMock, http: ModuleType) -> None:
    tab = browser_mock.add_response(None, "http://127.0.0.1:5001/cb#access_token=t&expires_in=60&state={state}")
    auth = OktaImplicit(
        "testserver.okta-emea.com",
        "cid",
        scope="openid",
        authorization_server="custom",
        nonce="my-nonce",
        prompt="none",
        redirect_uri_port=5001,
        redirect_uri_endpoint="/cb",
    )
    call(http, "sync", auth, Server(http))
    sent = opened(tab.opened_url)
    assert sent["nonce"] == "my-nonce" and sent["prompt"] == "none" and sent["scope"] == "openid"
    assert sent["redirect_uri"] == "http://localhost:5001/cb"
    assert tab.opened_url is not None and "/oauth2/custom/v1/authorize?" in tab.opened_url


def test_generated_nonce_stays_out_of_the_cache_key() -> None:
    assert OktaImplicit("i.okta.com", "cid").cache_key == OktaImplicit("i.okta.com", "cid").cache_key
    assert OktaImplicit("i.okta.com", "cid").cache_key != OktaImplicit("i.okta.com", "cid", nonce="n").cache_key
    assert OktaImplicit("i.okta.com", "cid").cache_key != OktaImplicitIdToken("i.okta.com", "cid").cache_key


def test_provider_defaults_can_be_replaced_but_not_emptied() -> None:
    auth = OktaImplicit("i.okta.com", "cid", response_type="id_token token", token_field_name="access_token")
    assert (auth.response_type, auth.token_field_name) == ("id_token token", "access_token")
    with pytest.raises(InvalidParameter, match="token_field_name"):
        OktaImplicitIdToken("i.okta.com", "cid", token_field_name="")
    with pytest.raises(InvalidParameter, match="response_type"):
        AzureActiveDirectoryImplicit("tid", "cid", response_type="")
