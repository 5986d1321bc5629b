"""OAuth2TokenExchange (RFC 8693): the exchange request and client authentication."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs

import pytest

from httpx_auth import InvalidParameter, OAuth2TokenExchange
from jwt_fakes import pem, verify
from oauth2_fakes import TOKEN_URL, FakeServer, fresh_token_cache  # noqa: F401

GRANT = "urn:ietf:params:oauth:grant-type:token-exchange"
JWT = "urn:ietf:params:oauth:token-type:jwt"
ACCESS = "urn:ietf:params:oauth:token-type:access_token"


def form_lists(server: FakeServer) -> list[dict[str, list[str]]]:
    return [parse_qs(request.content.decode()) for request in server.token_bodies]


class RecordingServer(FakeServer):
    """Keeps the raw bodies too (audience and resource may repeat)."""

    def __init__(self, http: ModuleType, answer: Any = None) -> None:
        super().__init__(http, answer)
        self.token_bodies: list[Any] = []

    def _token(self, request: Any) -> Any:
        self.token_bodies.append(request)
        return super()._token(request)


def test_exchange_request(http: ModuleType) -> None:
    server = RecordingServer(http)
    auth = OAuth2TokenExchange(
        TOKEN_URL, "the-subject-token", "jwt",
        actor_token="the-actor-token", actor_token_type=ACCESS,
        audience=["svc-a", "svc-b"], resource="https://api.example.com/", requested_token_type="access_token",
        scope="read", client_auth=("cid", "csecret"), client_auth_method="client_secret_post",
    )
    assert server.get(auth).json()["authorization"] == "Bearer token-1"
    (form,) = form_lists(server)
    assert form == {
        "grant_type": [GRANT],
        "subject_token": ["the-subject-token"],
        "subject_token_type": [JWT],
        "actor_token": ["the-actor-token"],
        "actor_token_type": [ACCESS],
        "audience": ["svc-a", "svc-b"],
        "resource": ["https://api.example.com/"],
        "requested_token_type": [ACCESS],
        "scope": ["read"],
        "client_id": ["cid"],
        "client_secret": ["csecret"],
    }


async def test_subject_token_file_is_read_at_each_exchange(http: ModuleType, tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("projected-1\n")
    server = RecordingServer(http, lambda n, _: http.Response(200, json={"access_token": f"t{n}", "expires_in": 0}))
    auth = OAuth2TokenExchange(TOKEN_URL, token_file.read_text, "jwt")
    await server.aget(auth)
    token_file.write_text("projected-2\n")  # rotated by the kubelet
    server.get(auth)
    assert [f["subject_token"] for f in form_lists(server)] == [["projected-1"], ["projected-2"]]


def test_private_key_jwt_client(http: ModuleType) -> None:
    server = RecordingServer(http)
    auth = OAuth2TokenExchange(
        TOKEN_URL, "st", "id_token", client_auth="cid", client_auth_method="private_key_jwt", private_key=pem("rsa")
    )
    server.get(auth)
    (form,) = form_lists(server)
    _, claims = verify(form["client_assertion"][0], "RS256", None)
    assert claims["iss"] == claims["sub"] == "cid" and claims["aud"] == TOKEN_URL


def test_subject_tokens_do_not_share_cache_entries() -> None:
    a = OAuth2TokenExchange(TOKEN_URL, "token-a", "jwt")
    b = OAuth2TokenExchange(TOKEN_URL, "token-b", "jwt")
    assert a.cache_key != b.cache_key


def test_repr_hides_tokens() -> None:
    shown = repr(OAuth2TokenExchange(TOKEN_URL, "secret-subject", "jwt", actor_token="secret-actor", actor_token_type="jwt"))
    assert "secret-subject" not in shown and "secret-actor" not in shown and JWT in shown


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"subject_token": ""}, "subject_token"),
        ({"subject_token": "a\nb"}, "line breaks"),
        ({"subject_token_type": "jwtt"}, "must be a URI"),
        ({"actor_token": "x"}, "go together"),
        ({"audience": 3}, "audience"),
        ({"requested_token_type": ""}, "requested_token_type"),
    ],
)
def test_invalid_parameters(kwargs: dict[str, Any], match: str) -> None:
    arguments = {"token_url": TOKEN_URL, "subject_token": "st", "subject_token_type": "jwt", **kwargs}
    with pytest.raises(InvalidParameter, match=match):
        OAuth2TokenExchange(**arguments)
