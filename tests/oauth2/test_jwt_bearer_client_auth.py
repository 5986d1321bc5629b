"""OAuth2JwtBearer with client authentication at the token endpoint (RFC 7523 §2.1 allows
the grant with or without it): each method, against a scripted token endpoint that
checks what it receives. Both JWTs are verified with joserfc (independent of PyJWT,
which signs them), each with its own public key; on both backends of the core."""

from __future__ import annotations

import base64
from types import ModuleType
from typing import Any, Callable

import pytest
import time_machine

from httpx_auth import InvalidGrantRequest, InvalidParameter, OAuth2JwtBearer
from httpx_auth._oauth2.client_assertion import JWT_BEARER_CLIENT_ASSERTION
from jwt_fakes import ALGORITHMS, KIND, pem, private_jwk, verify
from oauth2_fakes import TOKEN_URL, FakeServer, TokenRequest, fresh_token_cache  # noqa: F401
from test_dpop import check_proof

NOW = 1_700_000_000
GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
SECRET = "a-shared-secret-of-at-least-32-bytes!"
# The grant's own assertion: its own RSA key ("rsa2", never a client key) and audience.
GRANT_AUDIENCE = "https://as.example.com"


def grant_claims(request: TokenRequest) -> dict[str, Any]:
    """The claims of the grant's assertion, verified with the grant's public key."""
    assert request.form["grant_type"] == GRANT
    header, claims = verify(request.form["assertion"], "RS256", None, kind="rsa2")
    assert header["alg"] == "RS256" and header["kid"] == "grant-key"
    assert claims["iss"] == "svc@example.com" and claims["sub"] == "user@example.com"
    assert claims["aud"] == GRANT_AUDIENCE
    return claims


def endpoint(http: ModuleType, check: Callable[[TokenRequest], None]) -> Callable[[int, TokenRequest], Any]:
    """A token endpoint that answers a token only when the grant's assertion verifies and
    ``check(request)`` passes, and ``invalid_client`` otherwise (as a server refusing the
    client would); tokens expire at once, so each request gets a new one."""

    def answer(n: int, request: TokenRequest) -> Any:
        try:
            grant_claims(request)
            check(request)
        except Exception:
            return http.Response(401, json={"error": "invalid_client"})
        return http.Response(200, json={"access_token": f"token-{n}", "expires_in": 0})

    return answer


def client_assertion(
    request: TokenRequest, algorithm: str, key: Any, *, client_id: str = "client-7", audience: str = TOKEN_URL
) -> dict[str, Any]:
    """The client assertion's header and claims, once checked: no Basic header and no
    secret, ``iss`` = ``sub`` = the client id, ``aud``, a 300-second lifetime."""
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
    own = {"private_key": pem("rsa2"), "key_id": "grant-key"}
    return OAuth2JwtBearer(TOKEN_URL, "svc@example.com", "user@example.com", GRANT_AUDIENCE, **{**own, **kwargs})


def private_key_jwt(algorithm: str, **kwargs: Any) -> OAuth2JwtBearer:
    return grant(
        client_auth="client-7", client_auth_method="private_key_jwt", client_private_key=pem(KIND[algorithm]),
        client_key_id="ck-1", client_signing_algorithm=algorithm, **kwargs,
    )


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_private_key_jwt(http: ModuleType, backend: str, algorithm: str) -> None:
    seen: list[dict[str, Any]] = []
    server = FakeServer(http, endpoint(http, lambda r: seen.append(client_assertion(r, algorithm, None))))
    auth = private_key_jwt(algorithm)
    with time_machine.travel(NOW, tick=False):
        assert server.get(auth).json()["authorization"] == "Bearer token-1"
        assert server.get(auth).json()["authorization"] == "Bearer token-2"  # expires_in=0: a new token
    assert [s["header"]["kid"] for s in seen] == ["ck-1", "ck-1"]
    assert seen[0]["iat"] == NOW and seen[0]["jti"] != seen[1]["jti"]  # a new assertion each time
    grants = [grant_claims(r) for r in server.token_requests]
    assert grants[0]["jti"] != grants[1]["jti"]
    # Two assertions, two keys: neither verifies with the other's key.
    assert {g["jti"] for g in grants}.isdisjoint(s["jti"] for s in seen)
    with pytest.raises(Exception):
        verify(server.token_requests[0].form["assertion"], "RS256", None, kind="rsa")
    with pytest.raises(Exception):
        verify(server.token_requests[0].form["client_assertion"], "RS256", None, kind="rsa2")


async def test_private_key_jwt_async_with_its_own_audience_and_a_jwk(http: ModuleType, backend: str) -> None:
    check = lambda r: client_assertion(r, "EdDSA", None, client_id="c", audience="https://as.example/issuer")  # noqa: E731
    server = FakeServer(http, endpoint(http, check))
    auth = grant(
        client_auth="c", client_auth_method="private_key_jwt", client_private_key=private_jwk("ed25519"),
        client_signing_algorithm="EdDSA", client_assertion_audience="https://as.example/issuer",
    )
    assert (await server.aget(auth)).json()["authorization"] == "Bearer token-1"
    assert "kid" not in verify(server.token_requests[0].form["client_assertion"], "EdDSA", None)[0]


def test_rs256_is_the_default_client_algorithm(http: ModuleType, backend: str) -> None:
    server = FakeServer(http, endpoint(http, lambda r: client_assertion(r, "RS256", None, client_id="c")))
    auth = grant(client_auth="c", client_auth_method="private_key_jwt", client_private_key=pem("rsa").encode())
    assert server.get(auth).status_code == 200 and len(server.token_requests) == 1


def test_a_client_assertion_signed_with_another_key_is_refused(http: ModuleType, backend: str) -> None:
    # The server knows the "rsa" key; the client signs with "rsa2" (the grant's key).
    server = FakeServer(http, endpoint(http, lambda r: client_assertion(r, "RS256", None, client_id="c")))
    auth = grant(client_auth="c", client_auth_method="private_key_jwt", client_private_key=pem("rsa2"))
    with pytest.raises(InvalidGrantRequest, match="invalid_client"):
        server.get(auth)


def test_private_key_jwt_with_dpop(http: ModuleType, backend: str) -> None:
    server = FakeServer(http, endpoint(http, lambda r: client_assertion(r, "ES256", None)))
    auth = private_key_jwt("ES256", dpop=True)
    assert server.get(auth).status_code == 200
    request = server.token_requests[0]
    proof = check_proof(request.headers["dpop"], "POST", TOKEN_URL)
    assert proof["jkt"] == auth.dpop.key.thumbprint
    # Three JWTs, three keys, three jtis.
    assertion = client_assertion(request, "ES256", None)
    assert len({proof["jti"], assertion["jti"], grant_claims(request)["jti"]}) == 3


def test_client_secret_jwt(http: ModuleType, backend: str) -> None:
    server = FakeServer(http, endpoint(http, lambda r: client_assertion(r, "HS256", SECRET, client_id="c")))
    auth = grant(client_auth=("c", SECRET), client_auth_method="client_secret_jwt")
    assert server.get(auth).json()["authorization"] == "Bearer token-1"
    assert SECRET not in repr(auth) + repr(auth.token_endpoint.authentication)


def test_client_secret_jwt_signed_with_another_secret_is_refused(http: ModuleType, backend: str) -> None:
    other = "another-secret-of-at-least-32-bytes"
    server = FakeServer(http, endpoint(http, lambda r: client_assertion(r, "HS256", other, client_id="c")))
    with pytest.raises(InvalidGrantRequest, match="invalid_client"):
        server.get(grant(client_auth=("c", SECRET), client_auth_method="client_secret_jwt"))


def test_client_secret_post(http: ModuleType, backend: str) -> None:
    def check(request: TokenRequest) -> None:
        assert "authorization" not in request.headers and "client_assertion" not in request.form
        assert (request.form["client_id"], request.form["client_secret"]) == ("c", "s3cret")

    server = FakeServer(http, endpoint(http, check))
    assert server.get(grant(client_auth=("c", "s3cret"), client_auth_method="client_secret_post")).status_code == 200
    assert len(server.token_requests) == 1


def test_client_secret_basic(http: ModuleType, backend: str) -> None:
    def check(request: TokenRequest) -> None:
        assert request.headers["authorization"] == "Basic " + base64.b64encode(b"c:s3cret").decode()
        assert not {"client_id", "client_secret", "client_assertion"} & set(request.form)

    server = FakeServer(http, endpoint(http, check))
    assert server.get(grant(client_auth=("c", "s3cret"))).status_code == 200
    assert len(server.token_requests) == 1


def test_without_client_authentication_by_default(http: ModuleType, backend: str) -> None:
    def check(request: TokenRequest) -> None:
        assert "authorization" not in request.headers
        assert not {"client_id", "client_secret", "client_assertion", "client_assertion_type"} & set(request.form)

    server = FakeServer(http, endpoint(http, check))
    assert server.get(grant()).status_code == 200
    assert len(server.token_requests) == 1


def test_a_ready_assertion_with_private_key_jwt(http: ModuleType, backend: str) -> None:
    server = FakeServer(http)
    auth = OAuth2JwtBearer(
        TOKEN_URL, assertion=lambda: "ready.made.assertion", client_auth="c", client_auth_method="private_key_jwt",
        client_private_key=pem("ec"), client_signing_algorithm="ES256",
    )
    assert server.get(auth).status_code == 200
    request = server.token_requests[0]
    assert request.form["assertion"] == "ready.made.assertion"
    client_assertion(request, "ES256", None, client_id="c")


def test_the_client_key_enters_the_cache_key_and_stays_out_of_reprs() -> None:
    a = grant(client_auth="c", client_auth_method="private_key_jwt", client_private_key=pem("rsa"))
    b = private_key_jwt("ES256")
    c = grant(client_auth="c", client_auth_method="private_key_jwt", client_private_key=private_jwk("ec"),
              client_signing_algorithm="ES256")
    assert len({a.cache_key, b.cache_key, c.cache_key, grant().cache_key}) == 4
    for auth in (a, b, c):
        shown = repr(auth) + repr(auth.token_endpoint.authentication) + str(auth.cache_key)
        assert "PRIVATE" not in shown and private_jwk("ec")["d"] not in shown
    assert "ck-1" in repr(b.token_endpoint.authentication)  # what it shows: the key id, not the key


@pytest.mark.parametrize(
    ("options", "shown"),
    [
        ({}, "client_auth=None, scope"),
        ({"client_auth": ("c", SECRET)}, "client_auth=<hidden>, client_auth_method='client_secret_basic', scope"),
        ({"client_auth": ("c", SECRET), "client_auth_method": "client_secret_jwt"}, "client_auth_method='client_secret_jwt'"),
        ({"client_auth": "c", "client_auth_method": "private_key_jwt", "client_private_key": pem("ec"),
          "client_signing_algorithm": "ES256"}, "client_auth=<hidden>, client_auth_method='private_key_jwt', scope"),
    ],
)
def test_the_repr_shows_the_client_authentication_method(backend: str, options: dict[str, Any], shown: str) -> None:
    """As the password grant shows its client authentication (``<hidden>`` or ``None``),
    with the method besides; never the secret, the client id or the key."""
    text = repr(grant(**options))
    assert shown in text
    assert SECRET not in text and "'c'" not in text and "PRIVATE" not in text
    ready = repr(OAuth2JwtBearer(TOKEN_URL, assertion=lambda: "a.b.c", client_auth=("c", SECRET), client_auth_method="client_secret_post"))
    assert "assertion=<hidden>, client_auth=<hidden>, client_auth_method='client_secret_post'" in ready


def test_the_repr_of_an_httpx_auth_as_client_auth_names_no_method(backend: str) -> None:
    import httpx

    text = repr(grant(client_auth=httpx.BasicAuth("c", SECRET)))
    assert "client_auth=<hidden>, scope" in text and SECRET not in text


KEY = pem("ec")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"client_private_key": KEY}, "^client_private_key need client_auth"),
        ({"client_assertion_audience": "a", "client_key_id": "k"}, "^client_assertion_audience, client_key_id need client_auth"),
        ({"client_auth": "c", "client_auth_method": "private_key_jwt"}, "needs a client_private_key"),
        ({"client_auth": ("c", "s"), "client_auth_method": "private_key_jwt", "client_private_key": KEY},
         "signs with client_private_key: give no client secret"),
        ({"client_auth": ("c", "s"), "client_key_id": "k"}, "^client_private_key and client_key_id are used with"),
        ({"client_auth": ("c", SECRET), "client_auth_method": "client_secret_jwt", "client_private_key": KEY},
         "^client_private_key and client_key_id are used with .*'private_key_jwt' only, not 'client_secret_jwt'"),
        ({"client_auth": ("c", "s"), "client_signing_algorithm": "HS256"},
         "^client_signing_algorithm and client_assertion_audience are used with JWT client assertions only"),
        ({"client_auth": "c", "client_auth_method": "private_key_jwt", "client_private_key": "junk"},
         "^client_private_key is not a PEM"),
        ({"client_auth": "c", "client_auth_method": "private_key_jwt", "client_private_key": {"kty": "EC"}},
         "^client_private_key is a JWK without its private part"),
        ({"client_auth": "c", "client_auth_method": "private_key_jwt", "client_private_key": KEY},
         "^client_private_key is not an RSA key, which RS256 needs"),
        ({"client_auth": "c", "client_auth_method": "private_key_jwt", "client_private_key": pem("rsa"),
          "client_signing_algorithm": "EdDSA"}, "^client_private_key is not an Ed25519 or Ed448 key"),
        ({"client_auth": "c", "client_auth_method": "private_key_jwt", "client_private_key": KEY,
          "client_signing_algorithm": "HS256"}, "^client_signing_algorithm must be one of RS256, PS256, ES256, EdDSA"),
        ({"client_auth": ("c", SECRET), "client_auth_method": "client_secret_jwt", "client_signing_algorithm": "RS256"},
         "^client_signing_algorithm must be one of HS256, not 'RS256'"),
        ({"client_auth": "c", "client_auth_method": "private_key_jwt", "client_private_key": KEY,
          "client_signing_algorithm": "ES256", "client_key_id": ""}, "^client_key_id must be a non-empty string"),
        ({"client_auth": "c", "client_auth_method": "private_key_jwt", "client_private_key": KEY,
          "client_signing_algorithm": "ES256", "client_assertion_audience": ""}, "^client_assertion_audience must not be empty"),
        ({"client_auth": ("c", SECRET), "client_auth_method": "client_secret_jwt", "client_assertion_audience": 3},
         "^client_assertion_audience must be a string"),
        ({"client_auth": "c", "client_auth_method": "private_key_jwt", "client_private_key": KEY,
          "client_signing_algorithm": "ES256", "signing_algorithm": "ES256"}, "^private_key is not an EC P-256 key"),
        ({"key_id": ""}, "^key_id must be a non-empty string"),
        ({"signing_algorithm": "HS256"}, "^signing_algorithm must be one of"),
    ],
)
def test_errors_name_the_parameter_given(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(InvalidParameter, match=match) as error:
        grant(**kwargs)
    assert "PRIVATE" not in str(error.value) and SECRET not in str(error.value)


def test_the_other_grants_keep_their_names() -> None:
    from httpx_auth import OAuth2ClientCredentials

    with pytest.raises(InvalidParameter, match="^private_key is not a PEM"):
        OAuth2ClientCredentials(TOKEN_URL, "c", client_auth_method="private_key_jwt", private_key="junk")
    with pytest.raises(InvalidParameter, match="^signing_algorithm must be one of HS256"):
        OAuth2ClientCredentials(TOKEN_URL, "c", SECRET, client_auth_method="client_secret_jwt", signing_algorithm="ES256")
