"""Non-interactive OAuth2 grants against django-oauth-toolkit: client credentials and
resource owner password, with refresh, rotation, revocation and the server's errors."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from ._clients import Sender, api
from ._oauth_fixtures import SHORT_LIFETIME, OAuthServer

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("token_cache_reset")]

EXPIRE = SHORT_LIFETIME + 0.5  # sleep long enough for a short-lived token to expire


def _wait_for_expiry(_: int) -> None:
    time.sleep(EXPIRE)


def _assert_resource(replies: list[Any], client_id: str, user: str | None) -> list[dict[str, Any]]:
    bodies = []
    for reply in replies:
        assert reply.status_code == 200, reply.text
        body = reply.json()
        assert body["client_id"] == client_id
        assert body["user"] == user
        bodies.append(body)
    return bodies


# --- client credentials ---------------------------------------------------------------


async def test_client_credentials_with_basic_client_auth(oauth_server: OAuthServer, sender: Sender) -> None:
    app = oauth_server.apps["cc"]
    auth = api("OAuth2ClientCredentials")(oauth_server.token_url, client_id=app.client_id, client_secret=app.client_secret)
    mark = oauth_server.mark()
    replies = await sender.get_all([oauth_server.resource_url] * 3, auth)
    bodies = _assert_resource(replies, app.client_id, None)
    assert len({b["token_id"] for b in bodies}) == 1, "the token is fetched once and reused"
    [token_request] = oauth_server.token_requests_since(mark, app.client_id)
    assert token_request["grant_type"] == "client_credentials"
    assert token_request["client_auth"] == "basic"
    assert token_request["status"] == 200


async def test_client_credentials_with_credentials_in_the_body(oauth_server: OAuthServer, sender: Sender) -> None:
    app = oauth_server.apps["cc"]
    auth = api("OAuth2ClientCredentials")(
        oauth_server.token_url,
        client_id=app.client_id,
        client_secret=app.client_secret,
        client_auth_method="client_secret_post",
        scope=["read", "write"],
    )
    mark = oauth_server.mark()
    [body] = _assert_resource([await sender.get(oauth_server.resource_url, auth)], app.client_id, None)
    assert set(body["scope"].split()) == {"read", "write"}
    [token_request] = oauth_server.token_requests_since(mark, app.client_id)
    assert token_request["client_auth"] == "body"
    assert token_request["scope"] == "read write"


async def test_client_credentials_wrong_secret_is_the_servers_invalid_client(
    oauth_server: OAuthServer, sender: Sender
) -> None:
    app = oauth_server.apps["cc"]
    wrong_secret = "not-the-secret-" + app.client_secret[:6]
    auth = api("OAuth2ClientCredentials")(oauth_server.token_url, client_id=app.client_id, client_secret=wrong_secret)
    with pytest.raises(api("InvalidGrantRequest")) as error:
        await sender.get(oauth_server.resource_url, auth)
    assert error.value.error == "invalid_client"
    assert error.value.status_code == 401
    assert wrong_secret not in str(error.value) and wrong_secret not in repr(auth)


# --- resource owner password ----------------------------------------------------------


def _password_auth(oauth_server: OAuthServer, app_name: str, **kwargs: Any) -> Any:
    app = oauth_server.apps[app_name]
    return api("OAuth2ResourceOwnerPasswordCredentials")(
        oauth_server.token_url,
        username=oauth_server.username,
        password=kwargs.pop("password", oauth_server.password),
        client_auth=(app.client_id, app.client_secret),
        **kwargs,
    )


async def test_password_grant(oauth_server: OAuthServer, sender: Sender) -> None:
    app = oauth_server.apps["password"]
    mark = oauth_server.mark()
    replies = await sender.get_all([oauth_server.resource_url] * 2, _password_auth(oauth_server, "password"))
    bodies = _assert_resource(replies, app.client_id, oauth_server.username)
    assert bodies[0]["token_id"] == bodies[1]["token_id"]
    [token_request] = oauth_server.token_requests_since(mark, app.client_id)
    assert (token_request["grant_type"], token_request["client_auth"]) == ("password", "basic")
    assert token_request["issued_refresh_token"]


async def test_password_grant_wrong_password_is_the_servers_invalid_grant(
    oauth_server: OAuthServer, sender: Sender
) -> None:
    auth = _password_auth(oauth_server, "password", password="wrong-password-123")
    with pytest.raises(api("InvalidGrantRequest")) as error:
        await sender.get(oauth_server.resource_url, auth)
    assert error.value.error == "invalid_grant"
    assert error.value.status_code == 400
    assert "wrong-password-123" not in str(error.value)


async def test_expired_token_is_refreshed_and_the_rotated_refresh_token_kept(
    oauth_server: OAuthServer, sender: Sender
) -> None:
    # Tokens of this application live 2 s. The 2nd request must use the refresh token;
    # the server rotates it, so the 3rd request only succeeds with the rotated one.
    app = oauth_server.apps["password-short"]
    auth = _password_auth(oauth_server, "password-short", early_expiry=0)
    mark = oauth_server.mark()
    replies = await sender.get_all([oauth_server.resource_url] * 3, auth, between=_wait_for_expiry)
    bodies = _assert_resource(replies, app.client_id, oauth_server.username)
    assert [b["from_refresh_token"] for b in bodies] == [False, True, True]
    grants = [(r["grant_type"], r["status"]) for r in oauth_server.token_requests_since(mark, app.client_id)]
    assert grants == [("password", 200), ("refresh_token", 200), ("refresh_token", 200)]


async def test_revoked_refresh_token_falls_back_to_a_new_grant(oauth_server: OAuthServer, sender: Sender) -> None:
    app = oauth_server.apps["password-short"]
    auth = _password_auth(oauth_server, "password-short", early_expiry=0)
    mark = oauth_server.mark()

    def revoke_then_expire(_: int) -> None:
        assert oauth_server.revoke_refresh_tokens(app.client_id) >= 1
        time.sleep(EXPIRE)

    replies = await sender.get_all([oauth_server.resource_url] * 2, auth, between=revoke_then_expire)
    bodies = _assert_resource(replies, app.client_id, oauth_server.username)
    assert bodies[0]["token_id"] != bodies[1]["token_id"]
    requests = oauth_server.token_requests_since(mark, app.client_id)
    assert [(r["grant_type"], r["status"], r["error"]) for r in requests] == [
        ("password", 200, None),
        ("refresh_token", 400, "invalid_grant"),
        ("password", 200, None),
    ]


async def test_jwt_exp_is_the_expiry_when_expires_in_is_absent(oauth_server: OAuthServer, sender: Sender) -> None:
    # This application's answers carry no expires_in; its JWT access tokens expire after 2 s.
    # Kept past its exp, the token would be refused by the resource (401).
    app = oauth_server.apps["password-jwt-short"]
    auth = _password_auth(oauth_server, "password-jwt-short", early_expiry=0)
    mark = oauth_server.mark()
    replies = await sender.get_all([oauth_server.resource_url] * 2, auth, between=_wait_for_expiry)
    bodies = _assert_resource(replies, app.client_id, oauth_server.username)
    assert [b["from_refresh_token"] for b in bodies] == [False, True]
    grants = [(r["grant_type"], r["status"]) for r in oauth_server.token_requests_since(mark, app.client_id)]
    assert grants == [("password", 200), ("refresh_token", 200)]


async def test_file_cache_keeps_the_refresh_token_across_processes(
    oauth_server: OAuthServer, sender: Sender, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A second cache object on the same file stands for the next run of the program: it
    # must find the (expired) token's refresh token there and use it, not the password.
    oauth2 = api("OAuth2")
    path = tmp_path / "tokens.json"
    monkeypatch.setattr(oauth2, "token_cache", api("JsonTokenFileCache")(path))
    app = oauth_server.apps["password-short"]
    mark = oauth_server.mark()
    first = await sender.get(oauth_server.resource_url, _password_auth(oauth_server, "password-short", early_expiry=0))
    assert first.status_code == 200, first.text
    assert path.stat().st_mode & 0o777 == 0o600
    assert oauth_server.password not in path.read_text()
    time.sleep(EXPIRE)
    monkeypatch.setattr(oauth2, "token_cache", api("JsonTokenFileCache")(path))
    second = await sender.get(oauth_server.resource_url, _password_auth(oauth_server, "password-short", early_expiry=0))
    [body] = _assert_resource([second], app.client_id, oauth_server.username)
    assert body["from_refresh_token"]
    grants = [(r["grant_type"], r["status"]) for r in oauth_server.token_requests_since(mark, app.client_id)]
    assert grants == [("password", 200), ("refresh_token", 200)]
