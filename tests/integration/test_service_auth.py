"""Client assertions and the JWT bearer grant against a real Authlib authorization server,
which verifies every assertion (signature with the registered public key, iss/sub/aud,
exp, single-use jti)."""

from __future__ import annotations

from typing import Any

import pytest

from httpx_auth import InvalidGrantRequest, OAuth2, OAuth2ClientCredentials, OAuth2JwtBearer, OAuth2TokenExchange

from ._clients import Sender
from ._service_fixtures import ServiceServer

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("token_cache_reset")]


def _events_since(server: ServiceServer, mark: int) -> list[dict[str, Any]]:
    return server.events()[mark:]


@pytest.mark.parametrize(
    ("algorithm", "key_id", "audience"),
    [("RS256", "rsa-1", None), ("RS256", "rsa-1", "issuer"), ("ES256", "ec-1", None)],
)
async def test_private_key_jwt_client_credentials(
    service_server: ServiceServer, sender: Sender, algorithm: str, key_id: str, audience: str | None
) -> None:
    key = service_server.ec_pem if algorithm == "ES256" else service_server.rsa_pem
    auth = OAuth2ClientCredentials(
        service_server.token_url,
        service_server.client_id,
        client_auth_method="private_key_jwt",
        private_key=key,
        key_id=key_id,
        signing_algorithm=algorithm,
        assertion_audience=service_server.base_url if audience == "issuer" else None,
        scope="read",
    )
    mark = len(service_server.events())
    replies = await sender.get_all([service_server.resource_url] * 2, auth)
    for reply in replies:
        assert reply.status_code == 200, reply.text
        assert reply.json()["client_id"] == service_server.client_id
    [event] = _events_since(service_server, mark)
    aud = service_server.base_url if audience == "issuer" else service_server.token_url
    assert event == {
        "endpoint": "token", "grant_type": "client_credentials", "client_auth": "private_key_jwt", "aud": aud,
        "basic_header": False, "status": 200, "error": None,
    }


async def test_client_secret_jwt(service_server: ServiceServer, sender: Sender) -> None:
    auth = OAuth2ClientCredentials(
        service_server.token_url, service_server.client_id, service_server.client_secret, client_auth_method="client_secret_jwt"
    )
    mark = len(service_server.events())
    [reply] = await sender.get_all([service_server.resource_url], auth)
    assert reply.status_code == 200, reply.text
    assert [e["client_auth"] for e in _events_since(service_server, mark)] == ["client_secret_jwt"]


async def test_jwt_bearer_grant(service_server: ServiceServer, sender: Sender) -> None:
    auth = OAuth2JwtBearer(
        service_server.token_url,
        issuer=service_server.client_id,
        subject=service_server.user,
        private_key=service_server.ec_pem,
        key_id="ec-1",
        signing_algorithm="ES256",
    )
    mark = len(service_server.events())
    [reply] = await sender.get_all([service_server.resource_url], auth)
    assert reply.status_code == 200, reply.text
    assert reply.json() == {"client_id": service_server.client_id, "subject": service_server.user, "scope": None}
    [event] = _events_since(service_server, mark)
    assert event["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer" and event["status"] == 200


def _bearer_with_client_key(server: ServiceServer, client_key: Any, **client_options: Any) -> OAuth2JwtBearer:
    """The JWT bearer grant (its assertion signed with the registered RSA key), the
    client authenticating with private_key_jwt, ES256, signed with ``client_key``."""
    return OAuth2JwtBearer(
        server.token_url, server.client_id, server.user, private_key=server.rsa_pem, key_id="rsa-1",
        client_auth=server.client_id, client_auth_method="private_key_jwt", client_private_key=client_key,
        client_signing_algorithm="ES256", **client_options,
    )


async def test_jwt_bearer_grant_with_private_key_jwt(service_server: ServiceServer, sender: Sender) -> None:
    """The grant's assertion signed with the RSA key and the client's with the EC key: the
    server verifies both (each against the registered JWKS, the client's aud being the
    token endpoint, its jti single-use) and sees no Basic header; a new token each time."""
    auth = _bearer_with_client_key(service_server, service_server.ec_pem, client_key_id="ec-1")
    mark = len(service_server.events())
    # Between the requests the token is forgotten: the second gets a new one (new jtis).
    replies = await sender.get_all([service_server.resource_url] * 2, auth, between=lambda _: OAuth2.token_cache.clear())
    for reply in replies:
        assert reply.status_code == 200, reply.text
        assert reply.json() == {"client_id": service_server.client_id, "subject": service_server.user, "scope": None}
    events = _events_since(service_server, mark)
    assert [(e["grant_type"], e["client_auth"], e["basic_header"], e["status"]) for e in events] == [
        ("urn:ietf:params:oauth:grant-type:jwt-bearer", "private_key_jwt", False, 200)
    ] * 2


async def test_jwt_bearer_grant_with_a_client_key_the_server_does_not_know(
    service_server: ServiceServer, sender: Sender
) -> None:
    """The same grant, its own assertion valid, but the client assertion signed with a
    key the server has not registered: the client is refused (so it was verified)."""
    from cryptography.hazmat.primitives.asymmetric import ec

    auth = _bearer_with_client_key(service_server, ec.generate_private_key(ec.SECP256R1()))
    mark = len(service_server.events())
    with pytest.raises(InvalidGrantRequest, match="invalid_client"):
        await sender.get_all([service_server.resource_url], auth)
    [event] = _events_since(service_server, mark)
    # 400: the credentials were in the body (RFC 6749 §5.2 keeps 401 for the Authorization header).
    assert (event["status"], event["error"], event["client_auth"]) == (400, "invalid_client", None)


async def test_the_server_refuses_a_key_it_does_not_know(service_server: ServiceServer, sender: Sender) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    stranger = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    auth = OAuth2ClientCredentials(
        service_server.token_url, service_server.client_id, client_auth_method="private_key_jwt", private_key=stranger, signing_algorithm="ES256"
    )
    with pytest.raises(InvalidGrantRequest, match="invalid_client"):
        await sender.get_all([service_server.resource_url], auth)
    bearer = OAuth2JwtBearer(service_server.token_url, service_server.client_id, "nobody", private_key=service_server.rsa_pem)
    with pytest.raises(InvalidGrantRequest, match="invalid_grant"):
        await sender.get_all([service_server.resource_url], bearer)


async def test_dpop_with_private_key_jwt(service_server: ServiceServer, sender: Sender) -> None:
    """Token and resource servers that want DPoP nonces: one retry each, then every
    request carries a proof (checked by the server: key, htm, htu, iat, jti, ath, nonce)."""
    from httpx_auth import DPoPKey

    key = DPoPKey()
    auth = OAuth2ClientCredentials(
        service_server.token_url,
        service_server.client_id,
        client_auth_method="private_key_jwt",
        private_key=service_server.rsa_pem,
        key_id="rsa-1",
        dpop=key,
    )
    mark = len(service_server.events())
    replies = await sender.get_all([service_server.resource_url] * 3, auth)
    for reply in replies:
        assert reply.status_code == 200, reply.text
        assert reply.json()["client_id"] == service_server.client_id
    events = _events_since(service_server, mark)
    assert [(e["status"], e.get("error"), e.get("dpop")) for e in events] == [(400, "use_dpop_nonce", None), (200, None, True)]
    assert events[1]["client_auth"] == "private_key_jwt"  # the retry carried a fresh assertion (jti single-use)


async def test_token_exchange_with_private_key_jwt(service_server: ServiceServer, sender: Sender) -> None:
    """A token from the JWT bearer grant is exchanged (RFC 8693), the client
    authenticating with private_key_jwt; the new token is for the same subject."""
    import httpx

    first = OAuth2JwtBearer(service_server.token_url, service_server.client_id, service_server.user, private_key=service_server.rsa_pem, key_id="rsa-1")
    with httpx.Client() as client:
        subject_token = client.get(service_server.resource_url, auth=first).request.headers["authorization"].split(" ", 1)[1]
    auth = OAuth2TokenExchange(
        service_server.token_url,
        lambda: subject_token,
        "access_token",
        audience=["payments", "ledger"],
        client_auth=service_server.client_id,
        client_auth_method="private_key_jwt",
        private_key=service_server.ec_pem,
        key_id="ec-1",
        signing_algorithm="ES256",
    )
    mark = len(service_server.events())
    [reply] = await sender.get_all([service_server.resource_url], auth)
    assert reply.status_code == 200, reply.text
    assert reply.json()["subject"] == service_server.user
    [event] = _events_since(service_server, mark)
    assert event["grant_type"] == "urn:ietf:params:oauth:grant-type:token-exchange"
    assert event["client_auth"] == "private_key_jwt" and event["audience"] == ["payments", "ledger"]
    assert reply.request.headers["authorization"] != f"Bearer {subject_token}"
