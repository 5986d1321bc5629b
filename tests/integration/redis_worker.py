"""A worker process for the RedisTokenCache integration tests (run as a script).

Argument: a JSON object with ``redis_url``, ``prefix``, ``endpoint`` (the test's token
endpoint), ``mode`` ("sync": threads with an httpx.Client; "async": asyncio tasks with an
httpx.AsyncClient), ``concurrency``, ``start_at`` (a time.time() at which every worker
starts at once), ``lock_timeout`` and ``grant`` ("client_credentials", or "device": the
device authorization grant, whose user codes shown are counted). Prints one JSON line:
the Authorization headers the API saw, the seconds the requests took, and ``displays``.
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import time
from typing import Any

import httpx

from httpx_auth import OAuth2, OAuth2ClientCredentials, OAuth2DeviceCode, RedisTokenCache

displays: list[str] = []


def main(config: dict[str, Any]) -> None:
    OAuth2.token_cache = RedisTokenCache(config["redis_url"], config["prefix"], lock_timeout=config["lock_timeout"])
    auth: Any = OAuth2ClientCredentials(f"{config['endpoint']}/token", "worker-client", "worker-secret")
    if config.get("grant") == "device":
        endpoint = config["endpoint"]
        auth = OAuth2DeviceCode(
            f"{endpoint}/device", f"{endpoint}/token", "worker-device", open_browser=False, display=lambda a: displays.append(a.user_code)
        )
    api = f"{config['endpoint']}/api"
    count = config["concurrency"]
    time.sleep(max(0.0, config["start_at"] - time.time()))
    started = time.monotonic()
    if config["mode"] == "async":
        seen = asyncio.run(_async_requests(auth, api, count))
    else:
        seen = _threaded_requests(auth, api, count)
    print(json.dumps({"authorization": seen, "seconds": time.monotonic() - started, "displays": displays}), flush=True)


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
