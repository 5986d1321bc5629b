"""OAuth2JwtBearer with client authentication at the token endpoint (RFC 7523 §2.1 allows
the grant with or without it): each method, against a scripted token endpoint that
checks what it receives (the JWTs with joserfc, independently of PyJWT which signs them)."""

from __future__ import annotations

import base64
from types import ModuleType
from typing import Any, Callable

import pytest
import time_machine

from httpx_auth import InvalidGrantRequest, InvalidParameter, OAuth2JwtBearer
from httpx_auth._oauth2.client_assertion import JWT_BEARER_CLIENT_ASSERTION
from jwt_fakes import pem, private_jwk, verify
from oauth2_fakes import TOKEN_URL, FakeServer, fresh_token_cache  # noqa: F401

NOW = 1_700_000_000
GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
SECRET = "a-shared-secret-of-at-least-32-bytes!"


def endpoint(http: ModuleType, check: Callable[[Any], None]) -> Callable[[int, Any], Any]:
    """A token endpoint that answers a token only when ``check(request)`` passes, and
    ``invalid_client`` otherwise (as a server refusing the client would)."""

    def answer(n: int, request: Any) -> Any:
        try:
            verify(request.form["assertion"], "RS256", None)  # the grant's own assertion
            assert request.form["grant_type"] == GRANT
            check(request)
        except Exception:
            return http.Response(401, json={"error": "invalid_client"})
        return http.Response(200, json={"access_token": f"token-{n}", "expires_in": 0})

    return answer


def client_assertion(request: Any, algorithm: str, key: Any, *, client_id: str, audience: str = TOKEN_URL) -> dict[str, Any]:
    form = request.form
    assert "authorization" not in request.headers and "client_secret" not in form
    assert form["client_id"] == client_id
    assert form["client_assertion_type"] == JWT_BEARER_CLIENT_ASSERTION
    header, claims = verify(form["client_assertion"], algorithm, key)
    assert header["alg"] == algorithm
    assert claims["iss"] == claims["sub"] == client_id and claims["aud"] == audience
    assert claims["exp"] - claims["iat"] == 300
    return {"header": header, **claims}


def grant(**kwargs: Any) -> OAuth2JwtBearer:
    return OAuth2JwtBearer(TOKEN_URL, "svc@example.com", "user@example.com", private_key=pem("rsa"), **kwargs)


def test_private_key_jwt(http: ModuleType) -> None:
    seen: list[dict[str, Any]] = []

    def check(request: Any) -> None:
        seen.append(client_assertion(request, "ES256", None, client_id="client-7"))

    server = FakeServer(http, endpoint(http, check))
    auth = grant(
        client_auth="client-7", client_auth_method="private_key_jwt",
        client_private_key=pem("ec"), client_key_id="ck-1", client_signing_algorithm="ES256",
    )
    with time_machine.travel(NOW, tick=False):
        assert server.get(auth).json()["authorization"] == "Bearer token-1"
        assert server.get(auth).json()["authorization"] == "Bearer token-2"  # expires_in=0: a new token
    assert [s["header"]["kid"] for s in seen] == ["ck-1", "ck-1"]
    assert seen[0]["iat"] == NOW and seen[0]["jti"] != seen[1]["jti"]  # a new assertion each time
    grant_claims = verify(server.token_requests[0].form["assertion"], "RS256", None)[1]
    assert grant_claims["iss"] == "svc@example.com" and grant_claims["aud"] == TOKEN_URL  # the grant's, unchanged


async def test_private_key_jwt_async_with_the_issuer_as_audience(http: ModuleType) -> None:
    server = FakeServer(
        http, endpoint(http, lambda r: client_assertion(r, "RS256", None, client_id="c", audience="https://as.example"))
    )
    auth = grant(
        client_auth="c", client_auth_method="private_key_jwt", client_private_key=private_jwk("rsa"),
        client_assertion_audience="https://as.example",
    )
    assert (await server.aget(auth)).json()["authorization"] == "Bearer token-1"


def test_client_secret_jwt(http: ModuleType) -> None:
    server = FakeServer(http, endpoint(http, lambda r: client_assertion(r, "HS256", SECRET, client_id="c")))
    auth = grant(client_auth=("c", SECRET), client_auth_method="client_secret_jwt")
    assert server.get(auth).json()["authorization"] == "Bearer token-1"


def test_client_secret_jwt_signed_with_another_secret_is_refused(http: ModuleType) -> None:
    other = "another-secret-of-at-least-32-bytes"
    server = FakeServer(http, endpoint(http, lambda r: client_assertion(r, "HS256", other, client_id="c")))
    with pytest.raises(InvalidGrantRequest, match="invalid_client"):
        server.get(grant(client_auth=("c", SECRET), client_auth_method="client_secret_jwt"))


def test_client_secret_post(http: ModuleType) -> None:
    def check(request: Any) -> None:
        assert "authorization" not in request.headers
        assert (request.form["client_id"], request.form["client_secret"]) == ("c", "s3cret")

    server = FakeServer(http, endpoint(http, check))
    assert server.get(grant(client_auth=("c", "s3cret"), client_auth_method="client_secret_post")).status_code == 200
    assert len(server.token_requests) == 1


def test_client_secret_basic(http: ModuleType) -> None:
    def check(request: Any) -> None:
        assert request.headers["authorization"] == "Basic " + base64.b64encode(b"c:s3cret").decode()
        assert "client_secret" not in request.form and "client_assertion" not in request.form

    server = FakeServer(http, endpoint(http, check))
    assert server.get(grant(client_auth=("c", "s3cret"))).status_code == 200
    assert len(server.token_requests) == 1


def test_without_client_authentication_by_default(http: ModuleType) -> None:
    def check(request: Any) -> None:
        assert "authorization" not in request.headers
        assert not {"client_id", "client_secret", "client_assertion"} & set(request.form)

    server = FakeServer(http, endpoint(http, check))
    assert server.get(grant()).status_code == 200
    assert len(server.token_requests) == 1


def test_the_client_key_enters_the_cache_key_and_stays_out_of_reprs() -> None:
    a = grant(client_auth="c", client_auth_method="private_key_jwt", client_private_key=pem("rsa"))
    b = grant(client_auth="c", client_auth_method="private_key_jwt", client_private_key=pem("ec"), client_signing_algorithm="ES256")
    assert len({a.cache_key, b.cache_key, grant().cache_key}) == 3
    shown = repr(a) + repr(a.token_endpoint.authentication)
    assert "PRIVATE" not in shown


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"client_private_key": pem("ec")}, "client_private_key need client_auth"),
        ({"client_auth": "c", "client_auth_method": "private_key_jwt"}, "needs a client_private_key"),
        ({"client_auth": ("c", "s"), "client_key_id": "k"}, "client_private_key and client_key_id are used with"),
        ({"client_auth": ("c", "s"), "client_signing_algorithm": "HS256"}, "client_signing_algorithm and client_assertion_audience"),
        ({"client_auth": "c", "client_auth_method": "private_key_jwt", "client_private_key": "junk"}, "client_private_key is not a PEM"),
    ],
)
def test_errors_name_this_grants_parameters(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(InvalidParameter, match=match) as error:
        grant(**kwargs)
    assert "PRIVATE" not in str(error.value)
