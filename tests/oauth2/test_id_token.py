"""ID token checks: nonce, iss, aud/azp, exp, and the signature against the issuer's JWKS."""

from __future__ import annotations

import json
import time
from collections.abc import Generator, Iterator
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from httpx_auth import InvalidToken
from httpx_auth._oauth2 import id_token
from oauth2_fakes import jwt as unsigned_jwt

ISSUER = "https://as.example.com"
JWKS_URI = ISSUER + "/jwks"
NOW = 1_700_000_000.0
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())


@pytest.fixture(autouse=True)
def no_key_sets() -> Iterator[None]:
    id_token.forget_key_sets()
    yield
    id_token.forget_key_sets()


def claims(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"iss": ISSUER, "aud": "cid", "sub": "alice", "exp": NOW + 300, "iat": NOW, "nonce": "n-1"}
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def check(token: str, **expected: Any) -> dict[str, Any]:
    arguments = {"nonce": "n-1", "issuer": ISSUER, "client_id": "cid", "now": NOW, **expected}
    return id_token.check_claims(token, **arguments)


def test_good_claims() -> None:
    assert check(unsigned_jwt(claims()))["sub"] == "alice"
    assert check(unsigned_jwt(claims(aud=["cid", "other"], azp="cid")))["sub"] == "alice"
    assert check(unsigned_jwt(claims(exp=NOW - 30)))  # within the leeway


@pytest.mark.parametrize(
    ("changes", "expected", "message"),
    [
        ({"nonce": "n-2"}, {}, "nonce is not the one sent"),
        ({"nonce": None}, {}, "nonce is not the one sent"),
        ({"nonce": 3}, {}, "nonce is not the one sent"),
        ({"iss": "https://evil.example.com"}, {}, "issued by 'https://evil.example.com', not by"),
        ({"aud": "other"}, {}, "audience"),
        ({"aud": ["a", "b"]}, {}, "audience"),
        ({"aud": None}, {}, "audience"),
        ({"aud": ["cid", "other"], "azp": "other"}, {}, "azp"),
        ({"exp": NOW - 120}, {}, "expired"),
        ({"exp": None}, {}, "no valid exp"),
        ({"exp": "soon"}, {}, "no valid exp"),
        ({"exp": True}, {}, "no valid exp"),
    ],
)
def test_bad_claims(changes: dict[str, Any], expected: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidToken, match=message) as caught:
        check(unsigned_jwt(claims(**changes)), **expected)
    assert "n-1" not in str(caught.value)


def test_unknown_expectations_are_not_checked() -> None:
    token = unsigned_jwt(claims(iss="anyone", aud="anyone", nonce=None))
    assert check(token, nonce=None, issuer=None, client_id=None)["iss"] == "anyone"


@pytest.mark.parametrize("token", ["abc", "a.b", "a.!!!.c", f"a.{unsigned_jwt(claims()).split('.')[0]}x.c"])
def test_not_a_jwt(token: str) -> None:
    with pytest.raises(InvalidToken):
        check(token)


def test_payload_not_an_object() -> None:
    import base64

    body = base64.urlsafe_b64encode(b"[1]").rstrip(b"=").decode()
    with pytest.raises(InvalidToken, match="not a JSON object"):
        check(f"e30.{body}.sig")


def test_asks_for_id_token() -> None:
    assert id_token.asks_for_id_token("id_token") and id_token.asks_for_id_token("code id_token token")
    assert not id_token.asks_for_id_token("token") and not id_token.asks_for_id_token("code")


def test_nonces_are_fresh() -> None:
    nonces = {id_token.new_nonce() for _ in range(100)}
    assert len(nonces) == 100 and all(len(n) >= 40 for n in nonces)


def test_crypto_is_available_here() -> None:
    assert id_token.can_verify_signatures()


# -- signatures -------------------------------------------------------------------------


def jwk(key: Any, kid: str, **extra: Any) -> dict[str, Any]:
    algorithm = jwt.algorithms.RSAAlgorithm if isinstance(key, rsa.RSAPrivateKey) else jwt.algorithms.ECAlgorithm
    return {**algorithm.to_jwk(key.public_key(), as_dict=True), "kid": kid, **extra}


class Response:
    def __init__(self, status_code: int, body: Any) -> None:
        self.status_code = status_code
        self.content = body if isinstance(body, bytes) else json.dumps(body).encode()


class KeyServer:
    """``fetch`` for ``verify_signature``: answers with ``key_sets`` in turn."""

    def __init__(self, *key_sets: Any) -> None:
        self.key_sets = list(key_sets)
        self.fetched: list[str] = []

    def fetch(self, url: str) -> Generator[Any, Any, Any]:
        self.fetched.append(url)
        answer = self.key_sets.pop(0) if len(self.key_sets) > 1 else self.key_sets[0]
        return answer if isinstance(answer, Response) else Response(200, answer)
        yield  # pragma: no cover


def run(steps: Generator[Any, Any, Any]) -> Any:
    try:
        next(steps)
    except StopIteration as done:
        return done.value
    raise AssertionError("verify_signature yielded")


def signed(key: Any = RSA_KEY, kid: str = "k1", algorithm: str = "RS256", **changes: Any) -> str:
    return jwt.encode(claims(**changes), key, algorithm=algorithm, headers={"kid": kid})


def test_good_signature_and_key_set_cached() -> None:
    keys = KeyServer({"keys": [jwk(OTHER_KEY, "k0"), jwk(RSA_KEY, "k1")]})
    run(id_token.verify_signature(signed(), JWKS_URI, keys.fetch))
    run(id_token.verify_signature(signed(), JWKS_URI, keys.fetch))
    assert keys.fetched == [JWKS_URI]


def test_ec_keys() -> None:
    keys = KeyServer({"keys": [jwk(EC_KEY, "e1")]})
    run(id_token.verify_signature(signed(EC_KEY, "e1", "ES256"), JWKS_URI, keys.fetch))


def test_rotated_keys_are_read_again_once() -> None:
    keys = KeyServer({"keys": [jwk(OTHER_KEY, "k0")]}, {"keys": [jwk(RSA_KEY, "k1")]})
    run(id_token.verify_signature(signed(OTHER_KEY, "k0"), JWKS_URI, keys.fetch))
    run(id_token.verify_signature(signed(RSA_KEY, "k1"), JWKS_URI, keys.fetch))
    assert keys.fetched == [JWKS_URI, JWKS_URI]


def test_wrong_signature() -> None:
    keys = KeyServer({"keys": [jwk(OTHER_KEY, "k1")]})
    with pytest.raises(InvalidToken, match="signature does not match"):
        run(id_token.verify_signature(signed(RSA_KEY, "k1"), JWKS_URI, keys.fetch))


def test_tampered_claims() -> None:
    header, _, signature = signed().split(".")
    forged = unsigned_jwt(claims(sub="mallory")).split(".")[1]
    keys = KeyServer({"keys": [jwk(RSA_KEY, "k1")]})
    with pytest.raises(InvalidToken, match="signature does not match"):
        run(id_token.verify_signature(f"{header}.{forged}.{signature}", JWKS_URI, keys.fetch))


def test_no_matching_key() -> None:
    keys = KeyServer({"keys": [jwk(RSA_KEY, "k9")]})
    with pytest.raises(InvalidToken, match="kid"):
        run(id_token.verify_signature(signed(), JWKS_URI, keys.fetch))
    assert len(keys.fetched) == 1


@pytest.mark.parametrize("algorithm", ["none", "HS256", None])
def test_algorithms_without_issuer_keys_are_refused(algorithm: str | None) -> None:
    token = unsigned_jwt(claims())
    if algorithm != "none":
        import base64

        header = base64.urlsafe_b64encode(json.dumps({"alg": algorithm}).encode()).rstrip(b"=").decode()
        token = f"{header}.{token.split('.', 1)[1]}"
    with pytest.raises(InvalidToken, match="signature algorithm"):
        run(id_token.verify_signature(token, JWKS_URI, KeyServer({"keys": []}).fetch))


@pytest.mark.parametrize("answer", [Response(500, b"oops"), Response(200, b"not json"), Response(200, [1])])
def test_unreadable_key_set(answer: Response) -> None:
    with pytest.raises(InvalidToken, match="key set"):
        run(id_token.verify_signature(signed(), JWKS_URI, KeyServer(answer).fetch))


def test_key_without_kid_when_alone() -> None:
    key = jwk(RSA_KEY, "x")
    del key["kid"]
    token = jwt.encode(claims(), RSA_KEY, algorithm="RS256")
    run(id_token.verify_signature(token, JWKS_URI, KeyServer({"keys": [key]}).fetch))


def test_real_clock_is_used_by_default() -> None:
    token = unsigned_jwt(claims(exp=time.time() + 60))
    assert id_token.check_claims(token, nonce="n-1", issuer=ISSUER, client_id="cid")["sub"] == "alice"


# -- the check of an authorization reply -----------------------------------------------


class FakeGrant:
    """What ``check_reply`` reads from a grant."""

    def __init__(self, response_type: str = "id_token", jwks_uri: str | None = JWKS_URI, verify: bool = True) -> None:
        self.response_type = response_type
        self.issuer = ISSUER
        self.jwks_uri = jwks_uri
        self.verify_id_token = verify
        self.client = None
        self.timeout = 5.0


AUTHORIZATION_URL = "https://as.example.com/authorize?client_id=cid&response_type=id_token&nonce=n-1&state=s"


def reply_steps(grant: FakeGrant, fields: dict[str, str], answer: Any = None) -> list[Any]:
    """Run ``check_reply``; the JWKS requests it yields get ``answer``; returns them."""
    import httpx

    yielded: list[Any] = []
    steps = id_token.check_reply(grant, fields, AUTHORIZATION_URL, httpx.Request("GET", "https://api.example.com"))
    try:
        item = next(steps)
        while True:
            yielded.append(item)
            item = steps.send(httpx.Response(200, json=answer, request=item))
    except StopIteration:
        return yielded


def test_reply_checked_and_signature_verified(monkeypatch: pytest.MonkeyPatch) -> None:
    import time_machine

    with time_machine.travel(NOW, tick=False):
        yielded = reply_steps(FakeGrant(), {"id_token": signed()}, {"keys": [jwk(RSA_KEY, "k1")]})
    (request,) = yielded
    assert str(request.url) == JWKS_URI and request.method == "GET"


def test_reply_nonce_must_be_the_one_sent() -> None:
    import time_machine

    with time_machine.travel(NOW, tick=False), pytest.raises(InvalidToken, match="nonce"):
        reply_steps(FakeGrant(), {"id_token": signed(nonce="other")}, {"keys": [jwk(RSA_KEY, "k1")]})


def test_reply_audience_is_the_client_id_sent() -> None:
    import time_machine

    with time_machine.travel(NOW, tick=False), pytest.raises(InvalidToken, match="audience"):
        reply_steps(FakeGrant(), {"id_token": signed(aud="someone-else")}, {"keys": [jwk(RSA_KEY, "k1")]})


def test_reply_signature_not_verified_without_jwks_uri_or_when_turned_off() -> None:
    import time_machine

    forged = signed(OTHER_KEY)
    with time_machine.travel(NOW, tick=False):
        assert reply_steps(FakeGrant(jwks_uri=None), {"id_token": forged}) == []
        assert reply_steps(FakeGrant(verify=False), {"id_token": forged}) == []
        with pytest.raises(InvalidToken, match="signature does not match"):
            reply_steps(FakeGrant(), {"id_token": forged}, {"keys": [jwk(RSA_KEY, "k1")]})


def test_reply_without_pyjwt_crypto_checks_claims_only(monkeypatch: pytest.MonkeyPatch) -> None:
    import time_machine

    monkeypatch.setattr(id_token, "can_verify_signatures", lambda: False)
    with time_machine.travel(NOW, tick=False):
        assert reply_steps(FakeGrant(), {"id_token": signed(OTHER_KEY)}) == []
        with pytest.raises(InvalidToken, match="nonce"):
            reply_steps(FakeGrant(), {"id_token": signed(nonce="x")})


def test_reply_without_id_token_or_not_asking_for_one() -> None:
    assert reply_steps(FakeGrant("code id_token"), {"code": "c"}) == []
    assert reply_steps(FakeGrant("token"), {"access_token": "a", "id_token": "not even a JWT"}) == []
