"""DPoP (RFC 9449) end to end against a scripted authorization and resource server: every
proof is verified with joserfc using the key in its header, on both backends."""

from __future__ import annotations

import base64
import hashlib
import json
import sys
from types import ModuleType
from typing import Any

import pytest
import time_machine
from joserfc import jws
from joserfc.jwk import ECKey

from httpx_auth import DPoPKey, InvalidGrantRequest, InvalidParameter, OAuth2ClientCredentials, OAuth2JwtBearer
from jwt_fakes import pem, private_jwk
from oauth2_fakes import API_URL, TOKEN_URL, fresh_token_cache  # noqa: F401

NOW = 1_700_000_000


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def check_proof(proof: str, method: str, url: str, *, token: str | None = None, nonce: str | None = None) -> dict[str, Any]:
    """The claims of ``proof`` once verified with the public key in its own header."""
    header = json.loads(base64.urlsafe_b64decode(proof.split(".")[0] + "=="))
    assert header["typ"] == "dpop+jwt" and header["alg"] == "ES256"
    assert set(header["jwk"]) == {"kty", "crv", "x", "y"}  # public only
    compact = jws.deserialize_compact(proof, ECKey.import_key(header["jwk"]), registry=jws.JWSRegistry(algorithms=["ES256"]))
    claims: dict[str, Any] = json.loads(compact.payload)
    assert claims["htm"] == method and claims["htu"] == url
    assert isinstance(claims["iat"], int) and len(claims["jti"]) >= 16
    assert claims.get("nonce") == nonce
    assert claims.get("ath") == (None if token is None else b64(hashlib.sha256(token.encode()).digest()))
    claims["jkt"] = ECKey.import_key(header["jwk"]).thumbprint()
    return claims


class Seen:
    """What a server received (the request object itself is changed by a retry)."""

    def __init__(self, request: Any) -> None:
        self.headers = dict(request.headers)
        self.content: bytes = request.content


class DPoPServer:
    """A token endpoint and an API that both want DPoP nonces.

    The token endpoint refuses proofs without its current nonce (400 use_dpop_nonce) and
    issues ``token_type``; the API challenges (401) ``api_challenges`` times."""

    def __init__(self, http: ModuleType, *, token_type: str = "DPoP", token_nonces: int = 1, api_challenges: int = 1) -> None:
        self.http = http
        self.token_type = token_type
        self.token_nonces = token_nonces
        self.api_challenges = api_challenges
        self.token_requests: list[Any] = []
        self.api_requests: list[Any] = []

    def handler(self, request: Any) -> Any:
        if str(request.url) == TOKEN_URL:
            self.token_requests.append(Seen(request))
            if len(self.token_requests) <= self.token_nonces:
                nonce = f"as-nonce-{len(self.token_requests)}"
                return self.http.Response(400, json={"error": "use_dpop_nonce"}, headers={"DPoP-Nonce": nonce})
            return self.http.Response(200, json={"access_token": "tok-1", "token_type": self.token_type, "expires_in": 3600})
        self.api_requests.append(Seen(request))
        if len(self.api_requests) <= self.api_challenges:
            return self.http.Response(
                401,
                headers={"WWW-Authenticate": 'DPoP error="use_dpop_nonce", error_description="nonce"', "DPoP-Nonce": f"rs-nonce-{len(self.api_requests)}"},
            )
        return self.http.Response(200, json={"authorization": request.headers.get("authorization")})

    async def async_handler(self, request: Any) -> Any:
        return self.handler(request)

    def get(self, auth: Any, url: str = API_URL) -> Any:
        with self.http.Client(transport=self.http.MockTransport(self.handler)) as client:
            return client.get(url, auth=auth)

    async def aget(self, auth: Any, url: str = API_URL) -> Any:
        async with self.http.AsyncClient(transport=self.http.MockTransport(self.async_handler)) as client:
            return await client.get(url, auth=auth)


def check_exchange(server: DPoPServer, auth: Any, url: str) -> None:
    first, second = server.token_requests
    c1 = check_proof(first.headers["dpop"], "POST", TOKEN_URL)
    c2 = check_proof(second.headers["dpop"], "POST", TOKEN_URL, nonce="as-nonce-1")
    assert c1["jti"] != c2["jti"]
    assert c1["jkt"] == c2["jkt"] == auth.dpop.key.thumbprint
    challenged, accepted = server.api_requests
    assert challenged.headers["authorization"] == accepted.headers["authorization"] == "DPoP tok-1"
    check_proof(challenged.headers["dpop"], "GET", url.split("?")[0], token="tok-1")
    c3 = check_proof(accepted.headers["dpop"], "GET", url.split("?")[0], token="tok-1", nonce="rs-nonce-1")
    assert c3["jkt"] == auth.dpop.key.thumbprint


def test_dpop_client_credentials(http: ModuleType, backend: str) -> None:
    server = DPoPServer(http)
    auth = OAuth2ClientCredentials(TOKEN_URL, "svc", "secret", dpop=True)
    url = API_URL + "?q=1#frag"
    with time_machine.travel(NOW, tick=False):
        response = server.get(auth, url)
    assert response.status_code == 200 and response.json()["authorization"] == "DPoP tok-1"
    check_exchange(server, auth, url)
    assert check_proof(server.api_requests[1].headers["dpop"], "GET", API_URL, token="tok-1", nonce="rs-nonce-1")["iat"] == NOW


async def test_dpop_async(http: ModuleType, backend: str) -> None:
    server = DPoPServer(http)
    auth = OAuth2ClientCredentials(TOKEN_URL, "svc", "secret", dpop=True)
    response = await server.aget(auth)
    assert response.status_code == 200
    check_exchange(server, auth, API_URL)


def test_cached_token_gets_a_fresh_proof_each_request(http: ModuleType, backend: str) -> None:
    server = DPoPServer(http, token_nonces=0, api_challenges=0)
    auth = OAuth2ClientCredentials(TOKEN_URL, "svc", "secret", dpop=True)
    for _ in range(3):
        assert server.get(auth).status_code == 200
    assert len(server.token_requests) == 1
    jtis = {check_proof(r.headers["dpop"], "GET", API_URL, token="tok-1")["jti"] for r in server.api_requests}
    assert len(jtis) == 3


def test_the_latest_nonce_is_remembered_per_server(http: ModuleType, backend: str) -> None:
    server = DPoPServer(http)
    auth = OAuth2ClientCredentials(TOKEN_URL, "svc", "secret", dpop=True)
    server.get(auth)
    server.get(auth)  # no new challenge: the remembered resource nonce is used at once
    third = server.api_requests[2]
    check_proof(third.headers["dpop"], "GET", API_URL, token="tok-1", nonce="rs-nonce-1")


def test_nonce_retried_only_once(http: ModuleType, backend: str) -> None:
    server = DPoPServer(http, token_nonces=5)
    with pytest.raises(InvalidGrantRequest, match="use_dpop_nonce"):
        server.get(OAuth2ClientCredentials(TOKEN_URL, "svc", "secret", dpop=True))
    assert len(server.token_requests) == 2
    server = DPoPServer(http, token_nonces=0, api_challenges=5)
    assert server.get(OAuth2ClientCredentials(TOKEN_URL, "svc", "secret", dpop=True)).status_code == 401
    assert len(server.api_requests) == 2


def test_bearer_token_type_is_sent_as_bearer(http: ModuleType, backend: str) -> None:
    server = DPoPServer(http, token_type="Bearer", token_nonces=0, api_challenges=0)
    response = server.get(OAuth2ClientCredentials(TOKEN_URL, "svc", "secret", dpop=True))
    assert response.json()["authorization"] == "Bearer tok-1"
    assert "dpop" in server.token_requests[0].headers and "dpop" not in server.api_requests[0].headers


def test_given_key_and_private_key_jwt_together(http: ModuleType, backend: str) -> None:
    key = DPoPKey(private_jwk("ec"))
    server = DPoPServer(http)
    auth = OAuth2JwtBearer(TOKEN_URL, "svc", "svc", private_key=pem("rsa"), dpop=key)
    server.get(auth)
    assert check_proof(server.token_requests[1].headers["dpop"], "POST", TOKEN_URL, nonce="as-nonce-1")["jkt"] == key.thumbprint
    assert key.thumbprint == ECKey.import_key(private_jwk("ec")).thumbprint()
    # The retried token request carries a new assertion too (its jti is single-use).
    assertions = [dict(pair.split("=", 1) for pair in r.content.decode().split("&"))["assertion"] for r in server.token_requests]
    assert assertions[0] != assertions[1]


def test_tokens_are_bound_to_their_key() -> None:
    key = DPoPKey(pem("ec"))
    plain = OAuth2ClientCredentials(TOKEN_URL, "svc", "secret")
    same = [OAuth2ClientCredentials(TOKEN_URL, "svc", "secret", dpop=key) for _ in range(2)]
    other = OAuth2ClientCredentials(TOKEN_URL, "svc", "secret", dpop=True)
    assert same[0].cache_key == same[1].cache_key
    assert len({plain.cache_key, same[0].cache_key, other.cache_key}) == 3


def test_reprs_show_no_key() -> None:
    key = DPoPKey(private_jwk("ec"))
    shown = repr(key) + repr(OAuth2ClientCredentials(TOKEN_URL, "svc", "secret", dpop=key).dpop)
    assert private_jwk("ec")["d"] not in shown and key.thumbprint in shown


@pytest.mark.parametrize(
    ("private_key", "match"),
    [
        (pem("rsa"), "EC P-256 private key"),
        (pem("p384"), "EC P-256 key"),
        ("garbage", "not an unencrypted PEM"),
        ({"kty": "RSA", "d": "x"}, "EC P-256 key"),
        ({"kty": "EC", "crv": "P-256"}, "without its private part"),
        ({"kty": "EC", "crv": "P-256", "d": "AAAA"}, "not a valid P-256 private key"),
        ({**private_jwk("ec"), "x": private_jwk("ec")["y"]}, "does not match"),
        (12, "EC P-256 private key"),
    ],
)
def test_bad_dpop_keys(private_key: Any, match: str, backend: str) -> None:
    with pytest.raises(InvalidParameter, match=match) as error:
        DPoPKey(private_key)
    assert "PRIVATE" not in str(error.value)


def test_dpop_argument_is_checked() -> None:
    with pytest.raises(InvalidParameter, match="dpop must be True, False or a DPoPKey"):
        OAuth2ClientCredentials(TOKEN_URL, "svc", "secret", dpop="yes")


def test_pure_backend_without_cryptography_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from backends import BACKENDS
    from httpx_auth import _core

    monkeypatch.setattr(_core, "backend", BACKENDS["python"])
    monkeypatch.setattr(_core, "BACKEND", "python")
    for name in [m for m in sys.modules if m.startswith("cryptography")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "cryptography", None)
    with pytest.raises(InvalidParameter, match=r"httpx_auth\[jwt\]"):
        DPoPKey()
