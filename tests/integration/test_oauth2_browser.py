"""Browser grants end to end: httpx_auth opens the authorization URL with ``webbrowser``,
a real headless chromium (driven by selenium through ``BROWSER``) signs in and approves on
django-oauth-toolkit, and the redirect reaches httpx_auth's own local server."""

from __future__ import annotations

import secrets
import time
from typing import Any

import pytest

from ._clients import Sender, api
from ._oauth_fixtures import SHORT_LIFETIME, Browser, OAuthServer
from ._servers import free_port

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("token_cache_reset")]

TIMEOUT = 40  # seconds httpx_auth waits for the browser's redirect
EXPIRE = SHORT_LIFETIME + 0.5


def _wait_for_expiry(_: int) -> None:
    time.sleep(EXPIRE)


def _resource_bodies(replies: list[Any], client_id: str, user: str) -> list[dict[str, Any]]:
    bodies = []
    for reply in replies:
        assert reply.status_code == 200, reply.text
        body = reply.json()
        assert (body["client_id"], body["user"]) == (client_id, user)
        bodies.append(body)
    return bodies


# --- authorization code ---------------------------------------------------------------


def _authorization_code(oauth_server: OAuthServer, app_name: str, **kwargs: Any) -> Any:
    app = oauth_server.apps[app_name]
    return api("OAuth2AuthorizationCode")(
        oauth_server.authorization_url,
        oauth_server.token_url,
        redirect_uri_port=free_port(),
        timeout=TIMEOUT,
        client_id=app.client_id,
        username=app.client_id,  # HTTP Basic client authentication to the token endpoint
        password=app.client_secret,
        **kwargs,
    )


async def test_authorization_code(oauth_server: OAuthServer, browser: Browser, sender: Sender) -> None:
    app = oauth_server.apps["authcode"]
    mark = oauth_server.mark()
    auth = _authorization_code(oauth_server, "authcode")
    replies = await sender.get_all([oauth_server.resource_url] * 2, auth)
    bodies = _resource_bodies(replies, app.client_id, oauth_server.username)
    assert bodies[0]["token_id"] == bodies[1]["token_id"]
    assert browser.runs() == 1
    [authorization] = oauth_server.authorizations_since(mark, app.client_id)
    assert authorization["response_type"] == "code" and authorization["has_state"]
    assert authorization["redirect_uri"].startswith("http://localhost:")
    [token_request] = oauth_server.token_requests_since(mark, app.client_id)
    assert (token_request["grant_type"], token_request["client_auth"], token_request["status"]) == (
        "authorization_code",
        "basic",
        200,
    )


async def test_authorization_code_refreshes_without_the_browser(
    oauth_server: OAuthServer, browser: Browser, sender: Sender
) -> None:
    app = oauth_server.apps["authcode-short"]
    mark = oauth_server.mark()
    auth = _authorization_code(oauth_server, "authcode-short", early_expiry=0)
    replies = await sender.get_all([oauth_server.resource_url] * 3, auth, between=_wait_for_expiry)
    bodies = _resource_bodies(replies, app.client_id, oauth_server.username)
    assert [b["from_refresh_token"] for b in bodies] == [False, True, True]
    assert browser.runs() == 1, "the refresh token is used instead of asking the user again"
    grants = [(r["grant_type"], r["status"]) for r in oauth_server.token_requests_since(mark, app.client_id)]
    assert grants == [("authorization_code", 200), ("refresh_token", 200), ("refresh_token", 200)]


async def test_authorization_code_revoked_refresh_token_asks_the_user_again(
    oauth_server: OAuthServer, browser: Browser
) -> None:
    app = oauth_server.apps["authcode-short"]
    mark = oauth_server.mark()
    auth = _authorization_code(oauth_server, "authcode-short", early_expiry=0)

    def revoke_then_expire(_: int) -> None:
        assert oauth_server.revoke_refresh_tokens(app.client_id) >= 1
        time.sleep(EXPIRE)

    replies = await Sender("httpx", "sync").get_all([oauth_server.resource_url] * 2, auth, between=revoke_then_expire)
    _resource_bodies(replies, app.client_id, oauth_server.username)
    assert browser.runs() == 2
    grants = [(r["grant_type"], r["status"]) for r in oauth_server.token_requests_since(mark, app.client_id)]
    assert grants == [("authorization_code", 200), ("refresh_token", 400), ("authorization_code", 200)]


@pytest.mark.parametrize("sender", [("httpx2", "sync")], indirect=True, ids=["httpx2-sync"])
async def test_authorization_code_on_a_custom_redirect_endpoint(
    oauth_server: OAuthServer, browser: Browser, sender: Sender
) -> None:
    app = oauth_server.apps["authcode"]
    mark = oauth_server.mark()
    auth = _authorization_code(oauth_server, "authcode", redirect_uri_endpoint="callback")
    _resource_bodies([await sender.get(oauth_server.resource_url, auth)], app.client_id, oauth_server.username)
    [authorization] = oauth_server.authorizations_since(mark, app.client_id)
    assert authorization["redirect_uri"].startswith("http://localhost:")
    assert authorization["redirect_uri"].endswith("/callback")


# --- authorization code with PKCE -----------------------------------------------------


def _pkce(oauth_server: OAuthServer, app_name: str, **kwargs: Any) -> Any:
    return api("OAuth2AuthorizationCodePKCE")(
        oauth_server.authorization_url,
        oauth_server.token_url,
        redirect_uri_port=free_port(),
        timeout=TIMEOUT,
        client_id=oauth_server.apps[app_name].client_id,
        **kwargs,
    )


async def test_pkce(oauth_server: OAuthServer, browser: Browser, sender: Sender) -> None:
    app = oauth_server.apps["pkce"]
    mark = oauth_server.mark()
    replies = await sender.get_all([oauth_server.resource_url] * 2, _pkce(oauth_server, "pkce"))
    _resource_bodies(replies, app.client_id, oauth_server.username)
    assert browser.runs() == 1
    [authorization] = oauth_server.authorizations_since(mark, app.client_id)
    assert authorization["code_challenge_method"] == "S256"
    [token_request] = oauth_server.token_requests_since(mark, app.client_id)
    assert token_request["has_code_verifier"] and token_request["client_auth"] == "none"
    assert token_request["status"] == 200


@pytest.mark.parametrize("sender", [("httpx", "sync"), ("httpx2", "async")], indirect=True, ids=["httpx-sync", "httpx2-async"])
async def test_pkce_refreshes_without_the_browser(oauth_server: OAuthServer, browser: Browser, sender: Sender) -> None:
    app = oauth_server.apps["pkce-short"]
    mark = oauth_server.mark()
    auth = _pkce(oauth_server, "pkce-short", early_expiry=0)
    replies = await sender.get_all([oauth_server.resource_url] * 2, auth, between=_wait_for_expiry)
    bodies = _resource_bodies(replies, app.client_id, oauth_server.username)
    assert [b["from_refresh_token"] for b in bodies] == [False, True]
    assert browser.runs() == 1
    grants = [(r["grant_type"], r["status"]) for r in oauth_server.token_requests_since(mark, app.client_id)]
    assert grants == [("authorization_code", 200), ("refresh_token", 200)]


# --- implicit -------------------------------------------------------------------------


def _implicit(oauth_server: OAuthServer, app_name: str, **kwargs: Any) -> Any:
    return api("OAuth2Implicit")(
        oauth_server.authorization_url,
        redirect_uri_port=free_port(),
        timeout=TIMEOUT,
        client_id=oauth_server.apps[app_name].client_id,
        **kwargs,
    )


@pytest.mark.parametrize("app_name", ["implicit", "implicit-jwt"])
async def test_implicit_access_token(oauth_server: OAuthServer, browser: Browser, sender: Sender, app_name: str) -> None:
    app = oauth_server.apps[app_name]
    mark = oauth_server.mark()
    replies = await sender.get_all([oauth_server.resource_url] * 2, _implicit(oauth_server, app_name))
    bodies = _resource_bodies(replies, app.client_id, oauth_server.username)
    assert bodies[0]["token_id"] == bodies[1]["token_id"]
    assert browser.runs() == 1
    [authorization] = oauth_server.authorizations_since(mark, app.client_id)
    assert authorization["response_type"] == "token" and authorization["has_state"]


@pytest.mark.parametrize("sender", [("httpx", "async"), ("httpx2", "sync")], indirect=True, ids=["httpx-async", "httpx2-sync"])
async def test_implicit_jwt_exp_is_the_expiry(oauth_server: OAuthServer, browser: Browser, sender: Sender) -> None:
    # No expires_in in the redirect: the 2 s expiry is only in the access token's exp claim.
    # Past it, the user is asked again (implicit grants have no refresh token).
    app = oauth_server.apps["implicit-jwt-short"]
    auth = _implicit(oauth_server, "implicit-jwt-short", early_expiry=0)
    replies = await sender.get_all([oauth_server.resource_url] * 2, auth, between=_wait_for_expiry)
    bodies = _resource_bodies(replies, app.client_id, oauth_server.username)
    assert bodies[0]["token_id"] != bodies[1]["token_id"]
    assert browser.runs() == 2


@pytest.mark.parametrize("sender", [("httpx", "sync"), ("httpx2", "async")], indirect=True, ids=["httpx-sync", "httpx2-async"])
async def test_implicit_id_token(oauth_server: OAuthServer, browser: Browser, sender: Sender) -> None:
    app = oauth_server.apps["implicit"]
    nonce = secrets.token_urlsafe(12)
    auth = _implicit(oauth_server, "implicit", response_type="id_token", scope="openid", nonce=nonce)
    reply = await sender.get(oauth_server.echo_url, auth)
    scheme, _, token = reply.json()["authorization"].partition(" ")
    assert scheme == "Bearer"
    claims = oauth_server.verify_id_token(token, app.client_id)
    assert claims["nonce"] == nonce
    assert claims["exp"] > time.time()
    assert browser.runs() == 1


@pytest.mark.parametrize("sender", [("httpx", "async"), ("httpx2", "sync")], indirect=True, ids=["httpx-async", "httpx2-sync"])
async def test_implicit_id_token_and_access_token(oauth_server: OAuthServer, browser: Browser, sender: Sender) -> None:
    # With both in the reply, the access token is the one sent by default...
    app = oauth_server.apps["implicit"]
    auth = _implicit(oauth_server, "implicit", response_type="id_token token", scope="openid read", nonce="n-1")
    [body] = _resource_bodies([await sender.get(oauth_server.resource_url, auth)], app.client_id, oauth_server.username)
    assert "openid" in body["scope"].split()
    # ...and token_field_name picks the ID token instead.
    id_auth = _implicit(
        oauth_server, "implicit", response_type="id_token token", scope="openid", nonce="n-2", token_field_name="id_token"
    )
    reply = await sender.get(oauth_server.echo_url, id_auth)
    claims = oauth_server.verify_id_token(reply.json()["authorization"].partition(" ")[2], app.client_id)
    assert claims["nonce"] == "n-2"
    assert browser.runs() == 2
