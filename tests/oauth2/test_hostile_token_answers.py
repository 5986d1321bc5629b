"""Hostile token answers and token cache files: library errors only, never bare Python
errors, the two backends agreeing, and an expired token never cached as valid."""

from __future__ import annotations

import base64
import json
import logging
import os
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from httpx_auth import (
    InvalidParameter,
    InvalidToken,
    InvalidTokenResponse,
    JsonTokenFileCache,
    OAuth2,
    OAuth2ClientCredentials,
)
from httpx_auth._oauth2 import Token, token_from_fields, token_from_response
from oauth2_fakes import TOKEN_URL, FakeServer, fresh_token_cache, jwt, raw_answer  # noqa: F401

DEEP = "[" * 100_000
HUGE = "9" * 400


def raw_jwt(claims: str) -> str:
    """A JWT whose body is ``claims`` as they are (not necessarily valid JSON)."""
    return "e30." + base64.urlsafe_b64encode(claims.encode()).rstrip(b"=").decode() + ".sig"


def answer(http: ModuleType, body: str) -> Any:
    return http.Response(200, content=body.encode(), headers={"content-type": "application/json"})


@pytest.mark.parametrize(
    "body",
    [
        '{"access_token": "a", "expires_in": %s}' % HUGE,
        '{"access_token": "a", "expires_in": -%s}' % HUGE,
        '{"access_token": "a", "expires_in": 1e400}',
        '{"access_token": "a", "expires_in": NaN}',
        '{"access_token": "a", "expires_in": "NaN"}',
        '{"access_token": "a", "expires_in": "%s"}' % HUGE,
        '{"access_token": "a", "x": %s}' % DEEP,
        DEEP,
        '{"error": %s%s}' % ("[" * 900, "]" * 900),  # its text would be a 900-level repr
    ],
)
def test_hostile_answers_raise_invalid_token_response(http: ModuleType, body: str) -> None:
    with pytest.raises(InvalidTokenResponse) as error:
        token_from_response(answer(http, body))
    assert HUGE not in str(error.value)


@pytest.mark.parametrize(
    "claims",
    [
        '{"exp": %s}' % HUGE,
        '{"exp": 1e400}',
        '{"exp": -1e400}',
        '{"exp": 5, "x": %s}' % DEEP,
        '{"exp": 5, "x": %s%s}' % ("[" * 200, "]" * 200),
        DEEP,
    ],
)
def test_hostile_jwts_raise_invalid_token(backend: str, claims: str) -> None:
    with pytest.raises(InvalidToken):
        token_from_fields({"id_token": raw_jwt(claims)}, "id_token", expiry_from_token=True)
    # As an access token it is an opaque token (never expires), not an error.
    assert token_from_fields({"access_token": raw_jwt(claims)}).expiry is None


@pytest.mark.parametrize(
    "claims",
    [
        '{"exp": %s}' % HUGE,
        '{"exp": 1e400}',
        '{"exp": 5, "x": %s}' % DEEP,
        '{"exp": 5, "x": %s%s}' % ("[" * 127, "]" * 127),
        '{"exp": 5, "x": %s%s}' % ("[" * 126, "]" * 126),
        '{"exp": 5, "x": "[[[[\\"[[[", "y": %s%s}' % ("[" * 126, "]" * 126),
        '{"exp": 1.7976931348623157e308}',
        '{"exp": 1.8e308}',
        '{"exp": %s}' % ("9" * 308),
        '{"exp": %s}' % ("9" * 309),
    ],
)
def test_backends_agree_on_hostile_jwts(core: Any, claims: str) -> None:
    from backends import BACKENDS

    def outcome(module: Any) -> Any:
        try:
            return module.jwt_exp(raw_jwt(claims))
        except ValueError as error:
            return str(error)

    assert outcome(core) == outcome(BACKENDS["python"])


def test_an_error_description_that_is_not_text_is_dropped(http: ModuleType) -> None:
    from httpx_auth import InvalidGrantRequest

    body = '{"error": "invalid_client", "error_description": %s%s}' % ("[" * 900, "]" * 900)
    with pytest.raises(InvalidGrantRequest) as error:
        token_from_response(answer(http, body))
    assert error.value.error == "invalid_client" and "[[" not in str(error.value)


def test_an_expired_jwt_without_expires_in_is_not_cached_as_valid(
    backend: str, http: ModuleType, caplog: pytest.LogCaptureFixture
) -> None:
    import time

    expired = jwt({"exp": time.time() - 60})
    server = FakeServer(http, lambda n, _: http.Response(200, json={"access_token": expired if n == 1 else f"token-{n}"}))
    auth = OAuth2ClientCredentials(TOKEN_URL, "id", "secret")
    with caplog.at_level(logging.WARNING, logger="httpx_auth"):
        server.get(auth)
    assert "already expired" in caplog.text
    assert expired not in caplog.text
    assert server.get(auth).json()["authorization"] == "Bearer token-2"  # a new token was asked for
    assert server.get(auth).json()["authorization"] == "Bearer token-2"
    assert len(server.token_requests) == 2


def entry(access_token: Any = "t", expiry: Any = None, **extra: Any) -> dict[str, Any]:
    return {"access_token": access_token, "expiry": expiry, "refresh_token": None, **extra}


@pytest.mark.parametrize(
    "content",
    [
        '{"k": {"access_token": "t", "expiry": %s, "refresh_token": null}}' % HUGE,
        '{"k": {"access_token": "t", "expiry": null, "refresh_token": null, "lifetime": %s}}' % HUGE,
        '{"k": %s}' % DEEP,
        DEEP,
    ],
)
def test_corrupt_cache_files_are_treated_as_empty(tmp_path: Path, content: str, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "tokens.json"
    path.write_text(content)
    with caplog.at_level(logging.WARNING, logger="httpx_auth"):
        cache = JsonTokenFileCache(path)
    assert cache.lookup("k") is None
    assert "treated as empty" in caplog.text or "malformed entry" in caplog.text


@pytest.mark.parametrize("token", ["t\r\nX-Injected: 1", "t\n", " t", "t\x00", "t\x7f"])
def test_tokens_from_the_file_that_would_break_a_header_are_ignored(
    tmp_path: Path, http: ModuleType, token: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "tokens.json"
    auth = OAuth2ClientCredentials(TOKEN_URL, "id", "secret")
    path.write_text(json.dumps({auth.cache_key: entry(token)}))
    OAuth2.token_cache = JsonTokenFileCache(path)
    server = FakeServer(http)
    assert server.get(auth).json()["authorization"] == "Bearer token-1"
    assert "X-Injected" not in caplog.text


def test_a_lock_path_that_is_a_symlink_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "created-by-us"
    (tmp_path / "tokens.json.lock").symlink_to(target)
    with pytest.raises(InvalidParameter, match="symbolic link"):
        JsonTokenFileCache(tmp_path / "tokens.json")
    assert not target.exists()


def test_a_symlink_planted_after_construction_is_not_followed(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cache = JsonTokenFileCache(tmp_path / "tokens.json")
    target = tmp_path / "created-by-us"
    os.symlink(target, tmp_path / "tokens.json.lock")
    with caplog.at_level(logging.WARNING, logger="httpx_auth"):
        cache.store("k", Token("t"))
    assert not target.exists()
    assert cache.lookup("k") == Token("t")  # kept in memory
    assert "Could not write" in caplog.text

