"""OpenID Connect against django-oauth-toolkit: discovery from its issuer (OIDC_ENABLED)."""

from __future__ import annotations

import httpx
import pytest

from httpx_auth import OAuth2, InvalidDiscoveryDocument, OAuth2DeviceCode, OAuth2ResourceOwnerPasswordCredentials
from httpx_auth._oauth2 import discovery

from ._clients import Sender
from ._oauth_fixtures import OAuthServer

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("token_cache_reset")]


@pytest.fixture(autouse=True)
def no_documents() -> None:
    discovery.forget_documents()


def _password_from_issuer(oauth_server: OAuthServer, issuer: str) -> object:
    app = oauth_server.apps["lifecycle"]
    return OAuth2ResourceOwnerPasswordCredentials.from_issuer(
        issuer,
        username=oauth_server.username,
        password=oauth_server.password,
        client_auth=(app.client_id, app.client_secret),
    )


async def test_discovery_from_the_issuer(oauth_server: OAuthServer, sender: Sender) -> None:
    auth = _password_from_issuer(oauth_server, oauth_server.issuer)
    replies = await sender.get_all([oauth_server.protected_url] * 2, auth)
    assert [r.status_code for r in replies] == [200, 200]
    grant = auth.grant  # type: ignore[attr-defined]
    assert grant.token_url == oauth_server.token_url
    # DOT's OpenID document has no revocation_endpoint: its RFC 8414 document gave it.
    assert grant.revocation_url == oauth_server.revocation_url
    assert grant.jwks_uri == f"{oauth_server.base_url}/o/.well-known/jwks.json"


def test_revocation_with_the_discovered_endpoint(oauth_server: OAuthServer) -> None:
    auth = _password_from_issuer(oauth_server, oauth_server.issuer)
    with httpx.Client(timeout=60) as client:
        assert client.get(oauth_server.protected_url, auth=auth).status_code == 200  # type: ignore[arg-type]
        token = OAuth2.token_cache.stored(auth.grant.cache_key)  # type: ignore[attr-defined]
        assert token is not None
        auth.revoke(client)  # type: ignore[attr-defined]
    assert OAuth2.token_cache.stored(auth.grant.cache_key) is None  # type: ignore[attr-defined]
    rejected = httpx.get(oauth_server.protected_url, headers={"Authorization": f"Bearer {token.access_token}"})
    assert rejected.status_code == 401


def test_another_issuer_is_refused(oauth_server: OAuthServer) -> None:
    auth = _password_from_issuer(oauth_server, oauth_server.issuer + "/")
    with httpx.Client(timeout=60) as client, pytest.raises(InvalidDiscoveryDocument, match="names the issuer"):
        client.get(oauth_server.protected_url, auth=auth)  # type: ignore[arg-type]


def test_an_endpoint_the_server_does_not_advertise(oauth_server: OAuthServer) -> None:
    auth = OAuth2DeviceCode.from_issuer(oauth_server.issuer, client_id=oauth_server.apps["device"].client_id)
    with httpx.Client(timeout=60) as client, pytest.raises(InvalidDiscoveryDocument, match="device_authorization_endpoint"):
        client.get(oauth_server.protected_url, auth=auth)
