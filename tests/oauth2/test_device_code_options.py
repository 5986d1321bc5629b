"""The device authorization grant (RFC 8628): confidential clients, extra parameters,
refresh, opening the verification URI, the display, unusable answers, and the Okta /
Entra presets."""

from __future__ import annotations

import base64
import logging
import threading
import time
from types import ModuleType
from typing import Any

import pytest

from device_fakes import DEVICE_CODE, DEVICE_URL, TOKEN_URL, Clock, DeviceServer, clock, device_answer, no_browser, shown  # noqa: F401
from httpx_auth import (
    AzureActiveDirectoryDeviceCode,
    GrantNotProvided,
    InvalidGrantRequest,
    InvalidParameter,
    InvalidTokenResponse,
    OAuth2DeviceCode,
    OktaDeviceCode,
)
from oauth2_fakes import API_URL, fresh_token_cache  # noqa: F401


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_confidential_client_authenticates_with_basic(http: ModuleType, clock: Clock) -> None:
    server = DeviceServer(http)
    auth = OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "my-app", "read", client_secret="s3cret", display=lambda a: None)
    server.get(auth)
    for sent in (*server.device_requests, *server.polled):
        assert sent.headers["authorization"] == basic("my-app", "s3cret")
    assert server.device_requests[0].form == {"client_id": "my-app", "scope": "read"}
    assert "client_id" not in server.polled[0].form
    assert "s3cret" not in repr(auth) and "<hidden>" in repr(auth)


def test_confidential_client_with_client_secret_post(http: ModuleType, clock: Clock) -> None:
    server = DeviceServer(http)
    auth = OAuth2DeviceCode(
        DEVICE_URL, TOKEN_URL, "my-app", client_secret="s3cret", client_auth_method="client_secret_post", display=lambda a: None
    )
    server.get(auth)
    for sent in (*server.device_requests, *server.polled):
        assert (sent.form["client_id"], sent.form["client_secret"]) == ("my-app", "s3cret")
        assert "authorization" not in sent.headers


def test_extra_parameters_go_to_the_device_authorization_request(http: ModuleType, clock: Clock) -> None:
    server = DeviceServer(http)
    server.get(OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "my-app", audience="api", display=lambda a: None))
    assert server.device_requests[0].form == {"client_id": "my-app", "audience": "api"}
    assert "audience" not in server.polled[0].form


def test_refresh_token_avoids_a_new_device_authorization(http: ModuleType, clock: Clock) -> None:
    server = DeviceServer(http, [{"access_token": "device-token", "expires_in": 60, "refresh_token": "r1"}])
    auth = OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "my-app", display=lambda a: None)
    server.get(auth)
    clock.traveller.shift(120)
    assert server.get(auth).json()["authorization"].startswith("Bearer refreshed-")
    assert len(server.device_requests) == 1
    assert server.polled[-1].form == {"grant_type": "refresh_token", "refresh_token": "r1", "client_id": "my-app"}


def test_verification_uri_complete_is_opened(http: ModuleType, clock: Clock, no_browser: list[str]) -> None:
    complete = "https://as.example.com/activate?user_code=WDJB-MJHT"
    server = DeviceServer(http, device=device_answer(verification_uri_complete=complete))
    server.get(OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "my-app", display=lambda a: None))
    deadline = time.monotonic() + 10
    while not no_browser and time.monotonic() < deadline:
        threading.Event().wait(0.01)
    assert no_browser == [complete]


def test_browser_not_opened_without_complete_uri_or_when_disabled(http: ModuleType, clock: Clock, no_browser: list[str]) -> None:
    complete = "https://as.example.com/activate?user_code=WDJB-MJHT"
    DeviceServer(http).get(OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "my-app", display=lambda a: None))
    server = DeviceServer(http, device=device_answer(verification_uri_complete=complete))
    server.get(OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "other-app", display=lambda a: None, open_browser=False))
    threading.Event().wait(0.1)
    assert no_browser == []


def test_default_display_writes_stderr_and_logs(
    http: ModuleType, clock: Clock, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="httpx_auth")
    DeviceServer(http).get(OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "my-app"))
    err = capsys.readouterr().err
    assert "https://as.example.com/activate" in err and "WDJB-MJHT" in err
    (record,) = [r for r in caplog.records if "WDJB-MJHT" in r.getMessage()]
    assert record.levelno == logging.INFO
    assert DEVICE_CODE not in err and DEVICE_CODE not in caplog.text


def test_legacy_verification_url_is_accepted(http: ModuleType, clock: Clock) -> None:
    device = device_answer(verification_uri=None, verification_url="https://as.example.com/legacy")
    seen, display = shown()
    DeviceServer(http, device=device).get(OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "my-app", display=display))
    assert seen[0].verification_uri == "https://as.example.com/legacy"


@pytest.mark.parametrize(
    ("device", "error"),
    [
        (device_answer(user_code=None), GrantNotProvided),
        (device_answer(device_code=None), GrantNotProvided),
        (device_answer(verification_uri=None), GrantNotProvided),
        (device_answer(expires_in=None), GrantNotProvided),
        (device_answer(interval="soon"), InvalidTokenResponse),
        (device_answer(expires_in=-1), InvalidTokenResponse),
        (device_answer(user_code=12), InvalidTokenResponse),
    ],
)
def test_unusable_device_authorization_answers(http: ModuleType, clock: Clock, device: Any, error: type[Exception]) -> None:
    server = DeviceServer(http, device=device)
    with pytest.raises(error) as caught:
        server.get(OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "my-app", display=lambda a: None))
    assert DEVICE_CODE not in str(caught.value)
    assert server.polled == []


def test_device_authorization_error_answers(http: ModuleType, clock: Clock) -> None:
    server = DeviceServer(http, device=http.Response(401, json={"error": "invalid_client"}))
    with pytest.raises(InvalidGrantRequest, match="invalid_client"):
        server.get(OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "my-app", display=lambda a: None))
    server = DeviceServer(http, device=http.Response(500, text="<html>oops</html>"))
    with pytest.raises(InvalidTokenResponse, match="HTTP 500"):
        server.get(OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "my-app", display=lambda a: None))


def test_presets_endpoints() -> None:
    okta = OktaDeviceCode("testserver.okta-emea.com", "cid")
    assert okta.device_authorization_url == "https://testserver.okta-emea.com/oauth2/default/v1/device/authorize"
    assert okta.token_url == "https://testserver.okta-emea.com/oauth2/default/v1/token"
    assert okta.scope == "openid"
    entra = AzureActiveDirectoryDeviceCode("contoso.onmicrosoft.com", "cid", scope=["openid", "offline_access"])
    assert entra.device_authorization_url == "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/devicecode"
    assert entra.token_url == "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"
    assert entra.scope == "openid offline_access"
    assert OktaDeviceCode("i.okta.com", "cid", authorization_server="aus1").token_url == "https://i.okta.com/oauth2/aus1/v1/token"


def test_preset_flow(http: ModuleType, clock: Clock) -> None:
    auth = AzureActiveDirectoryDeviceCode("common", "cid", display=lambda a: None)

    def handler(request: Any) -> Any:
        if request.url.path.endswith("/devicecode"):
            return http.Response(200, json=device_answer())
        if request.url.path.endswith("/token"):
            return http.Response(200, json={"access_token": "entra-token"})
        return http.Response(200, json={"authorization": request.headers["authorization"]})

    with http.Client(transport=http.MockTransport(handler)) as client:
        assert client.get(API_URL, auth=auth).json()["authorization"] == "Bearer entra-token"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"device_authorization_url": "not a url"},
        {"token_url": "ftp://as.example.com/token"},
        {"client_id": ""},
        {"display": "stderr"},
        {"scope": 3},
        {"timeout": 0},
        {"client_secret": ""},
        {"client_auth_method": "magic"},
        {"revocation_url": "relative/path"},
    ],
)
def test_bad_parameters(kwargs: dict[str, Any]) -> None:
    base: dict[str, Any] = {"device_authorization_url": DEVICE_URL, "token_url": TOKEN_URL, "client_id": "cid"}
    with pytest.raises(InvalidParameter):
        OAuth2DeviceCode(**{**base, **kwargs})


@pytest.mark.parametrize("tenant", ["", "a/b", "x y"])
def test_bad_entra_tenant(tenant: str) -> None:
    with pytest.raises(InvalidParameter, match="tenant_id"):
        AzureActiveDirectoryDeviceCode(tenant, "cid")


def test_configurations_have_distinct_cache_keys() -> None:
    base = OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "cid", "a")
    assert base.cache_key == OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "cid", ["a"]).cache_key
    for other in (
        OAuth2DeviceCode(DEVICE_URL + "2", TOKEN_URL, "cid", "a"),
        OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "cid2", "a"),
        OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "cid", "b"),
        OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "cid", "a", client_secret="s"),
        OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "cid", "a", audience="x"),
    ):
        assert other.cache_key != base.cache_key
