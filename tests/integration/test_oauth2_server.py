"""The OAuth2 test server itself works (checked with plain httpx, no httpx_auth):
when these pass and a grant test fails, the failure is httpx_auth's."""

from __future__ import annotations

import httpx
import jwt
import pytest

pytestmark = pytest.mark.integration


def test_client_credentials_token_opens_the_resource(oauth_server) -> None:
    app = oauth_server.apps["cc"]
    reply = httpx.post(
        oauth_server.token_url,
        data={"grant_type": "client_credentials"},
        auth=(app.client_id, app.client_secret),
    )
    assert reply.status_code == 200, reply.text
    token = reply.json()["access_token"]
    me = httpx.get(oauth_server.resource_url, headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["client_id"] == app.client_id
    assert httpx.get(oauth_server.resource_url, headers={"Authorization": "Bearer nope"}).status_code == 401


def test_oidc_discovery_publishes_the_session_rsa_key(oauth_server) -> None:
    config = httpx.get(f"{oauth_server.base_url}/o/.well-known/openid-configuration").json()
    assert "id_token" in config["response_types_supported"]
    keys = httpx.get(config["jwks_uri"].replace("http://localhost", "http://127.0.0.1")).json()["keys"]
    assert keys and keys[0]["kty"] == "RSA"


def test_short_lived_applications_issue_short_tokens(oauth_server) -> None:
    app = oauth_server.apps["password-short"]
    reply = httpx.post(
        oauth_server.token_url,
        data={"grant_type": "password", "username": oauth_server.username, "password": oauth_server.password},
        auth=(app.client_id, app.client_secret),
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["expires_in"] == 2
    assert "refresh_token" in reply.json()
