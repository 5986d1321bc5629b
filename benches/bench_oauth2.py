"""Per-request cost of an OAuth2 auth whose token is cached, against a bare request.

Three measures:
- the cached-token flow against one ``httpx.BasicAuth`` flow step (issue 17: it must be
  cheaper), CPU time per thread, contenders interleaved round by round, each flow on a
  fresh request (the header is not there yet, as for a request a client just built);
- the flow alone, on an already built request (start the auth's flow, take the request
  it sends, hand the response back, finish): what an auth adds to each request. The
  peer is ``httpx.Auth()``, the flow a request without auth runs, so the difference is
  our overhead; target ≤ 2 µs.
- a whole ``Client.send`` through a MockTransport, with and without the auth. The
  client's own work (~50-100 µs) makes this one too noisy for a 2 µs assertion on a
  shared machine: it is reported, not asserted.
"""

from __future__ import annotations

import statistics
import time
import timeit
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from httpx_auth import (
    JsonTokenFileCache,
    OAuth2,
    OAuth2ClientCredentials,
    OAuth2ResourceOwnerPasswordCredentials,
    TokenMemoryCache,
)
from httpx_auth._oauth2 import Token

TARGET_OVERHEAD = 2e-6  # seconds per request
TOKEN_URL = "https://as.example.com/token"


@pytest.fixture(autouse=True)
def memory_cache() -> Iterator[None]:
    previous = OAuth2.token_cache
    OAuth2.token_cache = TokenMemoryCache()
    yield
    OAuth2.token_cache = previous


def _cached(auth: Any) -> Any:
    OAuth2.token_cache.store(auth.cache_key, Token("cached-token", None))
    return auth


def _flow(auth: Any, request: httpx.Request, response: httpx.Response) -> None:
    flow = auth.sync_auth_flow(request)
    next(flow)
    try:
        flow.send(response)
    except StopIteration:
        pass


def _client_credentials() -> OAuth2ClientCredentials:
    return OAuth2ClientCredentials(TOKEN_URL, "client-id", "client-secret", scope=["read", "write"])


def _password() -> OAuth2ResourceOwnerPasswordCredentials:
    return OAuth2ResourceOwnerPasswordCredentials(TOKEN_URL, "user", "password", client_auth=("id", "secret"))


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: httpx.Auth(), id="peer-no-auth"),
        pytest.param(lambda: httpx.BasicAuth("user", "password"), id="peer-httpx.BasicAuth"),
        pytest.param(lambda: _cached(_client_credentials()), id="OAuth2ClientCredentials"),
        pytest.param(lambda: _cached(_password()), id="OAuth2ResourceOwnerPasswordCredentials"),
    ],
)
def bench_oauth2_cached_token_flow(benchmark: Any, make: Any) -> None:
    benchmark.group = "oauth2: auth flow with a cached token"
    auth = make()
    request, response = httpx.Request("GET", "https://api.example.com/data"), httpx.Response(200)
    benchmark(_flow, auth, request, response)
    assert isinstance(auth, (httpx.BasicAuth,)) or type(auth) is httpx.Auth or request.headers["authorization"] == "Bearer cached-token"


def bench_oauth2_cached_token_flow_file_cache(benchmark: Any, tmp_path: Path) -> None:
    benchmark.group = "oauth2: auth flow with a cached token"
    OAuth2.token_cache = JsonTokenFileCache(tmp_path / "tokens.json")
    auth = _cached(_client_credentials())
    request, response = httpx.Request("GET", "https://api.example.com/data"), httpx.Response(200)
    benchmark(_flow, auth, request, response)
    assert request.headers["authorization"] == "Bearer cached-token"


def _best(fn: Any, number: int = 5000, repeat: int = 7) -> float:
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def bench_oauth2_overhead_within_target(benchmark: Any) -> None:
    """Our flow minus the no-auth flow, both timed in this run, interleaved."""
    request, response = httpx.Request("GET", "https://api.example.com/data"), httpx.Response(200)
    bare, ours = httpx.Auth(), _cached(_client_credentials())
    if benchmark.disabled:  # --benchmark-disable (CI): check that it runs, time nothing
        benchmark(_flow, ours, request, response)
        assert request.headers["authorization"] == "Bearer cached-token"
        return
    bare_time = ours_time = float("inf")
    # Many short samples, alternated: on a busy machine some of them run undisturbed.
    for _ in range(40):
        bare_time = min(bare_time, _best(lambda: _flow(bare, request, response), number=2000, repeat=1))
        ours_time = min(ours_time, _best(lambda: _flow(ours, request, response), number=2000, repeat=1))
    overhead = ours_time - bare_time
    benchmark.group = "oauth2: overhead"
    benchmark.extra_info.update(
        {"no_auth_us": round(bare_time * 1e6, 3), "oauth2_us": round(ours_time * 1e6, 3), "overhead_us": round(overhead * 1e6, 3)}
    )
    benchmark(_flow, ours, request, response)
    assert overhead <= TARGET_OVERHEAD, f"overhead {overhead * 1e6:.2f} µs > {TARGET_OVERHEAD * 1e6:.0f} µs"


@pytest.mark.parametrize("with_auth", [False, True], ids=["peer-bare-request", "OAuth2ClientCredentials"])
def bench_oauth2_request_through_client(benchmark: Any, with_auth: bool) -> None:
    benchmark.group = "oauth2: Client.send through a MockTransport"
    auth = _cached(_client_credentials()) if with_auth else None
    with httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(200))) as client:
        request = client.build_request("GET", "https://api.example.com/data")
        response = benchmark(client.send, request, auth=auth)
    assert response.status_code == 200
    assert ("authorization" in request.headers) is with_auth


def _flows_cpu_time(auth: Any, requests: list[httpx.Request], response: httpx.Response) -> float:
    """CPU time of this thread per flow, over ``requests`` (each used once)."""
    start = time.thread_time()
    for request in requests:
        _flow(auth, request, response)
    return (time.thread_time() - start) / len(requests)


@pytest.mark.parametrize("http_name", ["httpx", "httpx2"])
def bench_oauth2_cached_flow_cheaper_than_basic_auth(benchmark: Any, http_name: str) -> None:
    """Median CPU time per flow: our cached-token flow against ``BasicAuth``, same run."""
    http = pytest.importorskip(http_name)
    contenders = {"httpx.BasicAuth": http.BasicAuth("user", "password"), "OAuth2ClientCredentials": _cached(_client_credentials())}
    response = http.Response(200)
    rounds, per_round = (3, 50) if benchmark.disabled else (25, 2000)
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for index in range(rounds):
        order = list(contenders) if index % 2 == 0 else list(reversed(contenders))
        for name in order:
            requests = [http.Request("GET", "https://api.example.com/data") for _ in range(per_round)]
            samples[name].append(_flows_cpu_time(contenders[name], requests, response))
            assert requests[-1].headers["authorization"].startswith(("Basic ", "Bearer cached-token"))
    summary = {
        name: {"median_us": round(statistics.median(s) * 1e6, 3), "min_us": round(min(s) * 1e6, 3), "max_us": round(max(s) * 1e6, 3)}
        for name, s in samples.items()
    }
    benchmark.group = f"oauth2: cached-token flow vs BasicAuth ({http_name})"
    benchmark.extra_info.update(summary)
    print(f"\n{http_name}: {summary}")
    request = http.Request("GET", "https://api.example.com/data")
    benchmark(_flow, contenders["OAuth2ClientCredentials"], request, response)
    if not benchmark.disabled:
        ours, peer = summary["OAuth2ClientCredentials"]["median_us"], summary["httpx.BasicAuth"]["median_us"]
        assert ours < peer, f"cached-token flow {ours} µs is not cheaper than BasicAuth's {peer} µs"
