"""Tokens that live shorter than ``early_expiry``: the renewal margin is capped at half
a token's lifetime, so a short-lived token is used for half its life instead of being
renewed for every request (sync, asyncio and trio; memory and file caches)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import time_machine
import trio

from httpx_auth import JsonTokenFileCache, OAuth2, OAuth2ClientCredentials
from httpx_auth._oauth2 import Token
from oauth2_fakes import API_URL, FakeServer, fresh_token_cache, jwt  # noqa: F401

NOW = 1_700_000_000.0


def lives(http: ModuleType, seconds: int) -> FakeServer:
    return FakeServer(http, lambda n, _: http.Response(200, json={"access_token": f"token-{n}", "expires_in": seconds}))


def seen(response: Any) -> str:
    return str(response.json()["authorization"])


# (lifetime, early_expiry, last second the first token is still used)
LIFETIMES = [
    pytest.param(10, 30, 4, id="below-early-expiry"),
    pytest.param(30, 30, 14, id="equal-to-early-expiry"),
    pytest.param(60, 30, 29, id="below-twice-early-expiry"),
    pytest.param(3600, 30, 3569, id="above-early-expiry"),
]


@pytest.mark.parametrize(("lifetime", "early_expiry", "last_use"), LIFETIMES)
def test_sync_requests_use_a_token_for_most_of_its_life(
    http: ModuleType, lifetime: int, early_expiry: int, last_use: int
) -> None:
    server = lives(http, lifetime)
    auth = OAuth2ClientCredentials("https://as.example.com/token", "id", "secret", early_expiry=early_expiry)
    with time_machine.travel(NOW, tick=False) as clock:
        assert seen(server.get(auth)) == "Bearer token-1"
        clock.shift(last_use)
        assert seen(server.get(auth)) == "Bearer token-1"
        clock.shift(1)
        assert seen(server.get(auth)) == "Bearer token-2"
    assert len(server.token_requests) == 2


@pytest.mark.parametrize(("lifetime", "early_expiry", "last_use"), LIFETIMES)
async def test_asyncio_requests_use_a_token_for_most_of_its_life(
    http: ModuleType, lifetime: int, early_expiry: int, last_use: int
) -> None:
    server = lives(http, lifetime)
    auth = OAuth2ClientCredentials("https://as.example.com/token", "id", "secret", early_expiry=early_expiry)
    with time_machine.travel(NOW, tick=False) as clock:
        assert seen(await server.aget(auth)) == "Bearer token-1"
        clock.shift(last_use)
        assert seen(await server.aget(auth)) == "Bearer token-1"
        clock.shift(1)
        assert seen(await server.aget(auth)) == "Bearer token-2"


def test_trio_requests_use_a_short_token_for_half_its_life(http: ModuleType) -> None:
    server = lives(http, 20)
    auth = OAuth2ClientCredentials("https://as.example.com/token", "id", "secret")
    results = []

    async def main() -> None:
        async with http.AsyncClient(transport=server.async_transport()) as client:
            with time_machine.travel(NOW, tick=False) as clock:
                for shift in (0, 9, 1):
                    clock.shift(shift)
                    results.append(seen(await client.get(API_URL, auth=auth)))

    trio.run(main)
    assert results == ["Bearer token-1", "Bearer token-1", "Bearer token-2"]


def test_a_short_lived_jwt_without_expires_in_is_capped_too(backend: str, http: ModuleType) -> None:
    tokens = [jwt({"exp": NOW + 20, "n": n}) for n in range(2)]
    server = FakeServer(http, lambda n, _: http.Response(200, json={"access_token": tokens[n - 1]}))
    auth = OAuth2ClientCredentials("https://as.example.com/token", "id", "secret")
    with time_machine.travel(NOW, tick=False) as clock:
        server.get(auth)
        clock.shift(9)
        assert seen(server.get(auth)) == f"Bearer {tokens[0]}"
        clock.shift(1)
        assert seen(server.get(auth)) == f"Bearer {tokens[1]}"


def test_the_cap_is_logged_once_per_token_at_debug(http: ModuleType, caplog: pytest.LogCaptureFixture) -> None:
    server = lives(http, 20)
    auth = OAuth2ClientCredentials("https://as.example.com/token", "id", "secret")
    with caplog.at_level(logging.DEBUG, logger="httpx_auth"), time_machine.travel(NOW, tick=False):
        for _ in range(3):
            server.get(auth)
    capped = [r for r in caplog.records if "early_expiry" in r.getMessage()]
    assert len(capped) == 1
    assert capped[0].levelno == logging.DEBUG
    assert "renewed 10 s before it expires" in capped[0].getMessage()
    assert "token-1" not in capped[0].getMessage()


def test_no_cap_is_logged_for_a_long_lived_token(http: ModuleType, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="httpx_auth"):
        lives(http, 3600).get(OAuth2ClientCredentials("https://as.example.com/token", "id", "secret"))
    assert not [r for r in caplog.records if "early_expiry" in r.getMessage()]


def test_margin_rule() -> None:
    assert Token("t", NOW + 20, lifetime=20).margin(30) == 10
    assert Token("t", NOW + 60, lifetime=60).margin(30) == 30
    assert Token("t", NOW + 20).margin(30) == 30  # lifetime unknown: early_expiry as given
    assert Token("t", NOW + 20, lifetime=20).margin(0) == 0
    assert Token("t", NOW + 20, lifetime=20).keeping("r").margin(30) == 10


def test_the_file_cache_keeps_the_lifetime_across_processes(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    JsonTokenFileCache(path).store("k", Token("t", NOW + 20, lifetime=20))
    assert json.loads(path.read_text())["k"]["lifetime"] == 20
    reloaded = JsonTokenFileCache(path)  # another process reading the same file
    with time_machine.travel(NOW + 9, tick=False):
        assert reloaded.lookup("k", early_expiry=30) is not None
    with time_machine.travel(NOW + 10, tick=False):
        assert reloaded.lookup("k", early_expiry=30) is None


def test_a_file_written_without_lifetimes_keeps_early_expiry_as_given(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    path.write_text(json.dumps({"k": {"access_token": "t", "expiry": NOW + 20, "refresh_token": None}}))
    with time_machine.travel(NOW, tick=False):
        assert JsonTokenFileCache(path).lookup("k", early_expiry=30) is None
        assert JsonTokenFileCache(path).lookup("k", early_expiry=10) is not None


@pytest.mark.parametrize("lifetime", ["20", True, float("inf"), [20]])
def test_a_file_entry_with_a_malformed_lifetime_is_ignored(tmp_path: Path, lifetime: Any) -> None:
    path = tmp_path / "tokens.json"
    entry = {"access_token": "t", "expiry": NOW + 20, "refresh_token": None, "lifetime": lifetime}
    path.write_text(json.dumps({"k": entry}).replace("Infinity", "1e999"))
    assert JsonTokenFileCache(path).stored("k") is None


def test_get_token_applies_the_cap_to_tokens_its_callback_returns() -> None:
    cache = OAuth2.token_cache
    calls = []

    def fetch() -> Token:
        calls.append(1)
        return Token(f"t{len(calls)}", NOW + 20, lifetime=20)

    with time_machine.travel(NOW, tick=False) as clock:
        assert cache.get_token("k", on_missing_token=fetch) == "t1"
        clock.shift(9)
        assert cache.get_token("k", on_missing_token=fetch) == "t1"
        clock.shift(1)
        assert cache.get_token("k", on_missing_token=fetch) == "t2"
