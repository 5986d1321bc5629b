"""Per-request cost of an OAuth2 auth whose token is cached, with ``RedisTokenCache`` vs
``TokenMemoryCache``, in the same run.

A token in ``RedisTokenCache``'s memory layer is found without Redis: the hot path
should cost what the memory cache costs. Contenders (each an OAuth2ClientCredentials
flow on an already built request, as in bench_oauth2.py): no auth (the floor), the
memory cache, the Redis cache. They are interleaved round by round; each round times a
batch of flows with ``time.thread_time`` (CPU time of this thread: other processes on a
busy machine do not count). Reported: median and range of the per-flow time, and each
cache's overhead over the floor. With a ``redis-server`` on PATH one more contender shows
what a Redis GET per request (what the memory layer saves) costs, on 127.0.0.1.

Checked, not timed: the Redis cache sent nothing to Redis while it was measured.
"""

from __future__ import annotations

import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from httpx_auth import OAuth2, OAuth2ClientCredentials, RedisTokenCache, TokenMemoryCache
from httpx_auth._oauth2 import Token

from bench_oauth2 import _flow  # one request through an auth's flow

ROUNDS = 30
BATCH = 2000
TOKEN = Token("cached-token", None)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def redis_url() -> Iterator[str | None]:
    """A redis-server on 127.0.0.1 (stopped by PID after), or ``None`` without one."""
    binary = shutil.which("redis-server")
    if binary is None:
        yield None
        return
    port = _free_port()
    with tempfile.TemporaryDirectory() as folder:
        argv = [binary, "--bind", "127.0.0.1", "--port", str(port), "--dir", folder, "--save", "", "--appendonly", "no"]
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 10
            while not _listening(port) and time.monotonic() < deadline:
                time.sleep(0.05)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            process.terminate()
            process.wait(10)


def _per_flow(run: Callable[[], None]) -> float:
    start = time.thread_time()
    for _ in range(BATCH):
        run()
    return (time.thread_time() - start) / BATCH


def _summary(samples: list[float]) -> dict[str, float]:
    return {
        "median_us": round(statistics.median(samples) * 1e6, 3),
        "min_us": round(min(samples) * 1e6, 3),
        "max_us": round(max(samples) * 1e6, 3),
    }


def bench_redis_cache_cached_token_vs_memory_cache(benchmark: Any, redis_url: str | None) -> None:
    request, response = httpx.Request("GET", "https://api.example.com/data"), httpx.Response(200)
    auth = OAuth2ClientCredentials("https://as.example.com/token", "client-id", "client-secret", scope="read")
    memory = TokenMemoryCache()
    memory.store(auth.cache_key, TOKEN)
    # Nothing listens on this URL: any exchange with Redis would show as an outage.
    redis_cache = RedisTokenCache(f"redis://127.0.0.1:{_free_port()}/0", socket_connect_timeout=0.1)
    TokenMemoryCache.store(redis_cache, auth.cache_key, TOKEN)  # the memory layer, as a flight leaves it
    bare = httpx.Auth()
    previous = OAuth2.token_cache

    def with_cache(cache: TokenMemoryCache) -> Callable[[], None]:
        def run() -> None:
            OAuth2.token_cache = cache
            _flow(auth, request, response)

        return run

    contenders: dict[str, Callable[[], None]] = {
        "no auth": lambda: _flow(bare, request, response),
        "TokenMemoryCache": with_cache(memory),
        "RedisTokenCache": with_cache(redis_cache),
    }
    if redis_url is not None:
        import redis

        client = redis.Redis.from_url(redis_url)
        client.set("bench:token", "cached-token")
        contenders["a Redis GET per request (what the memory layer saves)"] = lambda: client.get("bench:token")  # type: ignore[assignment]

    try:
        if benchmark.disabled:  # --benchmark-disable (CI): check that it runs, time nothing
            for run in contenders.values():
                run()
        else:
            samples: dict[str, list[float]] = {name: [] for name in contenders}
            for _ in range(ROUNDS):  # interleaved: each round times every contender once
                for name, run in contenders.items():
                    samples[name].append(_per_flow(run))
            floor = statistics.median(samples["no auth"])
            benchmark.extra_info.update({name: _summary(values) for name, values in samples.items()})
            for name in ("TokenMemoryCache", "RedisTokenCache"):
                benchmark.extra_info[f"{name} overhead_us"] = round((statistics.median(samples[name]) - floor) * 1e6, 3)
        benchmark.group = "oauth2: cached token, RedisTokenCache vs TokenMemoryCache"
        OAuth2.token_cache = redis_cache
        benchmark(_flow, auth, request, response)
    finally:
        OAuth2.token_cache = previous
    assert request.headers["authorization"] == "Bearer cached-token"
    assert not redis_cache._outage.skipping() and redis_cache._client.connection_pool._created_connections == 0
