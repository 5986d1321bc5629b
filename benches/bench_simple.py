"""Per-request overhead of the simple auths, against httpx's own BasicAuth.

What is timed is the auth's work on an already built request: starting its flow and
getting the request it sends, which is all an auth adds to a request.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import httpx_auth


def _apply(auth: Any, request: httpx.Request) -> None:
    next(auth.sync_auth_flow(request))


@pytest.mark.parametrize(
    "auth",
    [
        pytest.param(httpx.BasicAuth("user", "password"), id="peer-httpx.BasicAuth"),
        pytest.param(httpx_auth.Basic("user", "password"), id="Basic"),
        pytest.param(httpx_auth.HeaderApiKey("key"), id="HeaderApiKey"),
        pytest.param(httpx_auth.QueryApiKey("key"), id="QueryApiKey"),
        pytest.param(httpx_auth.HeaderApiKey("key") + httpx_auth.Basic("user", "password"), id="HeaderApiKey+Basic"),
    ],
)
def bench_simple_auth_overhead(benchmark: Any, auth: Any) -> None:
    benchmark.group = "simple auth: per-request overhead"
    requests: list[httpx.Request] = []

    def fresh_request() -> tuple[tuple[Any, httpx.Request], dict[str, Any]]:
        requests.append(httpx.Request("GET", "https://example.com/path?a=1"))
        return (auth, requests[-1]), {}

    # A new request every round (built outside the timing): QueryApiKey appends to the URL.
    benchmark.pedantic(_apply, setup=fresh_request, rounds=5000, warmup_rounds=100)
    request = requests[-1]
    assert "authorization" in request.headers or "x-api-key" in request.headers or request.url.query.endswith(b"api_key=key")


def bench_basic_is_no_slower_than_httpx_basic_auth(benchmark: Any) -> None:
    """Basic precomputes its header, so it should cost at most what httpx.BasicAuth costs."""
    import timeit

    request = httpx.Request("GET", "https://example.com/")
    ours_auth, peer_auth = httpx_auth.Basic("u", "p"), httpx.BasicAuth("u", "p")
    benchmark(_apply, ours_auth, request)
    if benchmark.disabled:  # CI runs benches once to see they work; timings mean nothing there
        return
    # Interleave the two measurements so that load on the machine hits both alike.
    ours, peer = [], []
    for _ in range(7):
        ours.append(min(timeit.repeat(lambda: _apply(ours_auth, request), number=2000, repeat=3)))
        peer.append(min(timeit.repeat(lambda: _apply(peer_auth, request), number=2000, repeat=3)))
    ratio = min(ours) / min(peer)
    benchmark.extra_info["ours_over_httpx_basic_auth"] = ratio
    assert ratio <= 1.25, f"Basic costs {ratio:.2f}x httpx.BasicAuth"
