"""The device authorization grant with DPoP (RFC 9449): each poll and refresh carries a
proof (verified with joserfc), the device authorization request none; on both backends."""

from __future__ import annotations

from types import ModuleType

from device_fakes import DEVICE_URL, TOKEN_URL, Clock, DeviceServer, clock, no_browser  # noqa: F401
from httpx_auth import AzureActiveDirectoryDeviceCode, DPoPKey, OAuth2DeviceCode, OktaDeviceCode
from jwt_fakes import pem
from oauth2_fakes import API_URL, fresh_token_cache  # noqa: F401
from test_dpop import check_proof

BOUND = {"access_token": "device-token", "token_type": "DPoP", "expires_in": 3600, "refresh_token": "r1"}


def device_auth(**kwargs: object) -> OAuth2DeviceCode:
    return OAuth2DeviceCode(DEVICE_URL, TOKEN_URL, "my-app", "read", display=lambda a: None, **kwargs)  # type: ignore[arg-type]


def test_polls_carry_proofs_and_the_token_is_bound(http: ModuleType, clock: Clock, backend: str) -> None:
    server = DeviceServer(http, ["authorization_pending", BOUND])
    auth = device_auth(dpop=True)
    response = server.get(auth)
    assert response.json()["authorization"] == "DPoP device-token"
    assert "dpop" not in server.device_requests[0].headers  # not a token request
    proofs = [check_proof(sent.headers["dpop"], "POST", TOKEN_URL) for sent in server.polled]
    assert len(proofs) == 2 and proofs[0]["jti"] != proofs[1]["jti"]
    assert {p["jkt"] for p in proofs} == {auth.dpop.key.thumbprint}
    api_proof = check_proof(response.json()["headers"]["dpop"], "GET", API_URL, token="device-token")
    assert api_proof["jkt"] == auth.dpop.key.thumbprint


def test_the_refresh_carries_a_proof_of_the_same_key(http: ModuleType, clock: Clock, backend: str) -> None:
    key = DPoPKey(pem("ec"))
    server = DeviceServer(http, [{**BOUND, "expires_in": 60}])
    auth = device_auth(dpop=key)
    server.get(auth)
    clock.traveller.shift(3600)
    server.get(auth)
    assert len(server.device_requests) == 1  # the refresh token, not a new device authorization
    refresh = server.polled[-1]
    assert refresh.form["grant_type"] == "refresh_token"
    assert check_proof(refresh.headers["dpop"], "POST", TOKEN_URL)["jkt"] == key.thumbprint


def test_a_bearer_answer_is_sent_as_bearer(http: ModuleType, clock: Clock, backend: str) -> None:
    server = DeviceServer(http, [{"access_token": "device-token", "token_type": "Bearer", "expires_in": 3600}])
    response = server.get(device_auth(dpop=True))
    assert response.json()["authorization"] == "Bearer device-token"
    assert "dpop" in server.polled[0].headers and "dpop" not in response.json()["headers"]


def test_without_dpop_no_proof(http: ModuleType, clock: Clock) -> None:
    server = DeviceServer(http)
    server.get(device_auth())
    assert not any("dpop" in sent.headers for sent in (*server.device_requests, *server.polled))


def test_presets_take_it_and_keys_keep_tokens_apart() -> None:
    key = DPoPKey()
    assert OktaDeviceCode("dev.okta.example", "cid", dpop=key).dpop.key is key
    assert AzureActiveDirectoryDeviceCode("tenant", "cid", dpop=True).dpop is not None
    assert OktaDeviceCode("dev.okta.example", "cid").dpop is None
    keys = {device_auth().cache_key, device_auth(dpop=key).cache_key, device_auth(dpop=True).cache_key}
    assert len(keys) == 3 and device_auth(dpop=key).cache_key == device_auth(dpop=key).cache_key
