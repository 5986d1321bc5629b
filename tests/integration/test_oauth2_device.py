"""The device authorization grant (RFC 8628) against django-oauth-toolkit's device views,
with headless Chromium playing the user who enters (or receives) the code and decides."""

from __future__ import annotations

from typing import Any

import httpx
import httpx2
import pytest

from httpx_auth import DeviceAuthorization, InvalidGrantRequest, OAuth2DeviceCode
from httpx_auth._oauth2.browser import opener as browser_opener

from ._oauth_fixtures import DEVICE_GRANT, Browser, OAuthServer

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("token_cache_reset")]


def _user_types_the_code(monkeypatch: pytest.MonkeyPatch, seen: list[DeviceAuthorization]) -> Any:
    """A display hook: the (scripted) user opens the verification URI and types the code."""

    def display(authorization: DeviceAuthorization) -> None:
        seen.append(authorization)
        monkeypatch.setenv("ITEST_USER_CODE", authorization.user_code)
        assert browser_opener.open_url(authorization.verification_uri)

    return display


def _device_polls(oauth_server: OAuthServer, mark: int, client_id: str) -> list[dict[str, Any]]:
    return [e for e in oauth_server.token_requests_since(mark, client_id) if e["grant_type"] == DEVICE_GRANT]


def test_user_enters_the_code_and_approves(oauth_server: OAuthServer, browser: Browser, monkeypatch: pytest.MonkeyPatch) -> None:
    app = oauth_server.apps["device"]
    seen: list[DeviceAuthorization] = []
    auth = OAuth2DeviceCode(
        oauth_server.device_authorization_url,
        oauth_server.token_url,
        app.client_id,
        "read",
        display=_user_types_the_code(monkeypatch, seen),
        open_browser=False,
        timeout=60,
    )
    mark = oauth_server.mark()
    with httpx.Client(timeout=60) as client:
        replies = [client.get(oauth_server.resource_url, auth=auth) for _ in range(2)]
    for reply in replies:
        assert reply.status_code == 200, reply.text
        assert reply.json()["client_id"] == app.client_id and reply.json()["user"] == oauth_server.username
    assert replies[0].json()["token_id"] == replies[1].json()["token_id"]
    (authorization,) = seen
    assert authorization.verification_uri == f"{oauth_server.base_url}/o/device/"
    assert authorization.interval == 1
    polls = _device_polls(oauth_server, mark, app.client_id)
    assert polls[-1]["status"] == 200 and polls[-1]["client_auth"] == "none"
    assert all(p["error"] == "authorization_pending" for p in polls[:-1])
    assert browser.logged("user code typed", "device decision: accept"), browser.logs()


async def test_verification_uri_complete_opens_the_browser_async(oauth_server: OAuthServer, browser: Browser) -> None:
    app = oauth_server.apps["device"]
    seen: list[DeviceAuthorization] = []
    auth = OAuth2DeviceCode(
        oauth_server.device_authorization_url, oauth_server.token_url, app.client_id, display=seen.append, timeout=60
    )
    async with httpx2.AsyncClient(timeout=60) as client:
        reply = await client.get(oauth_server.resource_url, auth=auth)
    assert reply.status_code == 200, reply.text
    assert reply.json()["user"] == oauth_server.username
    (authorization,) = seen
    assert authorization.verification_uri_complete == f"{oauth_server.base_url}/o/device/?user_code={authorization.user_code}"
    assert browser.runs() == 1 and "user code typed" not in browser.logs()


def test_confidential_client_and_refusal(oauth_server: OAuthServer, browser: Browser, monkeypatch: pytest.MonkeyPatch) -> None:
    app = oauth_server.apps["device-confidential"]
    monkeypatch.setenv("ITEST_DEVICE_DECISION", "deny")
    auth = OAuth2DeviceCode(
        oauth_server.device_authorization_url,
        oauth_server.token_url,
        app.client_id,
        client_secret=app.client_secret,
        display=lambda authorization: None,
        timeout=60,
    )
    mark = oauth_server.mark()
    with httpx.Client(timeout=60) as client, pytest.raises(InvalidGrantRequest) as caught:
        client.get(oauth_server.resource_url, auth=auth)
    assert caught.value.error == "access_denied"
    polls = _device_polls(oauth_server, mark, app.client_id)
    assert polls and all(p["client_auth"] == "basic" for p in polls)
    assert browser.logged("device decision: deny"), browser.logs()
