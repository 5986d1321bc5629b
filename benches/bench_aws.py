"""AWS Signature Version 4: ours against AWS's own Python signers, measured in the same run.

Run with ``python -m pytest benches/bench_aws.py -s`` to see the ratios. Every target of
the SigV4 issue is asserted here (never in the unit tests):

- header signing through the auth flow, compiled core: >= 10x faster than botocore's
  ``S3SigV4Auth`` on the same S3 GET (the request is built outside the timing);
- the same with the pure-Python twin: >= 2x faster than botocore;
- batch presigning: >= 50x faster per URL than boto3's ``generate_presigned_url``;
- payload hashing of 64 MiB: within 10% of ``hashlib.sha256``, and two threads hashing
  at once go >= 1.8x as fast as one.

Under ``--benchmark-disable`` (CI) each benchmark runs once and nothing is timed.
"""

from __future__ import annotations

import gc
import hashlib
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

import httpx_auth
from httpx_auth import _core, _purepy

try:
    from httpx_auth import _native
except ImportError:
    _native = None  # type: ignore[assignment]

needs_native = pytest.mark.skipif(_native is None, reason="compiled core not built in this install")

ACCESS_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
URL = "https://examplebucket.s3.eu-west-1.amazonaws.com/photos/2024/06/cat-0042.jpg"
MIB = 1024 * 1024


def per_call(run_batch: Callable[[int], float], batch: int, repeat: int) -> float:
    """Best per-call time (seconds) over ``repeat`` batches; ``run_batch(n)`` prepares its
    inputs untimed and returns the time ``n`` calls took."""
    best = float("inf")
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeat):
            best = min(best, run_batch(batch) / batch)
    finally:
        if enabled:
            gc.enable()
    return best


def report(benchmark: Any, name: str, ours: float, peer: float, target: float) -> float:
    ratio = peer / ours
    benchmark.extra_info.update({f"{name}_ours_us": ours * 1e6, f"{name}_peer_us": peer * 1e6, f"{name}_ratio": ratio})
    print(f"\n{name}: ours {ours * 1e6:.2f} us, peer {peer * 1e6:.2f} us, {ratio:.1f}x (target {target}x)")
    return ratio


# --- header signing ----------------------------------------------------------------

def sign_with_ours(auth: httpx_auth.AWS4Auth) -> Callable[[int], float]:
    def run(n: int) -> float:
        requests = [httpx.Request("GET", URL) for _ in range(n)]
        flow = auth.sync_auth_flow
        start = time.perf_counter()
        for request in requests:
            next(flow(request))
        return time.perf_counter() - start

    return run


def sign_with_botocore() -> Callable[[int], float]:
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    auth = S3SigV4Auth(Credentials(ACCESS_ID, SECRET), "s3", "eu-west-1")

    def run(n: int) -> float:
        requests = [AWSRequest(method="GET", url=URL) for _ in range(n)]
        start = time.perf_counter()
        for request in requests:
            auth.add_auth(request)
        return time.perf_counter() - start

    return run


def time_flow(benchmark: Any, auth: httpx_auth.AWS4Auth, rounds: int) -> httpx.Request:
    """pytest-benchmark timing of the auth flow, each round on a request built untimed."""
    requests: list[httpx.Request] = []

    def fresh() -> tuple[tuple[Any, ...], dict[str, Any]]:
        requests.append(httpx.Request("GET", URL))
        return (requests[-1],), {}

    benchmark.pedantic(lambda r: next(auth.sync_auth_flow(r)), setup=fresh, rounds=rounds, warmup_rounds=100)
    return requests[-1]


def bench_header_signing(benchmark: Any, backend: str) -> None:
    """Per-request cost of AWS4Auth on an S3 GET (what pytest-benchmark reports)."""
    benchmark.group = "sigv4: header signing, S3 GET"
    auth = httpx_auth.AWS4Auth(ACCESS_ID, SECRET, "eu-west-1", "s3")
    signed = time_flow(benchmark, auth, 3000)
    assert signed.headers["authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/")


def bench_header_signing_peer_botocore(benchmark: Any) -> None:
    benchmark.group = "sigv4: header signing, S3 GET"
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    auth = S3SigV4Auth(Credentials(ACCESS_ID, SECRET), "s3", "eu-west-1")
    requests: list[Any] = []

    def fresh() -> tuple[tuple[Any, ...], dict[str, Any]]:
        requests.append(AWSRequest(method="GET", url=URL))
        return (requests[-1],), {}

    benchmark.pedantic(auth.add_auth, setup=fresh, rounds=1000, warmup_rounds=50)
    assert "Signature=" in requests[-1].headers["Authorization"]


@pytest.mark.parametrize(("core", "target"), [pytest.param("rust", 10, marks=needs_native), ("python", 2)])
def bench_header_signing_against_botocore(benchmark: Any, core: str, target: float) -> None:
    """The same S3 GET signed by AWS4Auth and by botocore, timed alternately."""
    previous = (_core.backend, _core.BACKEND)
    _core.use(_native if core == "rust" else _purepy, core)
    try:
        auth = httpx_auth.AWS4Auth(ACCESS_ID, SECRET, "eu-west-1", "s3")
        ours_run, peer_run = sign_with_ours(auth), sign_with_botocore()
        request = httpx.Request("GET", URL)
        next(auth.sync_auth_flow(request))
        assert request.headers["authorization"].startswith("AWS4-HMAC-SHA256")
        if benchmark.disabled:
            benchmark(lambda: None)
            return
        ours = min(per_call(ours_run, 2000, 5) for _ in range(3))
        peer = min(per_call(peer_run, 300, 5) for _ in range(3))
        time_flow(benchmark, auth, 500)
    finally:
        _core.use(*previous)
    ratio = report(benchmark, f"header signing ({core} core) vs botocore S3SigV4Auth", ours, peer, target)
    assert ratio >= target


# --- presigning -----------------------------------------------------------------------

KEYS = [f"photos/2024/{day:03d}/cat {n:05d}.jpg" for day in range(10) for n in range(100)]


def boto3_client() -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3", region_name="eu-west-1", aws_access_key_id=ACCESS_ID, aws_secret_access_key=SECRET,
        config=Config(signature_version="s3v4", s3={"addressing_style": "virtual"}),
    )


@pytest.mark.parametrize(("core", "target"), [pytest.param("rust", 50, marks=needs_native), ("python", None)])
def bench_batch_presign_against_boto3(benchmark: Any, core: str, target: float | None) -> None:
    """1000 keys presigned in one call, against boto3 presigning them one by one."""
    benchmark.group = "sigv4: presigning, per URL"
    previous = (_core.backend, _core.BACKEND)
    _core.use(_native if core == "rust" else _purepy, core)
    try:
        auth = httpx_auth.AWS4Auth(ACCESS_ID, SECRET, "eu-west-1", "s3")
        bucket = "https://examplebucket.s3.eu-west-1.amazonaws.com"
        client = boto3_client()
        urls = auth.presign_keys(bucket, KEYS[:3], expires_in=900)
        assert urls[0].startswith(bucket + "/photos/2024/000/cat%2000000.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256")
        if benchmark.disabled:
            benchmark(lambda: None)
            return

        def ours_run(n: int) -> float:
            start = time.perf_counter()
            auth.presign_keys(bucket, KEYS[:n], expires_in=900)
            return time.perf_counter() - start

        def peer_run(n: int) -> float:
            start = time.perf_counter()
            for key in KEYS[:n]:
                client.generate_presigned_url(
                    "get_object", Params={"Bucket": "examplebucket", "Key": key}, ExpiresIn=900
                )
            return time.perf_counter() - start

        ours = min(per_call(ours_run, len(KEYS), 5) for _ in range(3))
        peer = min(per_call(peer_run, 200, 3) for _ in range(2))
        benchmark.pedantic(auth.presign_keys, args=(bucket, KEYS), kwargs={"expires_in": 900}, rounds=20)
    finally:
        _core.use(*previous)
    ratio = report(benchmark, f"batch presign ({core} core) vs boto3 generate_presigned_url", ours, peer, target or 0)
    if target is not None:
        assert ratio >= target


def bench_single_presign(benchmark: Any, backend: str) -> None:
    benchmark.group = "sigv4: presigning, per URL"
    auth = httpx_auth.AWS4Auth(ACCESS_ID, SECRET, "eu-west-1", "s3")
    url = benchmark(auth.presign, URL, expires_in=900)
    assert "X-Amz-Signature=" in url


# --- payload hashing --------------------------------------------------------------------

@pytest.fixture(scope="module")
def payload() -> bytes:
    return bytes(range(256)) * (64 * MIB // 256)


def hash_time(fn: Callable[[bytes], str], data: bytes, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn(data)
        best = min(best, time.perf_counter() - start)
    return best


def hashlib_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@needs_native
def bench_payload_hash_64mib_against_hashlib(benchmark: Any, payload: bytes) -> None:
    benchmark.group = "sigv4: payload hash, 64 MiB"
    assert _native.sha256_hex(payload) == hashlib_hex(payload)
    if benchmark.disabled:
        benchmark(lambda: None)
        return
    ours = min(hash_time(_native.sha256_hex, payload) for _ in range(2))
    peer = min(hash_time(hashlib_hex, payload) for _ in range(2))
    benchmark.pedantic(_native.sha256_hex, args=(payload,), rounds=5)
    ratio = report(benchmark, "sha256 of 64 MiB (compiled core) vs hashlib.sha256", ours, peer, 0.9)
    print(f"throughput: ours {64 / ours:.0f} MiB/s, hashlib {64 / peer:.0f} MiB/s")
    assert ratio >= 1 / 1.1  # within 10% of hashlib's throughput


def two_threads(fn: Callable[[bytes], str], data: bytes) -> float:
    barrier = threading.Barrier(3)

    def work() -> None:
        barrier.wait()
        fn(data)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start


def python_runs_while_hashing(fn: Callable[[bytes], str], data: bytes) -> int:
    """How many loops another Python thread ran while ``fn(data)`` hashed: none if the
    hash held the GIL throughout (whatever the machine's load)."""
    hashing, done = threading.Event(), threading.Event()
    loops = 0

    def count() -> None:
        nonlocal loops
        hashing.wait()
        while not done.is_set():
            loops += 1

    counter = threading.Thread(target=count)
    counter.start()
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1.0)  # the counter only runs if the GIL is given away
    try:
        hashing.set()
        fn(data)
        done.set()
    finally:
        sys.setswitchinterval(interval)
    counter.join()
    return loops


@needs_native
def bench_payload_hash_two_threads_scale(benchmark: Any, payload: bytes) -> None:
    """Two threads hashing 64 MiB each at once, against one thread hashing twice.

    Scaling needs two idle cores: hashlib (which releases the GIL too) is measured the same
    way, alternately, to tell a busy machine from a core that holds the GIL.
    """
    benchmark.group = "sigv4: payload hash, 64 MiB"
    if benchmark.disabled:
        two_threads(_native.sha256_hex, payload[:MIB])
        benchmark(lambda: None)
        return

    def scaling(fn: Callable[[bytes], str]) -> float:
        one = hash_time(fn, payload, repeat=2)
        both = min(two_threads(fn, payload) for _ in range(2))
        return 2 * one / both

    assert python_runs_while_hashing(_native.sha256_hex, payload) > 1000  # the GIL is released
    ours, peer = 0.0, 0.0
    for _ in range(5):
        ours, peer = max(ours, scaling(_native.sha256_hex)), max(peer, scaling(hashlib_hex))
    benchmark.pedantic(two_threads, args=(_native.sha256_hex, payload), rounds=3)
    benchmark.extra_info.update({"two_thread_scaling": ours, "hashlib_two_thread_scaling": peer})
    print(f"\ntwo threads hashing 64 MiB each: {ours:.2f}x the throughput of one "
          f"(hashlib: {peer:.2f}x; target 1.8x)")
    if peer >= 1.8:
        assert ours >= 1.8
    else:  # no two idle cores here: scale at least as well as hashlib does
        print("fewer than two idle cores: compared with hashlib's scaling instead")
        assert ours >= 0.9 * peer
