"""The settings objects, the token header fast path, presets running their base
constructor, and the browser machinery loaded only when a browser grant needs it."""

from __future__ import annotations

import dataclasses
import functools
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import httpx_auth
from httpx_auth import InvalidParameter, OAuth2, OAuth2AuthorizationCode, OAuth2Implicit
from httpx_auth._oauth2 import ClientAuthentication, RedirectSettings, Token, TokenSettings
from httpx_auth._oauth2.token_header import TokenHeader
from oauth2_fakes import API_URL, TOKEN_URL, fresh_token_cache  # noqa: F401

PYTHON_DIR = Path(httpx_auth.__file__).resolve().parent.parent


def test_settings_are_frozen_and_checked_once_built() -> None:
    settings = TokenSettings(early_expiry=5, timeout=2)
    assert (settings.early_expiry, settings.timeout) == (5.0, 2.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.timeout = 3  # type: ignore[misc]
    with pytest.raises(InvalidParameter, match="timeout must be a positive number of seconds"):
        TokenSettings(timeout=0)
    with pytest.raises(InvalidParameter, match="header_value must contain '{token}'"):
        TokenSettings(header_value="Bearer")
    assert RedirectSettings("127.0.0.1", "/cb", 5001).uri == "http://127.0.0.1:5001/cb"
    with pytest.raises(InvalidParameter, match="redirect_uri_port must be between 1 and 65535"):
        RedirectSettings(port=70000)
    with pytest.raises(InvalidParameter, match="client_auth_method must be one of"):
        ClientAuthentication(("id", "secret"), "tls_client_auth")


def test_secrets_stay_out_of_the_settings_reprs() -> None:
    assert "s3cret" not in repr(ClientAuthentication(("id", "s3cret")))


def test_a_grant_passes_its_settings_down() -> None:
    auth = httpx_auth.OAuth2ClientCredentials(TOKEN_URL, "id", "secret", timeout=7, early_expiry=3, header_name="X-T")
    assert auth.settings == TokenSettings("X-T", "Bearer {token}", 3.0, 7.0, None, "access_token")
    assert auth.token_endpoint.settings is auth.settings
    assert auth.token_endpoint.authentication == ClientAuthentication(("id", "secret"))
    code = OAuth2AuthorizationCode("https://as.example/auth", TOKEN_URL, redirect_uri_port=5005, timeout=9)
    assert code.redirect == RedirectSettings("localhost", "", 5005, 9.0)


PRESETS = {
    httpx_auth.OktaAuthorizationCode: (OAuth2AuthorizationCode, ("dev.okta.example", "cid")),
    httpx_auth.WakaTimeAuthorizationCode: (OAuth2AuthorizationCode, ("cid", "secret", "email")),
    httpx_auth.OktaAuthorizationCodePKCE: (httpx_auth.OAuth2AuthorizationCodePKCE, ("dev.okta.example", "cid")),
    httpx_auth.OktaImplicit: (OAuth2Implicit, ("dev.okta.example", "cid")),
    httpx_auth.OktaImplicitIdToken: (OAuth2Implicit, ("dev.okta.example", "cid")),
    httpx_auth.AzureActiveDirectoryImplicit: (OAuth2Implicit, ("tenant", "cid")),
    httpx_auth.AzureActiveDirectoryImplicitIdToken: (OAuth2Implicit, ("tenant", "cid")),
    httpx_auth.OktaClientCredentials: (httpx_auth.OAuth2ClientCredentials, ("dev.okta.example", "cid", "s")),
    httpx_auth.OktaResourceOwnerPasswordCredentials: (
        httpx_auth.OAuth2ResourceOwnerPasswordCredentials, ("dev.okta.example", "u", "p", "cid", "s"),
    ),
}


@pytest.mark.parametrize("preset", list(PRESETS), ids=lambda cls: cls.__name__)
def test_a_preset_runs_its_generic_grants_constructor(preset: type, monkeypatch: pytest.MonkeyPatch) -> None:
    base, args = PRESETS[preset]
    ran: list[type] = []
    original = base.__init__

    @functools.wraps(original)  # its signature too: presets read it (parameters.forwarded)
    def spy(self: Any, *a: Any, **k: Any) -> None:
        ran.append(type(self))
        original(self, *a, **k)

    monkeypatch.setattr(base, "__init__", spy)
    kwargs = {"scope": "s"} if preset is httpx_auth.OktaClientCredentials else {}
    auth = preset(*args, **kwargs)
    assert ran == [preset] and isinstance(auth, base)


# -- the token header ------------------------------------------------------------------


def _flow(auth: Any, request: Any) -> Any:
    flow = auth.sync_auth_flow(request)
    sent = next(flow)
    with pytest.raises(StopIteration):
        flow.send(None)
    return sent


@pytest.fixture
def cached_auth(fresh_token_cache: Any) -> Any:  # noqa: F811
    auth = httpx_auth.OAuth2ClientCredentials(TOKEN_URL, "id", "secret")
    OAuth2.token_cache.store(auth.cache_key, Token("cached-token"))
    return auth


def test_the_header_is_appended_when_missing(http: ModuleType, cached_auth: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    request = http.Request("GET", API_URL, headers={"Accept": "text/plain"})
    monkeypatch.setattr(http.Headers, "__setitem__", lambda *a: pytest.fail("appended directly, not set"))
    sent = _flow(cached_auth, request)
    monkeypatch.undo()
    assert sent.headers.raw[1:] == [(b"Accept", b"text/plain"), (b"Authorization", b"Bearer cached-token")]
    assert sent.headers["authorization"] == "Bearer cached-token"


def test_a_header_already_there_is_replaced_everywhere(http: ModuleType, cached_auth: Any) -> None:
    request = http.Request("GET", API_URL, headers=[("authorization", "old"), ("X-A", "1"), ("Authorization", "older")])
    sent = _flow(cached_auth, request)
    assert sent.headers.get_list("Authorization") == ["Bearer cached-token"]
    assert [name for name, _ in sent.headers.raw] == [b"Host", b"Authorization", b"X-A"]
    _flow(cached_auth, sent)  # a retry of the same request keeps one header
    assert sent.headers.get_list("Authorization") == ["Bearer cached-token"]


def test_a_new_token_replaces_the_encoded_header(http: ModuleType, cached_auth: Any) -> None:
    assert _flow(cached_auth, http.Request("GET", API_URL)).headers["Authorization"] == "Bearer cached-token"
    OAuth2.token_cache.store(cached_auth.cache_key, Token("next-token"))
    assert _flow(cached_auth, http.Request("GET", API_URL)).headers["Authorization"] == "Bearer next-token"


def test_a_non_ascii_header_goes_through_the_public_api(http: ModuleType) -> None:
    request = http.Request("GET", API_URL)
    TokenHeader("X-Token", "T {token}").put(request, "jeton-é")
    assert request.headers["X-Token"] == "T jeton-é"


def test_other_headers_classes_use_the_public_api() -> None:
    class Request:
        headers: dict[str, str] = {}

    request = Request()
    TokenHeader("Authorization", "Bearer {token}").put(request, "t")
    assert request.headers == {"Authorization": "Bearer t"}


# -- lazy browser machinery ---------------------------------------------------------------

_PROBE = """
import json, sys
import httpx_auth
before = [m for m in WATCHED if m in sys.modules]
auth = httpx_auth.OAuth2AuthorizationCode("https://as.example/auth", "https://as.example/token")
built = [m for m in WATCHED if m in sys.modules]
from httpx_auth._oauth2.browser.grant import _wait
try:
    _wait(None)
except Exception:
    pass
print(json.dumps([before, built, [m for m in WATCHED if m in sys.modules]]))
"""
WATCHED = ["http.server", "webbrowser", "httpx_auth._oauth2.browser.redirect_server", "httpx_auth._oauth2.browser.opener"]


def test_import_and_construction_load_no_browser_machinery() -> None:
    code = f"WATCHED = {WATCHED!r}\n{_PROBE}"
    env = {"PYTHONPATH": str(PYTHON_DIR), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    before, built, after_wait = json.loads(out)
    assert before == [] and built == []
    assert after_wait == WATCHED  # the first authorization loads them
