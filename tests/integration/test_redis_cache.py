"""RedisTokenCache against a real redis-server: one token request for many processes, a
lock holder killed mid-fetch, Redis stopped and restarted while requests go on, tokens
expiring with their TTL, a device flow that outlasts the lock's timeout (renewed), and the
Lua scripts as Redis runs them."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from httpx_auth import (
    OAuth2,
    OAuth2ClientCredentials,
    OAuth2DeviceCode,
    OAuth2ResourceOwnerPasswordCredentials,
    RedisTokenCache,
)
from httpx_auth._oauth2.caches import redis as redis_cache, redis_protocol
from httpx_auth._oauth2.caches.redis_protocol import Keys
from httpx_auth._oauth2.token import Token

from ._clients import Sender
from ._oauth_fixtures import SHORT_LIFETIME, OAuthServer
from ._redis_fixtures import RedisServer, TokenEndpoint

pytestmark = pytest.mark.integration

WORKER = Path(__file__).with_name("redis_worker.py")
PREFIX = "it:"


class Workers:
    """Worker processes (redis_worker.py), each in its own process group, killed by PID."""

    def __init__(self, redis: RedisServer, endpoint: TokenEndpoint) -> None:
        self.redis, self.endpoint = redis, endpoint
        self.processes: list[subprocess.Popen[str]] = []

    def start(
        self, mode: str, concurrency: int, *, start_at: float = 0.0, lock_timeout: float = 30.0, grant: str = "client_credentials"
    ) -> subprocess.Popen[str]:
        config = {
            "grant": grant,
            "redis_url": self.redis.url,
            "prefix": PREFIX,
            "endpoint": self.endpoint.url,
            "mode": mode,
            "concurrency": concurrency,
            "start_at": start_at,
            "lock_timeout": lock_timeout,
        }
        process = subprocess.Popen(
            [sys.executable, str(WORKER), json.dumps(config)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    @staticmethod
    def result(process: subprocess.Popen[str], timeout: float = 90) -> dict[str, Any]:
        out, err = process.communicate(timeout=timeout)
        assert process.returncode == 0, err[-3000:]
        return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]

    def kill(self, process: subprocess.Popen[str]) -> None:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.communicate(timeout=10)


@pytest.fixture
def workers(redis_db: RedisServer, token_endpoint: TokenEndpoint) -> Iterator[Workers]:
    pool = Workers(redis_db, token_endpoint)
    try:
        yield pool
    finally:
        pool.stop_all()


def test_processes_threads_and_tasks_on_a_cold_cache_send_one_token_request(
    workers: Workers, token_endpoint: TokenEndpoint
) -> None:
    token_endpoint.delay = 0.5  # every worker is waiting by the time the token comes
    start_at = time.time() + 3.0  # all processes imported and ready by then
    processes = [workers.start(mode, 8, start_at=start_at) for mode in ("sync", "async", "sync", "async")]
    results = [workers.result(process) for process in processes]
    assert token_endpoint.requests == 1
    assert [auth for result in results for auth in result["authorization"]] == ["Bearer token-1"] * 32


def test_a_killed_lock_holder_is_replaced_after_its_lock_expires(
    workers: Workers, token_endpoint: TokenEndpoint, redis_db: RedisServer
) -> None:
    token_endpoint.hang.set()  # the first fetcher never gets its token
    holder = workers.start("sync", 1, lock_timeout=3.0)
    assert token_endpoint.received.wait(30), "the first worker sent no token request"
    client = redis_db.client()
    lock = Keys.of(PREFIX, _auth(token_endpoint).cache_key).lock
    assert client.get(lock) is not None  # it holds the lock while it fetches
    workers.kill(holder)
    token_endpoint.hang.clear()
    successor = workers.start("async", 4, lock_timeout=3.0)
    result = workers.result(successor)
    assert result["authorization"] == ["Bearer token-2"] * 4
    assert token_endpoint.requests == 2
    assert result["seconds"] < 3.0 + 10  # waited for the dead lock to expire, then fetched
    assert client.get(lock) is None
    client.close()


def test_a_device_flow_longer_than_lock_timeout_keeps_its_lock_and_shows_one_code(
    workers: Workers, token_endpoint: TokenEndpoint, redis_db: RedisServer
) -> None:
    # The user approves after 6 s, polled every second; the lock lasts 2.5 s (renewed
    # after a third of that, at the next step): the other process must not start its own.
    token_endpoint.approve_after = 6.0
    first = workers.start("sync", 2, lock_timeout=2.5, grant="device")
    deadline = time.monotonic() + 30
    while token_endpoint.device_requests == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert token_endpoint.device_requests == 1, "the first worker started no device flow"
    second = workers.start("async", 2, lock_timeout=2.5, grant="device")
    client = redis_db.client()
    lock = Keys.of(PREFIX, _device_auth(token_endpoint).cache_key).lock
    owner = client.get(lock)
    time.sleep(4.0)  # past the lock's first expiry
    assert owner is not None and client.get(lock) == owner and 0 < client.pttl(lock) <= 2500
    results = [workers.result(process) for process in (first, second)]
    assert [auth for result in results for auth in result["authorization"]] == ["Bearer token-1"] * 4
    assert [result["displays"] for result in results] == [["CODE-1"], []]  # one user code shown
    assert (token_endpoint.device_requests, token_endpoint.requests) == (1, 1)
    assert client.get(lock) is None
    client.close()


def test_redis_stopped_and_restarted_while_requests_go_on(
    redis_db: RedisServer, token_endpoint: TokenEndpoint, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.WARNING, "httpx_auth")
    monkeypatch.setattr(redis_cache, "RETRY_AFTER", 0.2)
    token_endpoint.expires_in = 1  # a new token every half second: Redis is needed all along
    cache = RedisTokenCache(redis_db.url, PREFIX, socket_connect_timeout=0.5, socket_timeout=0.5)
    previous, OAuth2.token_cache = OAuth2.token_cache, cache
    auth = _auth(token_endpoint)
    errors: list[BaseException] = []
    seen: list[str] = []
    stop = threading.Event()

    def requests() -> None:
        with httpx.Client(timeout=30) as client:
            while not stop.is_set():
                try:
                    seen.append(client.get(f"{token_endpoint.url}/api", auth=auth).json()["authorization"])
                except BaseException as error:  # noqa: BLE001 - the test fails on any
                    errors.append(error)
                time.sleep(0.02)

    thread = threading.Thread(target=requests)
    try:
        thread.start()
        time.sleep(1.5)
        redis_db.stop()
        time.sleep(2.0)
        during = len(seen)
        redis_db.start()
        time.sleep(2.0)
    finally:
        stop.set()
        thread.join(30)
        OAuth2.token_cache = previous
    assert errors == []
    assert during > 10 and len(seen) > during + 10  # requests went on all along
    messages = [record.getMessage() for record in caplog.records]
    assert sum("unavailable" in m for m in messages) == 1, messages
    assert sum("available again" in m for m in messages) == 1, messages
    assert all("ConnectionError" in m or "TimeoutError" in m for m in messages if "unavailable" in m)
    client = redis_db.client()
    stored = redis_protocol.decode(client.get(Keys.of(PREFIX, auth.cache_key).token))
    client.close()
    assert stored is not None and f"Bearer {stored.access_token}" in seen[-50:]  # Redis in use again


async def test_a_refresh_token_serves_another_process_once_and_the_rotated_token_is_shared(
    redis_db: RedisServer, oauth_server: OAuthServer, sender: Sender, monkeypatch: pytest.MonkeyPatch
) -> None:
    # django-oauth-toolkit rotates refresh tokens; tokens of "password-short" live 2 s and
    # are renewed after half of that (early_expiry capped at half the lifetime).
    app = oauth_server.apps["password-short"]

    def grant() -> Any:
        return OAuth2ResourceOwnerPasswordCredentials(
            oauth_server.token_url,
            username=oauth_server.username,
            password=oauth_server.password,
            client_auth=(app.client_id, app.client_secret),
        )

    first, second = RedisTokenCache(redis_db.url, PREFIX), RedisTokenCache(redis_db.url, PREFIX)  # two processes
    mark = oauth_server.mark()
    monkeypatch.setattr(OAuth2, "token_cache", first)
    [one] = await sender.get_all([oauth_server.resource_url], grant())
    time.sleep(SHORT_LIFETIME / 2 + 0.2)  # renewal due; the token is still in Redis
    monkeypatch.setattr(OAuth2, "token_cache", second)
    [two] = await sender.get_all([oauth_server.resource_url], grant())
    monkeypatch.setattr(OAuth2, "token_cache", first)  # its own token is due too: Redis has the new one
    [three] = await sender.get_all([oauth_server.resource_url], grant())
    bodies = [reply.json() for reply in (one, two, three)]
    assert [reply.status_code for reply in (one, two, three)] == [200, 200, 200], [r.text for r in (one, two, three)]
    assert [body["from_refresh_token"] for body in bodies] == [False, True, True]
    assert bodies[1]["token_id"] == bodies[2]["token_id"] != bodies[0]["token_id"]
    grants = [(r["grant_type"], r["status"]) for r in oauth_server.token_requests_since(mark, app.client_id)]
    assert grants == [("password", 200), ("refresh_token", 200)]  # one refresh, for both processes
    stored = redis_protocol.decode(redis_db.client().get(Keys.of(PREFIX, grant().cache_key).token))
    assert stored is not None and stored.refresh_token not in (None, "")


def test_tokens_expire_from_redis_with_their_ttl(redis_db: RedisServer, token_endpoint: TokenEndpoint) -> None:
    token_endpoint.expires_in = 2
    previous, OAuth2.token_cache = OAuth2.token_cache, RedisTokenCache(redis_db.url, PREFIX)
    try:
        with httpx.Client() as client:
            assert client.get(f"{token_endpoint.url}/api", auth=_auth(token_endpoint)).json()["authorization"] == "Bearer token-1"
    finally:
        OAuth2.token_cache = previous
    redis = redis_db.client()
    name = Keys.of(PREFIX, _auth(token_endpoint).cache_key).token
    assert 1000 < redis.pttl(name) <= 2000
    time.sleep(2.2)
    assert redis.exists(name) == 0  # Redis itself dropped it
    redis.close()


def test_scripts_on_a_real_redis(redis_db: RedisServer) -> None:
    client = redis_db.client()
    keys = Keys.of("it[*]?:", "k")  # glob characters in the prefix are matched literally by clear
    run = redis_protocol.run_sync
    assert run(client, redis_protocol.try_lock(keys, "owner", 30)) is True
    assert run(client, redis_protocol.try_lock(keys, "intruder", 30)) is False
    run(client, redis_protocol.release(keys, "intruder"))
    assert run(client, redis_protocol.renew(keys, "intruder", 60)) is False
    assert client.get(keys.lock) == b"owner" and client.pttl(keys.lock) <= 30_000
    assert run(client, redis_protocol.renew(keys, "owner", 60)) is True
    assert 59_000 < client.pttl(keys.lock) <= 60_000
    client.delete(keys.lock)  # as if it expired, and nobody took it: taken again
    assert run(client, redis_protocol.renew(keys, "owner", 60)) is True
    assert client.get(keys.lock) == b"owner" and 59_000 < client.pttl(keys.lock) <= 60_000
    token = Token("access", time.time() + 60, "refresh")
    run(client, redis_protocol.store_and_release(keys, token, "owner"))
    assert client.get(keys.lock) is None
    assert run(client, redis_protocol.read(keys)) == (token, False)
    run(client, redis_protocol.discard(keys, Token("other", None)))
    assert client.exists(keys.token) == 1
    client.set("it-unrelated:token:k", "x")
    run(client, redis_protocol.clear("it[*]?:"))
    assert client.exists(keys.token) == 0 and client.exists("it-unrelated:token:k") == 1
    client.close()


def _auth(endpoint: TokenEndpoint) -> OAuth2ClientCredentials:
    """The grant redis_worker.py uses (same cache key)."""
    return OAuth2ClientCredentials(f"{endpoint.url}/token", "worker-client", "worker-secret")


def _device_auth(endpoint: TokenEndpoint) -> OAuth2DeviceCode:
    """The device grant of redis_worker.py (same cache key)."""
    return OAuth2DeviceCode(f"{endpoint.url}/device", f"{endpoint.url}/token", "worker-device", open_browser=False)
