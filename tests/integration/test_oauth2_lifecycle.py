"""The token lifecycle against django-oauth-toolkit: retry on a rejected token (RFC 6750
§3.1, at a view behind DOT's ``protected_resource(advertise_metadata=True)``) and
revocation at DOT's revocation endpoint (RFC 7009)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from httpx_auth import OAuth2ResourceOwnerPasswordCredentials

from ._clients import Sender
from ._oauth_fixtures import OAuthServer

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("token_cache_reset")]


def _auth(oauth_server: OAuthServer, **kwargs: Any) -> OAuth2ResourceOwnerPasswordCredentials:
    app = oauth_server.apps["lifecycle"]
    return OAuth2ResourceOwnerPasswordCredentials(
        oauth_server.token_url,
        oauth_server.username,
        oauth_server.password,
        client_auth=(app.client_id, app.client_secret),
        **kwargs,
    )


def test_the_resource_answers_rfc6750_401s(oauth_server: OAuthServer) -> None:
    reply = httpx.get(oauth_server.protected_url, headers={"Authorization": "Bearer not-a-token"})
    assert reply.status_code == 401
    assert 'error="invalid_token"' in reply.headers["www-authenticate"]


async def test_a_revoked_access_token_is_replaced_through_the_refresh_token(oauth_server: OAuthServer, sender: Sender) -> None:
    app = oauth_server.apps["lifecycle"]
    mark = oauth_server.mark()
    between = lambda i: oauth_server.revoke_access_tokens(app.client_id)  # noqa: E731
    replies = await sender.run(
        lambda request: [request("GET", oauth_server.protected_url), request("POST", oauth_server.protected_url, content=b"x")],
        _auth(oauth_server),
        between,
    )
    assert [r.status_code for r in replies] == [200, 200], replies[-1].headers
    assert replies[0].json()["token_id"] != replies[1].json()["token_id"]
    grants = [(r["grant_type"], r["status"]) for r in oauth_server.token_requests_since(mark, app.client_id)]
    assert grants == [("password", 200), ("refresh_token", 200)]


async def test_retry_turned_off(oauth_server: OAuthServer, sender: Sender) -> None:
    app = oauth_server.apps["lifecycle"]
    auth = _auth(oauth_server, retry_on_invalid_token=False)
    between = lambda i: oauth_server.revoke_access_tokens(app.client_id)  # noqa: E731
    replies = await sender.get_all([oauth_server.protected_url] * 2, auth, between)
    assert [r.status_code for r in replies] == [200, 401]


def _cached(auth: Any) -> Any:
    from httpx_auth import OAuth2

    return OAuth2.token_cache.stored(auth.cache_key)


def _assert_revoked(oauth_server: OAuthServer, token: Any) -> None:
    app = oauth_server.apps["lifecycle"]
    assert httpx.get(oauth_server.protected_url, headers={"Authorization": f"Bearer {token.access_token}"}).status_code == 401
    refresh = httpx.post(
        oauth_server.token_url,
        data={"grant_type": "refresh_token", "refresh_token": token.refresh_token},
        auth=(app.client_id, app.client_secret),
    )
    assert refresh.status_code == 400 and refresh.json()["error"] == "invalid_grant"


def test_revocation_at_the_revocation_endpoint(oauth_server: OAuthServer) -> None:
    auth = _auth(oauth_server)
    auth.revocation_url = oauth_server.revocation_url
    with httpx.Client(timeout=60) as client:
        assert client.get(oauth_server.protected_url, auth=auth).status_code == 200
        token = _cached(auth)
        assert token.refresh_token
        auth.revoke(client)
        assert _cached(auth) is None
        _assert_revoked(oauth_server, token)
        assert client.get(oauth_server.protected_url, auth=auth).status_code == 200  # with a new token


async def test_revocation_async(oauth_server: OAuthServer) -> None:
    import httpx2

    auth = _auth(oauth_server)
    auth.revocation_url = oauth_server.revocation_url
    async with httpx2.AsyncClient(timeout=60) as client:
        assert (await client.get(oauth_server.protected_url, auth=auth)).status_code == 200
        token = _cached(auth)
        await auth.arevoke(client)
    assert _cached(auth) is None
    _assert_revoked(oauth_server, token)
