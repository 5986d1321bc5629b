"""OAuth2JwtBearer (RFC 7523 §2.1): the assertion, verified with joserfc, and the grant."""

from __future__ import annotations

import base64
from types import ModuleType
from typing import Any

import pytest
import time_machine

from httpx_auth import InvalidGrantRequest, InvalidParameter, OAuth2JwtBearer
from jwt_fakes import ALGORITHMS, KIND, pem, private_jwk, verify
from oauth2_fakes import TOKEN_URL, FakeServer, fresh_token_cache  # noqa: F401

NOW = 1_700_000_000
GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_assertion_is_signed_with_the_claims(http: ModuleType, algorithm: str) -> None:
    server = FakeServer(http)
    auth = OAuth2JwtBearer(
        TOKEN_URL, "svc@example.com", "user@example.com", "https://aud.example.com", pem(KIND[algorithm]),
        key_id="k-9", signing_algorithm=algorithm, scope=["a", "b"], claims={"scope": "x y"},
    )
    with time_machine.travel(NOW, tick=False):
        assert server.get(auth).json()["authorization"] == "Bearer token-1"
    (sent,) = server.token_requests
    assert sent.form["grant_type"] == GRANT
    assert sent.form["scope"] == "a b"
    assert "authorization" not in sent.headers and "client_assertion" not in sent.form
    header, claims = verify(sent.form["assertion"], algorithm, None)
    assert header["alg"] == algorithm and header["kid"] == "k-9"
    assert claims["iss"] == "svc@example.com" and claims["sub"] == "user@example.com"
    assert claims["aud"] == "https://aud.example.com"
    assert claims["iat"] == NOW and claims["exp"] == NOW + 300
    assert claims["scope"] == "x y" and len(claims["jti"]) >= 16


async def test_async_and_default_audience(http: ModuleType) -> None:
    server = FakeServer(http)
    auth = OAuth2JwtBearer(TOKEN_URL, "svc", "svc", private_key=private_jwk("ec"), signing_algorithm="ES256", lifetime=60)
    assert (await server.aget(auth)).json()["authorization"] == "Bearer token-1"
    _, claims = verify(server.token_requests[0].form["assertion"], "ES256", None)
    assert claims["aud"] == TOKEN_URL and claims["exp"] - claims["iat"] == 60


def test_each_token_request_has_a_new_assertion(http: ModuleType) -> None:
    server = FakeServer(http, lambda n, _: http.Response(200, json={"access_token": f"t{n}", "expires_in": 0}))
    auth = OAuth2JwtBearer(TOKEN_URL, "svc", "svc", TOKEN_URL, pem("rsa"))
    server.get(auth)
    server.get(auth)
    jtis = {verify(s.form["assertion"], "RS256", None)[1]["jti"] for s in server.token_requests}
    assert len(jtis) == 2


async def test_assertion_callable_is_called_per_request(http: ModuleType) -> None:
    calls: list[int] = []

    def assertion() -> str:
        calls.append(1)
        return f"ready-assertion-{len(calls)}"

    server = FakeServer(http, lambda n, _: http.Response(200, json={"access_token": f"t{n}", "expires_in": 0}))
    auth = OAuth2JwtBearer(TOKEN_URL, assertion=assertion, client_auth=("cid", "csecret"))
    server.get(auth)
    await server.aget(auth)
    assert [s.form["assertion"] for s in server.token_requests] == ["ready-assertion-1", "ready-assertion-2"]
    assert server.token_requests[0].headers["authorization"] == "Basic " + base64.b64encode(b"cid:csecret").decode()


def test_assertion_callable_returning_nothing(http: ModuleType) -> None:
    server = FakeServer(http)
    with pytest.raises(InvalidParameter, match=r"assertion\(\) must return a non-empty string"):
        server.get(OAuth2JwtBearer(TOKEN_URL, assertion=lambda: ""))
    assert server.token_requests == []


def test_refused_assertion_is_an_oauth2_error(http: ModuleType) -> None:
    server = FakeServer(http, lambda n, _: http.Response(400, json={"error": "invalid_grant"}))
    with pytest.raises(InvalidGrantRequest, match="invalid_grant"):
        server.get(OAuth2JwtBearer(TOKEN_URL, "svc", "svc", private_key=pem("rsa")))


def test_repr_hides_the_key() -> None:
    shown = repr(OAuth2JwtBearer(TOKEN_URL, "svc", "sub", private_key=pem("rsa"), key_id="k"))
    assert "PRIVATE" not in shown and "svc" in shown and "'k'" in shown


def test_repr_hides_a_ready_assertion() -> None:
    import functools

    shown = repr(OAuth2JwtBearer(TOKEN_URL, assertion=functools.partial(str, "eyJ.secret-assertion.sig")))
    assert "secret-assertion" not in shown and TOKEN_URL in shown


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (("svc", "svc"), {}, "needs a private_key"),
        (("svc", "svc", None, "junk"), {}, "not a PEM private key"),
        (("svc", "svc", None, pem("ec")), {}, "not an RSA key"),
        (("svc", "svc", None, pem("rsa")), {"signing_algorithm": "HS256"}, "signing_algorithm must be one of"),
        (("", "svc", None, pem("rsa")), {}, "issuer"),
        (("svc", None, None, pem("rsa")), {}, "subject"),
        (("svc", "svc", None, pem("rsa")), {"claims": {"exp": 1}}, "claims must not set exp"),
        (("svc", "svc", None, pem("rsa")), {"lifetime": 0}, "lifetime"),
        (("svc",), {"assertion": lambda: "a"}, "one or the other"),
        ((), {"assertion": "a-string"}, "callable"),
    ],
)
def test_invalid_parameters(args: tuple[Any, ...], kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(InvalidParameter, match=match) as error:
        OAuth2JwtBearer(TOKEN_URL, *args, **kwargs)
    assert "PRIVATE" not in str(error.value)
