"""JWT client assertions at the token endpoint (RFC 7523 §2.2): private_key_jwt and
client_secret_jwt, for every grant built on TokenEndpoint; each assertion is verified
with joserfc, independently of PyJWT which signs it."""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any

import pytest
import time_machine

from httpx_auth import (
    InvalidParameter,
    OAuth2ClientCredentials,
    OAuth2ResourceOwnerPasswordCredentials,
)
from httpx_auth._oauth2.client_assertion import JWT_BEARER_CLIENT_ASSERTION
from httpx_auth._oauth2.settings import ClientAuthentication, TokenSettings
from httpx_auth._oauth2.token_endpoint import TokenEndpoint
from jwt_fakes import ALGORITHMS, KIND, pem, private_jwk, private_key, public_pem, verify
from oauth2_fakes import TOKEN_URL, FakeServer, fresh_token_cache  # noqa: F401

NOW = 1_700_000_000
SECRET = "a-shared-secret-of-at-least-32-bytes!"


def key_forms(kind: str) -> dict[str, Any]:
    return {"pem-text": pem(kind), "pem-bytes": pem(kind).encode(), "jwk": private_jwk(kind), "object": private_key(kind)}


def check_assertion(form: dict[str, str], algorithm: str, key: Any, *, client_id: str, audience: str = TOKEN_URL) -> dict[str, Any]:
    assert form["client_assertion_type"] == JWT_BEARER_CLIENT_ASSERTION
    assert "client_secret" not in form
    header, claims = verify(form["client_assertion"], algorithm, key)
    assert header["alg"] == algorithm
    assert claims["iss"] == claims["sub"] == client_id
    assert claims["aud"] == audience
    assert 0 < claims["exp"] - claims["iat"] <= 300
    assert isinstance(claims["jti"], str) and len(claims["jti"]) >= 16
    return {"header": header, **claims}


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("form_name", ["pem-text", "pem-bytes", "jwk", "object"])
def test_private_key_jwt_client_credentials(http: ModuleType, algorithm: str, form_name: str) -> None:
    server = FakeServer(http)
    key = key_forms(KIND[algorithm])[form_name]
    auth = OAuth2ClientCredentials(
        TOKEN_URL, "svc", client_auth_method="private_key_jwt", private_key=key, key_id="k-1", signing_algorithm=algorithm
    )
    with time_machine.travel(NOW, tick=False):
        assert server.get(auth).json()["authorization"] == "Bearer token-1"
    (sent,) = server.token_requests
    assert "authorization" not in sent.headers  # no Basic header
    assert sent.form["grant_type"] == "client_credentials"
    assert sent.form["client_id"] == "svc"
    claims = check_assertion(sent.form, algorithm, None, client_id="svc")
    assert claims["header"]["kid"] == "k-1"
    assert claims["iat"] == NOW and claims["exp"] == NOW + 300


async def test_private_key_jwt_async(http: ModuleType) -> None:
    server = FakeServer(http)
    auth = OAuth2ClientCredentials(TOKEN_URL, "svc", client_auth_method="private_key_jwt", private_key=pem("rsa"))
    assert (await server.aget(auth)).json()["authorization"] == "Bearer token-1"
    check_assertion(server.token_requests[0].form, "RS256", None, client_id="svc")


def test_every_assertion_is_fresh(http: ModuleType) -> None:
    server = FakeServer(http, lambda n, _: http.Response(200, json={"access_token": f"t{n}", "expires_in": 0}))
    auth = OAuth2ClientCredentials(TOKEN_URL, "svc", client_auth_method="private_key_jwt", private_key=pem("ec"), signing_algorithm="ES256")
    for _ in range(3):
        server.get(auth)  # expires_in=0: a new token every time
    jtis = [check_assertion(s.form, "ES256", None, client_id="svc")["jti"] for s in server.token_requests]
    assert len(jtis) == 3 and len(set(jtis)) == 3


def test_assertion_audience_can_be_the_issuer(http: ModuleType) -> None:
    server = FakeServer(http)
    auth = OAuth2ClientCredentials(
        TOKEN_URL, "svc", client_auth_method="private_key_jwt", private_key=pem("rsa"), assertion_audience="https://as.example.com"
    )
    server.get(auth)
    check_assertion(server.token_requests[0].form, "RS256", None, client_id="svc", audience="https://as.example.com")


def test_client_secret_jwt(http: ModuleType) -> None:
    server = FakeServer(http)
    auth = OAuth2ClientCredentials(TOKEN_URL, "svc", SECRET, client_auth_method="client_secret_jwt")
    server.get(auth)
    (sent,) = server.token_requests
    assert "authorization" not in sent.headers
    check_assertion(sent.form, "HS256", SECRET, client_id="svc")
    with pytest.raises(Exception):
        verify(sent.form["client_assertion"], "HS256", "another-secret-of-at-least-32-bytes")


def test_password_grant_with_private_key_jwt_and_refresh(http: ModuleType) -> None:
    answers = [
        {"access_token": "t1", "expires_in": 0, "refresh_token": "r1"},
        {"access_token": "t2", "expires_in": 3600},
    ]
    server = FakeServer(http, lambda n, _: http.Response(200, json=answers[n - 1]))
    auth = OAuth2ResourceOwnerPasswordCredentials(
        TOKEN_URL, "alice", "pw", client_auth="svc", client_auth_method="private_key_jwt", private_key=private_jwk("ed25519"), signing_algorithm="EdDSA"
    )
    server.get(auth)
    assert server.get(auth).json()["authorization"] == "Bearer t2"
    first, refresh = server.token_requests
    assert first.form["grant_type"] == "password" and refresh.form["grant_type"] == "refresh_token"
    for sent in (first, refresh):
        check_assertion(sent.form, "EdDSA", None, client_id="svc")
        assert "authorization" not in sent.headers


def test_token_endpoint_applies_a_method_to_any_post(http: ModuleType) -> None:
    """Grants routed through TokenEndpoint (device, revocation...) get the assertion too."""
    endpoint = TokenEndpoint(TOKEN_URL, TokenSettings(), ClientAuthentication("svc", "private_key_jwt", private_key=pem("rsa")))
    flow = endpoint.post(http.Request("GET", "https://api.example.com/"), {"token": "x"})
    request = next(flow)
    form = dict(pair.split("=", 1) for pair in request.content.decode().split("&"))
    assert form["token"] == "x"
    from urllib.parse import unquote

    check_assertion({k: unquote(v) for k, v in form.items()}, "RS256", None, client_id="svc")


def test_distinct_keys_do_not_share_tokens(http: ModuleType) -> None:
    a = OAuth2ClientCredentials(TOKEN_URL, "svc", client_auth_method="private_key_jwt", private_key=pem("rsa"))
    b = OAuth2ClientCredentials(TOKEN_URL, "svc", client_auth_method="private_key_jwt", private_key=pem("ec"), signing_algorithm="ES256")
    c = OAuth2ClientCredentials(TOKEN_URL, "svc", client_auth_method="private_key_jwt", private_key=private_jwk("rsa"))
    assert a.cache_key != b.cache_key
    assert a.cache_key == c.cache_key  # the same key, given another way


def test_repr_hides_the_key() -> None:
    auth = OAuth2ClientCredentials(TOKEN_URL, "svc", client_auth_method="private_key_jwt", private_key=pem("rsa"), key_id="k-1")
    shown = repr(auth) + repr(auth.token_endpoint.authentication)
    assert "PRIVATE" not in shown and pem("rsa")[40:80] not in shown
    assert "private_key_jwt" in shown and "k-1" in shown
    secret = OAuth2ClientCredentials(TOKEN_URL, "svc", SECRET, client_auth_method="client_secret_jwt")
    assert SECRET not in repr(secret) + repr(secret.token_endpoint.authentication)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"private_key": "not a key"}, "not a PEM private key"),
        ({"private_key": public_pem("rsa")}, "public key"),
        ({"private_key": {"kty": "RSA", "n": "AQAB", "e": "AQAB"}}, "private part"),
        ({"private_key": {"kty": "RSA", "d": "x", "n": "y", "e": "z"}}, "not a valid private JWK"),
        ({"private_key": 12}, "PEM text or bytes"),
        ({"private_key": pem("rsa"), "signing_algorithm": "RS512"}, "signing_algorithm must be one of"),
        ({"private_key": pem("rsa"), "signing_algorithm": "HS256"}, "signing_algorithm must be one of"),
        ({"private_key": pem("rsa"), "signing_algorithm": "none"}, "signing_algorithm must be one of"),
        ({"private_key": pem("ec")}, "not an RSA key"),
        ({"private_key": pem("rsa"), "signing_algorithm": "ES256"}, "not an EC P-256 key"),
        ({"private_key": pem("p384"), "signing_algorithm": "ES256"}, "not an EC P-256 key"),
        ({"private_key": pem("rsa"), "signing_algorithm": "EdDSA"}, "not an Ed25519"),
        ({"private_key": pem("rsa1024")}, "at least 2048"),
        ({}, "needs a private_key"),
        ({"private_key": pem("rsa"), "key_id": ""}, "key_id"),
    ],
)
def test_bad_keys_are_refused_at_construction(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(InvalidParameter, match=match) as error:
        OAuth2ClientCredentials(TOKEN_URL, "svc", client_auth_method="private_key_jwt", **kwargs)
    assert "PRIVATE KEY" not in str(error.value) and "MII" not in str(error.value)


def test_encrypted_pem_is_refused() -> None:
    from cryptography.hazmat.primitives import serialization

    encrypted = private_key("rsa").private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.BestAvailableEncryption(b"pw")
    )
    with pytest.raises(InvalidParameter, match="encrypted"):
        OAuth2ClientCredentials(TOKEN_URL, "svc", client_auth_method="private_key_jwt", private_key=encrypted)


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (("s",), {"client_auth_method": "private_key_jwt", "private_key": pem("rsa")}, "give no client secret"),
        ((), {"client_auth_method": "client_secret_jwt"}, "needs a client_secret"),
        ((), {}, "needs a client_secret"),
        (("s",), {"private_key": pem("rsa")}, "private_key_jwt' only"),
        (("s",), {"signing_algorithm": "HS256"}, "JWT client assertions only"),
        (("s",), {"client_auth_method": "client_secret_jwt", "signing_algorithm": "RS256"}, "signing_algorithm must be one of HS256"),
        (("s",), {"client_auth_method": "tls_client_auth"}, "client_auth_method must be one of"),
    ],
)
def test_inconsistent_client_auth_options(args: tuple[str, ...], kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(InvalidParameter, match=match):
        OAuth2ClientCredentials(TOKEN_URL, "svc", *args, **kwargs)


def test_missing_extra_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "jwt", None)  # as if PyJWT were not installed
    with pytest.raises(InvalidParameter, match=r"pip install 'httpx_auth\[jwt\]'"):
        OAuth2ClientCredentials(TOKEN_URL, "svc", client_auth_method="private_key_jwt", private_key=pem("rsa"))
    # Secret-based methods need nothing more.
    OAuth2ClientCredentials(TOKEN_URL, "svc", "s", client_auth_method="client_secret_post")


def test_okta_client_credentials_with_private_key_jwt(http: ModuleType) -> None:
    from httpx_auth import OktaClientCredentials

    auth = OktaClientCredentials("dev.okta.example", "svc", scope="s", client_auth_method="private_key_jwt", private_key=pem("rsa"))
    url = "https://dev.okta.example/oauth2/default/v1/token"
    seen: list[dict[str, str]] = []

    def handler(request: Any) -> Any:
        if str(request.url) == url:
            from urllib.parse import parse_qsl

            seen.append(dict(parse_qsl(request.content.decode())))
            return http.Response(200, json={"access_token": "t", "expires_in": 60})
        return http.Response(200)

    with http.Client(transport=http.MockTransport(handler)) as client:
        client.get("https://api.example.com/", auth=auth)
    check_assertion(seen[0], "RS256", None, client_id="svc", audience=url)
