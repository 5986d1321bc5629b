"""A worker process for the RedisTokenCache integration tests (run as a script).

Argument: a JSON object with ``redis_url``, ``prefix``, ``endpoint`` (the test's token
endpoint), ``mode`` ("sync": threads with an httpx.Client; "async": asyncio tasks with an
httpx.AsyncClient), ``concurrency``, ``start_at`` (a time.time() at which every worker
starts at once) and ``lock_timeout``. Prints one JSON line: the Authorization headers the
API saw, and the seconds the requests took.
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import time
from typing import Any

import httpx

from httpx_auth import OAuth2, OAuth2ClientCredentials, RedisTokenCache


def main(config: dict[str, Any]) -> None:
    OAuth2.token_cache = RedisTokenCache(config["redis_url"], config["prefix"], lock_timeout=config["lock_timeout"])
    auth = OAuth2ClientCredentials(f"{config['endpoint']}/token", "worker-client", "worker-secret")
    api = f"{config['endpoint']}/api"
    count = config["concurrency"]
    time.sleep(max(0.0, config["start_at"] - time.time()))
    started = time.monotonic()
    if config["mode"] == "async":
        seen = asyncio.run(_async_requests(auth, api, count))
    else:
        seen = _threaded_requests(auth, api, count)
    print(json.dumps({"authorization": seen, "seconds": time.monotonic() - started}), flush=True)


def _threaded_requests(auth: Any, api: str, count: int) -> list[str]:
    seen: list[str] = []
    with httpx.Client(timeout=120) as client:

        def one() -> None:
            seen.append(client.get(api, auth=auth).json()["authorization"])

        threads = [threading.Thread(target=one) for _ in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return seen


async def _async_requests(auth: Any, api: str, count: int) -> list[str]:
    async with httpx.AsyncClient(timeout=120) as client:
        replies = await asyncio.gather(*(client.get(api, auth=auth) for _ in range(count)))
    return [reply.json()["authorization"] for reply in replies]


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
