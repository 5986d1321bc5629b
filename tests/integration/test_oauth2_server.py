"""The OAuth2 test server itself works (checked with plain httpx, no httpx_auth):
when these pass and a grant test fails, the failure is httpx_auth's."""

from __future__ import annotations

from typing import Any

import httpx
import jwt
import pytest

from ._oauth_fixtures import Browser, OAuthServer

pytestmark = pytest.mark.integration


def test_client_credentials_token_opens_the_resource(oauth_server: OAuthServer) -> None:
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


def test_oidc_discovery_publishes_the_session_rsa_key(oauth_server: OAuthServer) -> None:
    config = httpx.get(f"{oauth_server.base_url}/o/.well-known/openid-configuration").json()
    assert "id_token" in config["response_types_supported"]
    keys = httpx.get(config["jwks_uri"].replace("http://localhost", "http://127.0.0.1")).json()["keys"]
    assert keys and keys[0]["kty"] == "RSA"


def test_short_lived_applications_issue_short_tokens(oauth_server: OAuthServer) -> None:
    app = oauth_server.apps["password-short"]
    reply = httpx.post(
        oauth_server.token_url,
        data={"grant_type": "password", "username": oauth_server.username, "password": oauth_server.password},
        auth=(app.client_id, app.client_secret),
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["expires_in"] == 2
    assert "refresh_token" in reply.json()


def test_browser_driver_completes_an_authorization_code_grant(oauth_server: OAuthServer, browser: Browser) -> None:
    # Our own minimal redirect catcher (not httpx_auth's) and webbrowser.open through BROWSER.
    import http.server
    import secrets
    import threading
    import webbrowser
    from urllib.parse import parse_qs, urlencode, urlsplit

    from ._servers import free_port

    received: dict[str, list[str]] = {}
    done = threading.Event()

    class Catcher(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            received.update(parse_qs(urlsplit(self.path).query))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"received")
            done.set()

        def log_message(self, *args: Any) -> None:
            pass

    port = free_port()
    catcher = http.server.HTTPServer(("127.0.0.1", port), Catcher)
    threading.Thread(target=catcher.serve_forever, daemon=True).start()
    app = oauth_server.apps["authcode"]
    state = secrets.token_urlsafe(16)
    redirect_uri = f"http://localhost:{port}/"
    query = {"response_type": "code", "client_id": app.client_id, "redirect_uri": redirect_uri, "state": state}
    try:
        assert webbrowser.open(f"{oauth_server.authorization_url}?{urlencode(query)}")
        assert done.wait(40), browser.logs()
    finally:
        catcher.shutdown()
    assert received["state"] == [state]
    token = httpx.post(
        oauth_server.token_url,
        data={"grant_type": "authorization_code", "code": received["code"][0], "redirect_uri": redirect_uri},
        auth=(app.client_id, app.client_secret),
    )
    assert token.status_code == 200, token.text
    assert "refresh_token" in token.json()


def test_jwt_applications_answer_without_expires_in(oauth_server: OAuthServer) -> None:
    app = oauth_server.apps["password-jwt-short"]
    reply = httpx.post(
        oauth_server.token_url,
        data={"grant_type": "password", "username": oauth_server.username, "password": oauth_server.password},
        auth=(app.client_id, app.client_secret),
    )
    assert reply.status_code == 200, reply.text
    assert "expires_in" not in reply.json()
    claims = jwt.decode(reply.json()["access_token"], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 2
    me = httpx.get(oauth_server.resource_url, headers={"Authorization": f"Bearer {reply.json()['access_token']}"})
    assert me.status_code == 200
