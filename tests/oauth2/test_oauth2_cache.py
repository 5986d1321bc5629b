"""The API common to TokenMemoryCache and JsonTokenFileCache: lookups and early expiry,
pruning, get_token with its single flight, custom caches, reprs."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from types import ModuleType

import pytest
import time_machine

from httpx_auth import (
    AuthenticationFailed,
    JsonTokenFileCache,
    OAuth2,
    OAuth2ClientCredentials,
    TokenMemoryCache,
)
from httpx_auth._oauth2 import Token
from oauth2_fakes import TOKEN_URL, FakeServer, fresh_token_cache  # noqa: F401

NOW = 1_700_000_000.0

CACHES = ["memory", "file"]


@pytest.fixture(params=CACHES)
def cache(request: pytest.FixtureRequest, tmp_path: Path) -> TokenMemoryCache:
    return TokenMemoryCache() if request.param == "memory" else JsonTokenFileCache(tmp_path / "tokens.json")




# -- the API common to both caches --------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_lookup_honours_early_expiry(cache: TokenMemoryCache) -> None:
    cache.store("k", Token("t", NOW + 60))
    assert cache.lookup("k", early_expiry=59) == Token("t", NOW + 60)
    assert cache.lookup("k", early_expiry=60) is None
    assert cache.lookup("other", early_expiry=0) is None


def test_token_without_expiry_is_kept(cache: TokenMemoryCache) -> None:
    cache.store("k", Token("t"))
    with time_machine.travel(NOW + 10**9):
        assert cache.lookup("k", early_expiry=30) == Token("t")


@time_machine.travel(NOW, tick=False)
def test_stored_returns_expired_tokens_for_their_refresh_token(cache: TokenMemoryCache) -> None:
    cache.store("k", Token("t", NOW - 1, "r"))
    assert cache.lookup("k", early_expiry=0) is None
    assert cache.stored("k") == Token("t", NOW - 1, "r")


@time_machine.travel(NOW, tick=False)
def test_expired_tokens_without_refresh_token_are_pruned(cache: TokenMemoryCache) -> None:
    cache.store("old", Token("t", NOW - 1))
    cache.store("refreshable", Token("t", NOW - 1, "r"))
    cache.store("new", Token("t2", NOW + 100))
    assert cache.stored("old") is None
    assert cache.stored("refreshable") is not None


def test_discard_and_clear(cache: TokenMemoryCache) -> None:
    cache.store("a", Token("1"))
    cache.store("b", Token("2"))
    cache.discard("a")
    cache.discard("missing")
    assert cache.stored("a") is None and cache.stored("b") == Token("2")
    cache.clear()
    assert cache.stored("b") is None


def test_get_token_returns_a_cached_token(cache: TokenMemoryCache) -> None:
    cache.store("k", Token("t"))
    assert cache.get_token("k", on_missing_token=lambda: pytest.fail("cached")) == "t"


def test_get_token_without_a_token_nor_callback(cache: TokenMemoryCache) -> None:
    with pytest.raises(AuthenticationFailed):
        cache.get_token("k")


@time_machine.travel(NOW, tick=False)
def test_get_token_on_missing_token(cache: TokenMemoryCache) -> None:
    assert cache.get_token("k", on_missing_token=lambda: Token("new", NOW + 100)) == "new"
    assert cache.get_token("k", on_missing_token=lambda: pytest.fail("now cached")) == "new"
    assert cache.get_token("bare", on_missing_token=lambda: "bare-token") == "bare-token"
    assert cache.stored("bare") == Token("bare-token")


@time_machine.travel(NOW, tick=False)
def test_get_token_early_expiry(cache: TokenMemoryCache) -> None:
    cache.store("k", Token("old", NOW + 20))
    assert cache.get_token("k", early_expiry=10, on_missing_token=lambda: "new") == "old"
    assert cache.get_token("k", on_missing_token=lambda: "new") == "new"  # default 30 s


@time_machine.travel(NOW, tick=False)
def test_get_token_on_expired_token(cache: TokenMemoryCache) -> None:
    cache.store("k", Token("old", NOW - 1, "r1"))
    refreshed: list[str] = []

    def refresh(refresh_token: str) -> Token:
        refreshed.append(refresh_token)
        return Token("new", NOW + 100)

    assert cache.get_token("k", on_missing_token=lambda: pytest.fail("refreshed"), on_expired_token=refresh) == "new"
    assert refreshed == ["r1"]
    assert cache.stored("k") == Token("new", NOW + 100, "r1")  # refresh token kept


@time_machine.travel(NOW, tick=False)
def test_get_token_falls_back_when_refresh_gives_nothing(cache: TokenMemoryCache) -> None:
    cache.store("k", Token("old", NOW - 1, "r1"))
    assert cache.get_token("k", on_missing_token=lambda: "fresh", on_expired_token=lambda r: None) == "fresh"


def test_get_token_single_flight(cache: TokenMemoryCache) -> None:
    calls = []
    started = threading.Barrier(20)

    def slow() -> Token:
        calls.append(1)
        time.sleep(0.2)
        return Token("t")

    results: list[str] = []

    def worker() -> None:
        started.wait()
        results.append(cache.get_token("k", on_missing_token=slow))

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["t"] * 20 and len(calls) == 1


def test_get_token_failure_reaches_every_waiter(cache: TokenMemoryCache) -> None:
    started = threading.Barrier(5)
    calls = []

    def failing() -> Token:
        calls.append(1)
        time.sleep(0.2)
        raise AuthenticationFailed("no")

    errors: list[BaseException] = []

    def worker() -> None:
        started.wait()
        try:
            cache.get_token("k", on_missing_token=failing)
        except AuthenticationFailed as error:
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(errors) == 5 and len(calls) == 1


def test_subclass_as_a_custom_cache(http: ModuleType) -> None:
    """A custom cache built on TokenMemoryCache is used by the grants."""

    class Recording(TokenMemoryCache):
        def __init__(self) -> None:
            super().__init__()
            self.stores: list[str] = []

        def store(self, key: str, token: Token) -> None:
            self.stores.append(key)
            super().store(key, token)

    OAuth2.token_cache = Recording()
    auth = OAuth2ClientCredentials(TOKEN_URL, "id", "secret")
    FakeServer(http).get(auth)
    FakeServer(http).get(auth)
    assert OAuth2.token_cache.stores == [auth.cache_key]


def test_repr_holds_no_token(cache: TokenMemoryCache) -> None:
    cache.store("k", Token("secret-token", None, "secret-refresh"))
    assert "secret" not in repr(cache)
