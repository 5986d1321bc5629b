"""OpenID Connect against django-oauth-toolkit: discovery from its issuer (OIDC_ENABLED),
and ID tokens checked (nonce, iss, aud, exp) and their signature verified with its JWKS."""

from __future__ import annotations

import httpx
import pytest

from httpx_auth import OAuth2, InvalidDiscoveryDocument, OAuth2DeviceCode, OAuth2ResourceOwnerPasswordCredentials
from httpx_auth._oauth2 import discovery

from httpx_auth import OAuth2Implicit, InvalidToken
from httpx_auth._oauth2 import id_token

from ._clients import Sender
from ._oauth_fixtures import Browser, OAuthServer
from ._servers import free_port

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("token_cache_reset")]


@pytest.fixture(autouse=True)
def no_documents() -> None:
    discovery.forget_documents()
    id_token.forget_key_sets()


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


def _implicit_id_token(oauth_server: OAuthServer) -> object:
    return OAuth2Implicit.from_issuer(
        oauth_server.issuer,
        response_type="id_token",
        client_id=oauth_server.apps["implicit"].client_id,
        scope="openid",
        redirect_uri_port=free_port(),
        timeout=60,
    )


@pytest.mark.parametrize("sender", [("httpx", "async"), ("httpx2", "sync")], indirect=True, ids=["httpx-async", "httpx2-sync"])
async def test_id_token_checked_and_its_signature_verified(
    oauth_server: OAuthServer, browser: Browser, sender: Sender, monkeypatch: pytest.MonkeyPatch
) -> None:
    verified: list[str] = []
    real = id_token.verify_signature

    def spy(token: str, jwks_uri: str, fetch: object) -> object:
        verified.append(jwks_uri)
        return real(token, jwks_uri, fetch)

    monkeypatch.setattr(id_token, "verify_signature", spy)
    auth = _implicit_id_token(oauth_server)
    reply = await sender.get(oauth_server.echo_url, auth)
    token = reply.json()["authorization"].partition(" ")[2]
    claims = oauth_server.verify_id_token(token, oauth_server.apps["implicit"].client_id)
    assert claims["iss"] == oauth_server.issuer and len(claims["nonce"]) >= 40
    assert verified == [f"{oauth_server.base_url}/o/.well-known/jwks.json"]


def test_a_forged_signature_is_refused(oauth_server: OAuthServer, browser: Browser, monkeypatch: pytest.MonkeyPatch) -> None:
    """The issuer's key set is replaced by another key: DOT's genuine ID token must fail."""
    from cryptography.hazmat.primitives.asymmetric import rsa
    import jwt

    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    genuine = httpx.get(f"{oauth_server.base_url}/o/.well-known/jwks.json").json()["keys"][0]
    forged_set = {"keys": [{**jwt.algorithms.RSAAlgorithm.to_jwk(other.public_key(), as_dict=True), "kid": genuine.get("kid")}]}
    monkeypatch.setitem(id_token._jwks, f"{oauth_server.base_url}/o/.well-known/jwks.json", forged_set)
    with httpx.Client(timeout=60) as client, pytest.raises(InvalidToken, match="signature"):
        client.get(oauth_server.echo_url, auth=_implicit_id_token(oauth_server))  # type: ignore[arg-type]
