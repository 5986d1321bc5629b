"""``from_issuer``: endpoints from the issuer's discovery document (OpenID Connect
Discovery, RFC 8414), read through the caller's client at the first request, checked,
cached per issuer."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
import trio

from httpx_auth import (
    HeaderApiKey,
    InvalidDiscoveryDocument,
    InvalidParameter,
    OAuth2,
    OAuth2AuthorizationCodePKCE,
    OAuth2ClientCredentials,
    OAuth2DeviceCode,
    OAuth2Implicit,
    OAuth2ResourceOwnerPasswordCredentials,
    OktaClientCredentials,
)
from httpx_auth._oauth2 import discovery
from httpx_auth._oauth2.discovery import DiscoveredGrant, document_urls
from oauth2_fakes import API_URL, FakeServer, TokenRequest, fresh_token_cache  # noqa: F401

ISSUER = "https://as.example.com"
OIDC_URL = ISSUER + "/.well-known/openid-configuration"
TOKEN_ENDPOINT = "https://as.example.com/oauth/token"


@pytest.fixture(autouse=True)
def no_documents() -> Iterator[None]:
    discovery.forget_documents()
    yield
    discovery.forget_documents()


def oidc_document(issuer: str = ISSUER, **changes: Any) -> dict[str, Any]:
    document = {
        "issuer": issuer,
        "authorization_endpoint": issuer + "/authorize",
        "token_endpoint": TOKEN_ENDPOINT,
        "device_authorization_endpoint": issuer + "/device",
        "revocation_endpoint": issuer + "/revoke",
        "jwks_uri": issuer + "/jwks",
    }
    document.update(changes)
    return {name: value for name, value in document.items() if value is not None}


class DiscoveryServer(FakeServer):
    """Serves ``documents`` (URL -> JSON body, or a Response) and tokens elsewhere."""

    def __init__(self, http: ModuleType, documents: dict[str, Any] | None = None) -> None:
        super().__init__(http, self.answer_for)
        self.documents = {OIDC_URL: oidc_document()} if documents is None else documents
        self.document_requests: list[TokenRequest] = []

    def answer_for(self, n: int, sent: TokenRequest) -> Any:
        if "/.well-known/" in sent.url:
            self.document_requests.append(sent)
            document = self.documents.get(sent.url)
            if document is None:
                return self.http.Response(404, text="not found")
            return document if isinstance(document, self.http.Response) else self.http.Response(200, json=document)
        return self.http.Response(200, json={"access_token": f"token-{n}", "refresh_token": "r", "expires_in": 3600})


def client_credentials(**kwargs: Any) -> Any:
    return OAuth2ClientCredentials.from_issuer(ISSUER, client_id="cid", client_secret="cs", **kwargs)


def test_endpoints_come_from_the_document_read_once(http: ModuleType) -> None:
    server = DiscoveryServer(http)
    auth = client_credentials()
    assert isinstance(auth, DiscoveredGrant) and auth.grant is None
    with http.Client(transport=server.transport()) as client:
        assert client.get(API_URL, auth=auth).json()["authorization"] == "Bearer token-2"
        assert client.get(API_URL, auth=auth).json()["authorization"] == "Bearer token-2"
    (document_request,) = server.document_requests
    assert document_request.url == OIDC_URL and document_request.headers["accept"] == "application/json"
    assert server.token_requests[1].url == TOKEN_ENDPOINT
    grant = auth.grant
    assert isinstance(grant, OAuth2ClientCredentials)
    assert (grant.token_url, grant.revocation_url, grant.issuer, grant.jwks_uri) == (
        TOKEN_ENDPOINT,
        ISSUER + "/revoke",
        ISSUER,
        ISSUER + "/jwks",
    )


def test_the_document_is_cached_per_issuer(http: ModuleType) -> None:
    server = DiscoveryServer(http)
    server.get(client_credentials())
    server.get(OAuth2ResourceOwnerPasswordCredentials.from_issuer(ISSUER, username="u", password="p"))
    assert len(server.document_requests) == 1


async def test_asyncio(http: ModuleType) -> None:
    server = DiscoveryServer(http)
    auth = client_credentials()
    assert (await server.aget(auth)).json()["authorization"] == "Bearer token-2"
    assert (await server.aget(auth)).json()["authorization"] == "Bearer token-2"
    assert len(server.document_requests) == 1


def test_trio(http: ModuleType) -> None:
    server = DiscoveryServer(http)
    auth = client_credentials()

    async def main() -> str:
        async with http.AsyncClient(transport=server.async_transport()) as client:
            return str((await client.get(API_URL, auth=auth)).json()["authorization"])

    assert trio.run(main) == "Bearer token-2"


def test_through_the_grants_client(http: ModuleType) -> None:
    server = DiscoveryServer(http)

    def broken(request: Any) -> Any:
        if request.url.host == "as.example.com":
            return http.Response(500)
        return http.Response(200, json={"authorization": request.headers["authorization"]})

    with http.Client(transport=server.transport()) as token_client, http.Client(transport=http.MockTransport(broken)) as client:
        auth = client_credentials(client=token_client)
        assert client.get(API_URL, auth=auth).json()["authorization"] == "Bearer token-2"
    assert len(server.document_requests) == 1


def test_combined(http: ModuleType) -> None:
    server = DiscoveryServer(http)
    auth = client_credentials() + HeaderApiKey("k", header_name="X-Key")
    for _ in range(2):
        assert server.get(auth).json()["headers"]["x-key"] == "k"
    assert server.api_requests[-1].headers["authorization"] == "Bearer token-2"


def test_the_issuer_must_match(http: ModuleType) -> None:
    server = DiscoveryServer(http, {OIDC_URL: oidc_document(issuer="https://evil.example.com")})
    with pytest.raises(InvalidDiscoveryDocument) as caught:
        server.get(client_credentials())
    assert "https://evil.example.com" in str(caught.value) and caught.value.issuer == ISSUER
    assert len(server.token_requests) == 1  # only the document


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (oidc_document(token_endpoint=None), "lacks token_endpoint"),
        (oidc_document(token_endpoint="/relative"), "token_endpoint"),
        (["not", "an", "object"], "JSON list"),
    ],
)
def test_unusable_documents(http: ModuleType, document: Any, message: str) -> None:
    server = DiscoveryServer(http, {OIDC_URL: document})
    with pytest.raises(InvalidDiscoveryDocument, match=message):
        server.get(client_credentials())


def test_json_without_issuer_is_no_document(http: ModuleType) -> None:
    server = DiscoveryServer(http, {OIDC_URL: {"token_endpoint": TOKEN_ENDPOINT}})
    with pytest.raises(InvalidDiscoveryDocument, match="no discovery document"):
        server.get(client_credentials())


def test_not_json(http: ModuleType) -> None:
    server = DiscoveryServer(http, {OIDC_URL: http.Response(200, text="<html>")})
    with pytest.raises(InvalidDiscoveryDocument, match="not JSON"):
        server.get(client_credentials())


def test_no_document_at_all(http: ModuleType) -> None:
    server = DiscoveryServer(http, {})
    with pytest.raises(InvalidDiscoveryDocument, match="no discovery document"):
        server.get(client_credentials())
    assert [r.url for r in server.document_requests] == document_urls(ISSUER)


def test_document_urls() -> None:
    assert document_urls("https://as.example.com") == [
        "https://as.example.com/.well-known/openid-configuration",
        "https://as.example.com/.well-known/oauth-authorization-server",
    ]
    assert document_urls("https://as.example.com/tenant/") == [
        "https://as.example.com/tenant/.well-known/openid-configuration",
        "https://as.example.com/.well-known/oauth-authorization-server/tenant",
        "https://as.example.com/tenant/.well-known/oauth-authorization-server",
    ]


def test_rfc8414_documents_complete_the_oidc_one(http: ModuleType) -> None:
    issuer = "https://as.example.com/tenant"
    documents = {
        issuer + "/.well-known/openid-configuration": oidc_document(issuer, revocation_endpoint=None),
        issuer + "/.well-known/oauth-authorization-server": oidc_document(
            issuer, token_endpoint="https://ignored.example.com/token", revocation_endpoint=issuer + "/revoke"
        ),
    }
    server = DiscoveryServer(http, documents)
    auth = OAuth2ClientCredentials.from_issuer(issuer, client_id="cid", client_secret="cs")
    server.get(auth)
    assert [r.url.rsplit("/.well-known", 1)[0] for r in server.document_requests] == [issuer, ISSUER, issuer]
    assert auth.grant.token_url == TOKEN_ENDPOINT  # the first document wins
    assert auth.grant.revocation_url == issuer + "/revoke"


def test_rfc8414_only_server(http: ModuleType) -> None:
    server = DiscoveryServer(http, {ISSUER + "/.well-known/oauth-authorization-server": oidc_document()})
    assert server.get(client_credentials()).json()["authorization"] == "Bearer token-3"


def test_given_endpoints_win(http: ModuleType) -> None:
    server = DiscoveryServer(http)
    auth = OAuth2ClientCredentials.from_issuer(ISSUER, token_url="https://as.example.com/mine", client_id="cid", client_secret="cs")
    server.get(auth)
    assert server.token_requests[-1].url == "https://as.example.com/mine"


def test_every_generic_grant() -> None:
    def build(grant_class: type, **kwargs: Any) -> Any:
        auth = grant_class.from_issuer(ISSUER, **kwargs)  # type: ignore[attr-defined]
        return auth._built(oidc_document())

    assert build(OAuth2AuthorizationCodePKCE).authorization_url.startswith(ISSUER + "/authorize")
    assert build(OAuth2Implicit).authorization_url.startswith(ISSUER + "/authorize")
    device = build(OAuth2DeviceCode, client_id="cid")
    assert (device.device_authorization_url, device.token_url) == (ISSUER + "/device", TOKEN_ENDPOINT)
    assert device.revocation_url == ISSUER + "/revoke"
    given = OAuth2DeviceCode.from_issuer(ISSUER, client_id="cid", revocation_url="https://as.example.com/r2")
    assert given._built(oidc_document()).revocation_url == "https://as.example.com/r2"


def test_revoke_discovers_first(http: ModuleType) -> None:
    server = DiscoveryServer(http)
    auth = client_credentials()
    with http.Client(transport=server.transport()) as client:
        client.get(API_URL, auth=auth)
        discovery.forget_documents()
        fresh = client_credentials()  # same configuration, not discovered yet
        fresh.revoke(client)
    assert OAuth2.token_cache.stored(auth.grant.cache_key) is None
    assert [r.url for r in server.token_requests[-2:]] == [ISSUER + "/revoke"] * 2


async def test_arevoke_discovers_first(http: ModuleType) -> None:
    server = DiscoveryServer(http)
    auth = client_credentials()
    async with http.AsyncClient(transport=server.async_transport()) as client:
        await auth.arevoke(client)  # nothing cached: only the discovery
        assert auth.grant is not None and len(server.document_requests) == 1


def test_bad_arguments_fail_at_once() -> None:
    with pytest.raises(InvalidParameter, match="client_id"):
        OAuth2ClientCredentials.from_issuer(ISSUER, client_id="", client_secret="cs")
    with pytest.raises(InvalidParameter, match="issuer"):
        OAuth2ClientCredentials.from_issuer("as.example.com", client_id="cid", client_secret="cs")
    with pytest.raises(InvalidParameter, match="generic grants"):
        OktaClientCredentials.from_issuer(ISSUER, client_id="cid", client_secret="cs", scope="x")


def test_repr() -> None:
    assert repr(client_credentials()) == "OAuth2ClientCredentials.from_issuer('https://as.example.com')"
