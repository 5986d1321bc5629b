"""JsonTokenFileCache: the file's mode, persistence across restarts and processes, and
what happens with broken, unreadable or unwritable files."""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import stat
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from httpx_auth import InvalidParameter, JsonTokenFileCache, OAuth2, OAuth2ClientCredentials
from httpx_auth._oauth2 import Token
from httpx_auth._oauth2.caches import file as file_cache
from oauth2_fakes import TOKEN_URL, FakeServer, fresh_token_cache, store_tokens  # noqa: F401


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_file_is_created_with_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "folder" / "tokens.json"
    cache = JsonTokenFileCache(path)
    assert not path.exists()  # nothing written before the first token
    cache.store("k", Token("t", 123.0, "r"))
    assert json.loads(path.read_text()) == {"k": {"access_token": "t", "expiry": 123.0, "refresh_token": "r"}}
    if sys.platform != "win32":
        assert mode(path) == 0o600
        assert mode(path.parent) == 0o700


def test_existing_file_with_loose_permissions_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    path.write_text("{}")
    os.chmod(path, 0o644)
    JsonTokenFileCache(path).store("k", Token("t"))
    if sys.platform != "win32":
        assert mode(path) == 0o600


def test_accepts_str_and_path(tmp_path: Path) -> None:
    JsonTokenFileCache(str(tmp_path / "a.json")).store("k", Token("t"))
    assert JsonTokenFileCache(tmp_path / "a.json").stored("k") == Token("t")
    assert repr(JsonTokenFileCache(tmp_path / "a.json")) == f"JsonTokenFileCache({str(tmp_path / 'a.json')!r})"


@pytest.mark.parametrize("bad", [None, 3, b"tokens.json", "", ".", "/"])
def test_bad_path_raises_invalid_parameter_naming_it(bad: Any) -> None:
    with pytest.raises(InvalidParameter, match="tokens_path"):
        JsonTokenFileCache(bad)


def test_no_temporary_file_is_left_behind(tmp_path: Path) -> None:
    cache = JsonTokenFileCache(tmp_path / "tokens.json")
    for i in range(5):
        cache.store(f"k{i}", Token("t"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tokens.json", "tokens.json.lock"]


def test_tokens_survive_a_restart(tmp_path: Path) -> None:
    JsonTokenFileCache(tmp_path / "tokens.json").store("k", Token("t", None, "r"))
    assert JsonTokenFileCache(tmp_path / "tokens.json").lookup("k") == Token("t", None, "r")


def test_token_stored_by_another_process_is_found(tmp_path: Path) -> None:
    here, there = JsonTokenFileCache(tmp_path / "t.json"), JsonTokenFileCache(tmp_path / "t.json")
    assert here.lookup("k") is None
    there.store("k", Token("from-there"))
    assert here.lookup("k") == Token("from-there")  # a miss reloads the changed file


def test_writes_merge_with_what_another_process_wrote(tmp_path: Path) -> None:
    here, there = JsonTokenFileCache(tmp_path / "t.json"), JsonTokenFileCache(tmp_path / "t.json")
    here.store("a", Token("1"))
    there.store("b", Token("2"))
    here.store("c", Token("3"))
    assert set(json.loads((tmp_path / "t.json").read_text())) == {"a", "b", "c"}


def test_a_clear_elsewhere_is_seen_within_the_recheck_interval(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(file_cache, "RECHECK_INTERVAL", 0.0)
    here, there = JsonTokenFileCache(tmp_path / "t.json"), JsonTokenFileCache(tmp_path / "t.json")
    here.store("k", Token("t"))
    assert there.lookup("k") == Token("t")
    here.clear()
    assert there.lookup("k") is None


def test_a_valid_token_is_served_without_touching_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = JsonTokenFileCache(tmp_path / "t.json")
    cache.store("k", Token("t"))
    monkeypatch.setattr(file_cache.os, "stat", lambda *a, **k: pytest.fail("no stat on the fast path"))
    assert cache.lookup("k") == Token("t")


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"\xff\xfe", b"[1, 2]", b'"text"', b"null"],
    ids=["invalid-json", "not-utf8", "list", "string", "null"],
)
def test_corrupt_file_is_logged_and_treated_as_empty(
    tmp_path: Path, content: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "tokens.json"
    path.write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="httpx_auth"):
        cache = JsonTokenFileCache(path)
        assert cache.lookup("k") is None
    assert "treated as empty" in caplog.text
    cache.store("k", Token("t"))  # and the next write replaces it
    assert json.loads(path.read_text())["k"]["access_token"] == "t"


def test_corrupt_file_content_is_never_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "tokens.json"
    path.write_text('{"k": {"access_token": "leaked-token", "expiry": ')
    with caplog.at_level(logging.DEBUG, logger="httpx_auth"):
        JsonTokenFileCache(path)
    assert caplog.text and "leaked-token" not in caplog.text


def test_malformed_entries_are_skipped(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "tokens.json"
    path.write_text(
        json.dumps(
            {
                "good": {"access_token": "t", "expiry": None, "refresh_token": None},
                "no-token": {"expiry": 1},
                "bad-expiry": {"access_token": "t", "expiry": "soon"},
                "bad-refresh": {"access_token": "t", "refresh_token": 3},
                "bool-expiry": {"access_token": "t", "expiry": True},
                "not-an-object": ["t", 1, None],
            }
        )
    )
    with caplog.at_level(logging.WARNING, logger="httpx_auth"):
        cache = JsonTokenFileCache(path)
    assert cache.stored("good") == Token("t")
    assert all(cache.stored(key) is None for key in ("no-token", "bad-expiry", "bad-refresh", "bool-expiry", "not-an-object"))
    assert caplog.text.count("malformed entry") == 5


def test_unreadable_file_is_logged_and_treated_as_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "tokens.json"
    path.write_text('{"k": {"access_token": "t", "expiry": null, "refresh_token": null}}')
    real_open = open

    def denied(file: Any, *args: Any, **kwargs: Any) -> Any:
        # Permissions cannot deny root (CI runs as root), so deny the read itself.
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", denied)
    with caplog.at_level(logging.WARNING, logger="httpx_auth"):
        assert JsonTokenFileCache(path).lookup("k") is None
    assert "unreadable" in caplog.text


def test_path_that_is_a_folder_is_logged_not_raised(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="httpx_auth"):
        cache = JsonTokenFileCache(tmp_path)
        cache.store("k", Token("t"))
    assert cache.lookup("k") == Token("t")  # kept in memory
    assert "unreadable" in caplog.text and "Could not write" in caplog.text


def test_write_failure_keeps_the_token_in_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    cache = JsonTokenFileCache(tmp_path / "t.json")

    def no_space(*args: Any, **kwargs: Any) -> Any:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(file_cache.tempfile, "mkstemp", no_space)
    with caplog.at_level(logging.WARNING, logger="httpx_auth"):
        cache.store("k", Token("secret-token"))
    assert cache.lookup("k") == Token("secret-token")
    assert "Could not write" in caplog.text and "secret-token" not in caplog.text


def test_failed_replace_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = JsonTokenFileCache(tmp_path / "t.json")
    cache.store("a", Token("1"))

    def broken_replace(*args: Any) -> None:
        raise OSError("replace failed")

    monkeypatch.setattr(file_cache.os, "replace", broken_replace)
    cache.store("b", Token("2"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.json", "t.json.lock"]
    assert set(json.loads((tmp_path / "t.json").read_text())) == {"a"}  # the old file is intact


def test_grants_use_the_file_cache(http: ModuleType, tmp_path: Path) -> None:
    OAuth2.token_cache = JsonTokenFileCache(tmp_path / "t.json")
    server = FakeServer(http)
    auth = OAuth2ClientCredentials(TOKEN_URL, "id", "secret")
    server.get(auth)
    OAuth2.token_cache = JsonTokenFileCache(tmp_path / "t.json")  # as if the program restarted
    assert server.get(auth).json()["authorization"] == "Bearer token-1"
    assert len(server.token_requests) == 1
    assert "secret" not in (tmp_path / "t.json").read_text().replace("token", "")


def test_eight_processes_writing_one_file(tmp_path: Path) -> None:
    path = tmp_path / "shared.json"
    context = multiprocessing.get_context("spawn")
    per_worker = 25
    start, results = context.Barrier(8), context.Queue()
    workers = [
        context.Process(target=store_tokens, args=(str(path), worker, per_worker, start, results)) for worker in range(8)
    ]
    for process in workers:
        process.start()
    reports = dict(results.get(timeout=120) for _ in workers)
    for process in workers:
        process.join(30)
        assert process.exitcode == 0
    assert reports == {worker: [] for worker in range(8)}
    data = json.loads(path.read_text())
    assert set(data) == {f"worker{w}-{i}" for w in range(8) for i in range(per_worker)}  # no token lost
    assert data["worker3-7"] == {"access_token": "token-3-7", "expiry": None, "refresh_token": "refresh-3-7"}
    if sys.platform != "win32":
        assert mode(path) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shared.json", "shared.json.lock"]
