"""The grants that ask for an ID token send a fresh nonce and check the ID token that
comes back (nonce, iss, aud, exp), and its signature when the issuer's JWKS is known."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from httpx_auth import InvalidParameter, InvalidToken, OAuth2, OAuth2AuthorizationCode, OAuth2Implicit, OktaImplicitIdToken
from httpx_auth._oauth2 import discovery, id_token
from httpx_auth.testing import BrowserMock

ISSUER = "https://idp.example.com"
API_URL = "https://api.example.com/data"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
DOCUMENT = {
    "issuer": ISSUER,
    "authorization_endpoint": ISSUER + "/authorize",
    "token_endpoint": ISSUER + "/token",
    "jwks_uri": ISSUER + "/jwks",
}


@pytest.fixture(autouse=True)
def checked(browser_mock: BrowserMock, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """browser_mock takes ID tokens as they are: here the real checks run."""
    monkeypatch.setattr(id_token, "check_reply", CHECK_REPLY)
    discovery.forget_documents()
    id_token.forget_key_sets()
    yield
    discovery.forget_documents()
    id_token.forget_key_sets()


CHECK_REPLY = id_token.check_reply


def sent(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def reply_with(key: Any = KEY, **changes: Any) -> Any:
    """A reply function: an ID token for what the opened URL sent, signed with ``key``."""

    def reply(opened: str) -> str:
        query = sent(opened)
        claims = {"iss": ISSUER, "aud": query.get("client_id"), "nonce": query.get("nonce"), "exp": time.time() + 600}
        claims.update(changes)
        token = jwt.encode({k: v for k, v in claims.items() if v is not None}, key, algorithm="RS256", headers={"kid": "k1"})
        return f"http://localhost:5000/#id_token={token}&state={query['state']}"

    return reply


class Idp:
    """The issuer's discovery document and JWKS, the token endpoint, and the API."""

    def __init__(self, http: ModuleType) -> None:
        self.http = http
        self.jwks_requests = 0

    def handler(self, request: Any) -> Any:
        path = request.url.path
        if path == "/.well-known/openid-configuration":
            return self.http.Response(200, json=DOCUMENT)
        if path.startswith("/.well-known/"):
            return self.http.Response(404)
        if path == "/jwks":
            self.jwks_requests += 1
            return self.http.Response(200, json={"keys": [{**jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key(), as_dict=True), "kid": "k1"}]})
        if path == "/token":
            return self.http.Response(200, json={"access_token": "code-token"})
        return self.http.Response(200, json={"authorization": request.headers.get("authorization")})

    def get(self, auth: Any) -> Any:
        with self.http.Client(transport=self.http.MockTransport(self.handler)) as client:
            return client.get(API_URL, auth=auth)

    async def aget(self, auth: Any) -> Any:
        async with self.http.AsyncClient(transport=self.http.MockTransport(self.handler)) as client:
            return await client.get(API_URL, auth=auth)


def id_token_auth(**kwargs: Any) -> OAuth2Implicit:
    return OAuth2Implicit(ISSUER + "/authorize", response_type="id_token", client_id="cid", **kwargs)


def test_a_fresh_nonce_is_sent_and_checked(http: ModuleType, browser_mock: BrowserMock) -> None:
    tab = browser_mock.add_response(None, reply_with())
    assert Idp(http).get(id_token_auth()).json()["authorization"].startswith("Bearer ey")
    nonce = sent(tab.opened_url or "")["nonce"]
    assert len(nonce) >= 40
    browser_mock.add_response(None, reply_with())
    OAuth2.token_cache.clear()
    Idp(http).get(id_token_auth())
    assert sent(browser_mock.tabs[1].opened_url or "")["nonce"] != nonce


@pytest.mark.parametrize(
    ("changes", "message"),
    [({"nonce": "replayed"}, "nonce"), ({"aud": "another-client"}, "audience"), ({"exp": time.time() - 3600}, "expired")],
)
def test_mismatches_are_clear_errors(http: ModuleType, browser_mock: BrowserMock, changes: dict[str, Any], message: str) -> None:
    browser_mock.add_response(None, reply_with(**changes))
    with pytest.raises(InvalidToken, match=message):
        Idp(http).get(id_token_auth())


def test_given_nonce_is_the_one_checked(http: ModuleType, browser_mock: BrowserMock) -> None:
    tab = browser_mock.add_response(None, reply_with())
    Idp(http).get(id_token_auth(nonce="my-own-nonce"))
    assert sent(tab.opened_url or "")["nonce"] == "my-own-nonce"


def test_presets_check_their_generated_nonce(http: ModuleType, browser_mock: BrowserMock) -> None:
    browser_mock.add_response(None, reply_with(nonce="not-the-uuid", iss=None))
    with pytest.raises(InvalidToken, match="nonce"):
        Idp(http).get(OktaImplicitIdToken("idp.example.com", "cid"))


def test_no_check_when_no_id_token_is_asked_for(http: ModuleType, browser_mock: BrowserMock) -> None:
    tab = browser_mock.add_response(None, "http://localhost:5000/#access_token=a&expires_in=60&id_token=junk&state={state}")
    assert Idp(http).get(OAuth2Implicit(ISSUER + "/authorize", client_id="cid")).json()["authorization"] == "Bearer a"
    assert "nonce" not in sent(tab.opened_url or "")


def test_from_issuer_checks_the_issuer_and_the_signature(http: ModuleType, browser_mock: BrowserMock) -> None:
    idp = Idp(http)
    browser_mock.add_response(None, reply_with())
    auth = OAuth2Implicit.from_issuer(ISSUER, response_type="id_token", client_id="cid")
    assert idp.get(auth).status_code == 200
    assert idp.jwks_requests == 1


@pytest.mark.parametrize(("changes", "message"), [({"key": OTHER_KEY}, "signature"), ({"iss": "https://evil.example.com"}, "issued by")])
def test_from_issuer_refuses(http: ModuleType, browser_mock: BrowserMock, changes: dict[str, Any], message: str) -> None:
    browser_mock.add_response(None, reply_with(**changes))
    with pytest.raises(InvalidToken, match=message):
        Idp(http).get(OAuth2Implicit.from_issuer(ISSUER, response_type="id_token", client_id="cid"))


def test_signature_check_turned_off(http: ModuleType, browser_mock: BrowserMock) -> None:
    idp = Idp(http)
    browser_mock.add_response(None, reply_with(key=OTHER_KEY))
    auth = OAuth2Implicit.from_issuer(ISSUER, response_type="id_token", client_id="cid", verify_id_token=False)
    idp.get(auth)
    assert idp.jwks_requests == 0 and auth.grant.verify_id_token is False
    with pytest.raises(InvalidParameter, match="verify_id_token"):
        OAuth2Implicit.from_issuer(ISSUER, client_id="cid", verify_id_token="no")


def test_async_from_issuer(http: ModuleType, browser_mock: BrowserMock) -> None:
    idp = Idp(http)
    browser_mock.add_response(None, reply_with())
    auth = OAuth2Implicit.from_issuer(ISSUER, response_type="id_token", client_id="cid")
    assert asyncio.run(idp.aget(auth)).status_code == 200
    assert idp.jwks_requests == 1


def test_hybrid_code_flow_checks_the_reply(http: ModuleType, browser_mock: BrowserMock) -> None:
    def reply(opened: str) -> str:
        return reply_with(nonce="wrong")(opened).replace("#", "?code=c&")

    browser_mock.add_response(None, reply)
    auth = OAuth2AuthorizationCode(ISSUER + "/authorize", ISSUER + "/token", response_type="code id_token", client_id="cid")
    with pytest.raises(InvalidToken, match="nonce"):
        Idp(http).get(auth)

