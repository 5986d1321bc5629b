"""The device authorization grant (RFC 8628) with JWT client assertions and DPoP against
the Authlib service server, which verifies the assertion at the device authorization
endpoint and at the token endpoint (signature, iss/sub, ``aud`` the endpoint called,
single-use jti) and binds DPoP tokens; the test plays the user through the display hook."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from httpx_auth import DeviceAuthorization, InvalidGrantRequest, OAuth2DeviceCode

from ._clients import Sender
from ._service_fixtures import ServiceServer

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("token_cache_reset")]

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def _device_auth(
    server: ServiceServer, seen: list[DeviceAuthorization], approve: bool = True, after_polls: int = 0, **options: Any
) -> OAuth2DeviceCode:
    """The grant for the server's client; the user decides as soon as the code is shown,
    the polls seeing it after ``after_polls`` pending answers."""

    def display(authorization: DeviceAuthorization) -> None:
        seen.append(authorization)
        server.decide(authorization.user_code, approve, after_polls)

    return OAuth2DeviceCode(
        server.device_authorization_url, server.token_url, server.client_id, "read",
        display=display, open_browser=False, timeout=30, **options,
    )


def _summary(events: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Each request the server saw: endpoint, client authentication, audience, outcome."""
    return [(e["endpoint"], e.get("client_auth"), e.get("aud"), e["status"], e["error"]) for e in events]


def _stranger_pem() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()


@pytest.mark.parametrize(("algorithm", "key_id"), [("RS256", "rsa-1"), ("ES256", "ec-1")])
async def test_private_key_jwt_at_both_endpoints(
    service_server: ServiceServer, sender: Sender, algorithm: str, key_id: str
) -> None:
    """One assertion for the device endpoint, a fresh one for each poll, each with the
    ``aud`` of the endpoint it went to; a poll before the approval is told to wait."""
    seen: list[DeviceAuthorization] = []
    key = service_server.ec_pem if algorithm == "ES256" else service_server.rsa_pem
    auth = _device_auth(
        service_server, seen, after_polls=1,
        client_auth_method="private_key_jwt", private_key=key, key_id=key_id, signing_algorithm=algorithm,
    )
    mark = len(service_server.events())
    replies = await sender.get_all([service_server.resource_url] * 2, auth)
    for reply in replies:
        assert reply.status_code == 200, reply.text
        assert reply.json() == {"client_id": service_server.client_id, "subject": service_server.user, "scope": "read"}
    [authorization] = seen
    assert authorization.verification_uri == f"{service_server.base_url}/device" and authorization.interval == 1
    events = service_server.events()[mark:]
    device, token = service_server.device_authorization_url, service_server.token_url
    assert _summary(events) == [
        ("device_authorization", "private_key_jwt", device, 200, None),
        ("token", "private_key_jwt", token, 400, "authorization_pending"),
        ("token", "private_key_jwt", token, 200, None),
    ]
    assert events[0]["dpop_header"] is False
    assert {e["grant_type"] for e in events[1:]} == {DEVICE_GRANT}


async def test_client_secret_jwt_at_both_endpoints(service_server: ServiceServer, sender: Sender) -> None:
    seen: list[DeviceAuthorization] = []
    auth = _device_auth(service_server, seen, client_secret=service_server.client_secret, client_auth_method="client_secret_jwt")
    mark = len(service_server.events())
    [reply] = await sender.get_all([service_server.resource_url], auth)
    assert reply.status_code == 200, reply.text
    assert reply.json()["subject"] == service_server.user
    assert "basic" not in reply.request.headers.get("authorization", "").lower()
    assert _summary(service_server.events()[mark:]) == [
        ("device_authorization", "client_secret_jwt", service_server.device_authorization_url, 200, None),
        ("token", "client_secret_jwt", service_server.token_url, 200, None),
    ]


def _claims(jwt: str) -> dict[str, Any]:
    return dict(json.loads(base64.urlsafe_b64decode(jwt.split(".")[1] + "==")))


async def test_dpop_binds_the_device_token(service_server: ServiceServer, sender: Sender) -> None:
    """The token server wants a nonce: the first poll is sent again with it, once; the
    later polls carry it from the start. The device request carries no proof (RFC 9449
    binds at the token endpoint); the token is DPoP-bound and the resource server checks
    each proof (key, htm, htu, ath, its own nonce)."""
    seen: list[DeviceAuthorization] = []
    auth = _device_auth(
        service_server, seen, after_polls=1,
        client_auth_method="private_key_jwt", private_key=service_server.rsa_pem, key_id="rsa-1", dpop=True,
    )
    mark = len(service_server.events())
    replies = await sender.get_all([service_server.resource_url] * 2, auth)
    for reply in replies:
        assert reply.status_code == 200, reply.text
        assert reply.json()["subject"] == service_server.user
        assert reply.request.headers["authorization"].startswith("DPoP ")
        proof = _claims(reply.request.headers["dpop"])
        assert proof["htu"] == service_server.resource_url and proof["ath"] and proof["nonce"]
    events = service_server.events()[mark:]
    assert [(e["endpoint"], e["status"], e["error"], e.get("dpop")) for e in events] == [
        ("device_authorization", 200, None, None),
        ("token", 400, "use_dpop_nonce", None),
        ("token", 400, "authorization_pending", True),
        ("token", 200, None, True),
    ]
    assert events[0]["dpop_header"] is False
    assert [e.get("client_auth") for e in events[2:]] == ["private_key_jwt"] * 2  # fresh assertions on the retry


async def test_a_key_the_server_does_not_know_is_refused_at_the_device_endpoint(
    service_server: ServiceServer, sender: Sender
) -> None:
    seen: list[DeviceAuthorization] = []
    auth = _device_auth(
        service_server, seen, client_auth_method="private_key_jwt", private_key=_stranger_pem(), key_id="ec-1", signing_algorithm="ES256"
    )
    mark = len(service_server.events())
    with pytest.raises(InvalidGrantRequest) as refused:
        await sender.get_all([service_server.resource_url], auth)
    assert refused.value.error == "invalid_client"
    assert seen == []
    assert _summary(service_server.events()[mark:]) == [("device_authorization", None, None, 400, "invalid_client")]


async def test_an_assertion_for_the_token_endpoint_is_refused_at_the_device_endpoint(
    service_server: ServiceServer, sender: Sender
) -> None:
    """The server checks the audience: the token endpoint's is not the device endpoint's."""
    seen: list[DeviceAuthorization] = []
    auth = _device_auth(
        service_server, seen, client_auth_method="private_key_jwt", private_key=service_server.rsa_pem, key_id="rsa-1",
        assertion_audience=service_server.token_url,
    )
    mark = len(service_server.events())
    with pytest.raises(InvalidGrantRequest, match="invalid_client") as refused:
        await sender.get_all([service_server.resource_url], auth)
    assert "'aud'" in str(refused.value)  # Authlib names the claim it refused
    assert _summary(service_server.events()[mark:]) == [("device_authorization", None, None, 400, "invalid_client")]


async def test_the_user_denies(service_server: ServiceServer, sender: Sender) -> None:
    seen: list[DeviceAuthorization] = []
    auth = _device_auth(
        service_server, seen, approve=False, after_polls=1,
        client_auth_method="private_key_jwt", private_key=service_server.ec_pem, key_id="ec-1", signing_algorithm="ES256",
    )
    mark = len(service_server.events())
    with pytest.raises(InvalidGrantRequest) as refused:
        await sender.get_all([service_server.resource_url], auth)
    assert refused.value.error == "access_denied"
    assert len(seen) == 1
    assert [(e["endpoint"], e["status"], e["error"]) for e in service_server.events()[mark:]] == [
        ("device_authorization", 200, None),
        ("token", 400, "authorization_pending"),
        ("token", 400, "access_denied"),
    ]
