"""The device authorization grant authenticating with JWT client assertions
(``private_key_jwt``, ``client_secret_jwt``) at both of its endpoints; each assertion
verified with joserfc."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest

from device_fakes import DEVICE_URL, TOKEN_URL, Clock, DeviceServer, clock, no_browser  # noqa: F401
from httpx_auth import InvalidParameter, OAuth2DeviceCode, OktaDeviceCode
from httpx_auth._oauth2.client_assertion import JWT_BEARER_CLIENT_ASSERTION
from jwt_fakes import pem, private_jwk, verify
from oauth2_fakes import TokenRequest, fresh_token_cache  # noqa: F401

SECRET = "a-shared-secret-of-at-least-32-bytes!"


def device_auth(**kwargs: Any) -> OAuth2DeviceCode:
    return OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "my-app", "read", display=lambda a: None, **kwargs)


def assertion_claims(sent: TokenRequest, algorithm: str, key: Any, audience: str) -> dict[str, Any]:
    assert "authorization" not in sent.headers and "client_secret" not in sent.form
    assert sent.form["client_id"] == "my-app"
    assert sent.form["client_assertion_type"] == JWT_BEARER_CLIENT_ASSERTION
    header, claims = verify(sent.form["client_assertion"], algorithm, key)
    assert header["alg"] == algorithm
    assert claims["iss"] == claims["sub"] == "my-app" and claims["aud"] == audience
    assert claims["exp"] - claims["iat"] == 300
    return {"header": header, **claims}


def test_private_key_jwt_at_both_endpoints(http: ModuleType, clock: Clock) -> None:
    server = DeviceServer(http, ["authorization_pending", {"access_token": "device-token", "expires_in": 3600}])
    auth = device_auth(client_auth_method="private_key_jwt", private_key=pem("ec"), key_id="k1", signing_algorithm="ES256")
    assert server.get(auth).json()["authorization"] == "Bearer device-token"
    [device] = server.device_requests
    assert device.form["scope"] == "read"  # the device request keeps its own parameters
    seen = [assertion_claims(device, "ES256", None, DEVICE_URL)]
    seen += [assertion_claims(poll, "ES256", None, TOKEN_URL) for poll in server.polled]
    assert len(seen) == 3 and len({s["jti"] for s in seen}) == 3
    assert {s["header"]["kid"] for s in seen} == {"k1"}


def test_the_audience_option_and_a_refresh(http: ModuleType, clock: Clock) -> None:
    server = DeviceServer(http, [{"access_token": "t", "expires_in": 60, "refresh_token": "r1"}])
    auth = device_auth(
        client_auth_method="private_key_jwt", private_key=private_jwk("rsa"), assertion_audience="https://as.example.com"
    )
    server.get(auth)
    clock.traveller.shift(3600)
    server.get(auth)
    refresh = server.polled[-1]
    assert refresh.form["grant_type"] == "refresh_token" and len(server.device_requests) == 1
    for sent in (*server.device_requests, *server.polled):
        assertion_claims(sent, "RS256", None, "https://as.example.com")


def test_client_secret_jwt(http: ModuleType, clock: Clock) -> None:
    server = DeviceServer(http)
    auth = device_auth(client_secret=SECRET, client_auth_method="client_secret_jwt")
    server.get(auth)
    for sent in (*server.device_requests, *server.polled):
        assert SECRET not in str(sent.form)
    assertion_claims(server.polled[0], "HS256", SECRET, TOKEN_URL)
    assert SECRET not in repr(auth)


def test_keys_stay_out_of_reprs_and_tell_cache_keys_apart() -> None:
    ec = device_auth(client_auth_method="private_key_jwt", private_key=pem("ec"), signing_algorithm="ES256")
    rsa = device_auth(client_auth_method="private_key_jwt", private_key=pem("rsa"))
    assert len({ec.cache_key, rsa.cache_key, device_auth().cache_key, device_auth(client_secret="s").cache_key}) == 4
    shown = repr(ec) + repr(ec.token_endpoint.authentication) + repr(ec.device_endpoint.authentication)
    assert "PRIVATE" not in shown and "client_secret" not in repr(ec)
    preset = OktaDeviceCode("dev.okta.example", "cid", client_auth_method="private_key_jwt", private_key=pem("rsa"))
    assert preset.token_endpoint.authentication.method == "private_key_jwt"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"client_auth_method": "private_key_jwt"}, "needs a private_key"),
        ({"client_auth_method": "private_key_jwt", "private_key": pem("rsa"), "client_secret": "s"}, "give no client secret"),
        ({"client_auth_method": "client_secret_jwt"}, "needs a client_secret"),
        ({"private_key": pem("rsa")}, "private_key and key_id are used with client_auth_method='private_key_jwt' only"),
        ({"signing_algorithm": "ES256", "client_secret": "s"}, "used with JWT client assertions only"),
        ({"client_auth_method": "private_key_jwt", "private_key": pem("rsa"), "signing_algorithm": "ES256"},
         "private_key is not an EC P-256 key"),
        ({"client_auth_method": "private_key_jwt", "private_key": "junk"}, "private_key is not a PEM"),
    ],
)
def test_bad_combinations(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(InvalidParameter, match=match) as error:
        device_auth(**kwargs)
    assert "PRIVATE" not in str(error.value)
