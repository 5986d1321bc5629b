"""The README's "one example per family" runs as written, offline: its ``httpx.Client``
answers from a scripted transport, and each request carries what the comments promise."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from oauth2_fakes import fresh_token_cache  # noqa: F401  (each run starts with no token)

README = Path(__file__).resolve().parents[2] / "README.md"


def _example() -> str:
    section = README.read_text(encoding="utf-8").split("## One example per family", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "the README lost its example"
    return match.group(1)


def _transport(seen: list[httpx.Request]) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/token":
            token_type = "DPoP" if "DPoP" in request.headers else "Bearer"
            return httpx.Response(200, json={"access_token": f"tok-{len(seen)}", "token_type": token_type, "expires_in": 3600})
        return httpx.Response(200, json={})

    return httpx.MockTransport(answer)


def test_the_example_runs_and_authenticates_each_request(backend: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    (tmp_path / "app-key.pem").write_bytes(pem)
    monkeypatch.chdir(tmp_path)
    seen: list[httpx.Request] = []
    real_client = httpx.Client

    def scripted_client(**kwargs: Any) -> httpx.Client:
        return real_client(transport=_transport(seen), **kwargs)

    monkeypatch.setattr(httpx, "Client", scripted_client)
    names: dict[str, Any] = {}
    exec(compile(_example(), str(README), "exec"), names)

    assert names["link"].startswith("https://my-bucket.s3.amazonaws.com/report.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256")
    secret_token, service_get, keyed_token, keyed_get, aws_get, combined_get = seen
    assert secret_token.headers["authorization"].startswith("Basic ")
    assert service_get.headers["authorization"] == "Bearer tok-1"

    body = parse_qs(keyed_token.content.decode())
    assert body["client_assertion_type"] == ["urn:ietf:params:oauth:client-assertion-type:jwt-bearer"]
    assert "authorization" not in keyed_token.headers and "DPoP" in keyed_token.headers
    assert keyed_get.headers["authorization"] == "DPoP tok-3" and "DPoP" in keyed_get.headers

    assert aws_get.headers["authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert combined_get.headers["authorization"].startswith("Basic ")
    assert combined_get.headers["x-api-key"] == "my-api-key"
    assert combined_get.url.params["key"] == "other-key"
