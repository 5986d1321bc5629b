"""AWS Signature Version 4: ours against AWS's own Python signers, measured in the same run.

Run with ``python -m pytest benches/bench_aws.py -s`` to see the figures. Contenders are
interleaved round by round and timed in CPU time of the thread (benches/measure.py);
each figure is a median with its range. The targets of the performance issue are
asserted here (never in the unit tests):

- header signing above request construction (the request is built untimed): >= 20x
  botocore's ``S3SigV4Auth`` with the compiled core, >= 6x with the pure twin;
- a single ``presign()``: >= 30x botocore's ``S3SigV4QueryAuth`` on the same URL, and at
  most 3x the per-URL cost of ``presign_keys`` (compiled core);
- payload hashing of 64 MiB: within 10% of ``hashlib.sha256``, and two threads hashing
  at once go >= 1.8x as fast as one.

Under ``--benchmark-disable`` (CI) each benchmark runs its calls once and times nothing.
"""

from __future__ import annotations

import hashlib
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

import httpx_auth
from httpx_auth import _core

from conftest import BACKENDS
from measure import Stats, interleaved, on_fresh, ratio, timed

_native = BACKENDS.get("rust")
needs_native = pytest.mark.skipif(_native is None, reason="compiled core not built in this install")

ACCESS_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
BUCKET = "https://examplebucket.s3.eu-west-1.amazonaws.com"
URL = BUCKET + "/photos/2024/06/cat-0042.jpg"
MIB = 1024 * 1024
ROUNDS = 15


def report(benchmark: Any, title: str, rows: dict[str, Stats], ratios: dict[str, tuple[Stats, str]]) -> None:
    """Print the figures (and keep them in the benchmark's extra_info)."""
    print(f"\n{title}")
    for name, stats in rows.items():
        print(f"  {name:46s} {stats.us()}")
        benchmark.extra_info[f"{name} us"] = [stats.median * 1e6, stats.low * 1e6, stats.high * 1e6]
    for name, (stats, target) in ratios.items():
        print(f"  {name:46s} {stats.x()}  (target {target})")
        benchmark.extra_info[name] = [stats.median, stats.low, stats.high]


def auth_on(core: str) -> httpx_auth.AWS4Auth:
    _core.use(BACKENDS[core], core)
    return httpx_auth.AWS4Auth(ACCESS_ID, SECRET, "eu-west-1", "s3")


def using(core: str, call: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``call`` run with ``core`` active (contenders of different backends interleave)."""
    module = BACKENDS[core]

    def run(item: Any) -> Any:
        _core.backend = module
        return call(item)

    return run


@pytest.fixture
def restore_backend() -> Any:
    previous = (_core.backend, _core.BACKEND)
    yield
    _core.use(*previous)


# --- header signing ----------------------------------------------------------------


def botocore_signer() -> Callable[[Any], Any]:
    from botocore.auth import S3SigV4Auth
    from botocore.credentials import Credentials

    return S3SigV4Auth(Credentials(ACCESS_ID, SECRET), "s3", "eu-west-1").add_auth


def botocore_request() -> Any:
    from botocore.awsrequest import AWSRequest

    return AWSRequest(method="GET", url=URL)


def bench_header_signing_against_botocore(benchmark: Any, restore_backend: Any) -> None:
    """The same S3 GET signed through AWS4Auth's flow (each backend) and by botocore."""
    benchmark.group = "sigv4: header signing, S3 GET"
    contenders: dict[str, tuple[Any, int]] = {}
    for core in BACKENDS:
        auth = auth_on(core)
        request = httpx.Request("GET", URL)
        next(auth.sync_auth_flow(request))
        assert request.headers["authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/")
        flow = auth.sync_auth_flow
        sign = using(core, lambda r, flow=flow: next(flow(r)))
        contenders[f"AWS4Auth flow ({core} core)"] = (on_fresh(lambda: httpx.Request("GET", URL), sign), 2000)
    contenders["botocore S3SigV4Auth.add_auth"] = (on_fresh(botocore_request, botocore_signer()), 200)
    if benchmark.disabled:
        benchmark(lambda: [run(1) for run, _ in contenders.values()])
        return
    times = interleaved(contenders, ROUNDS)
    peer = times["botocore S3SigV4Auth.add_auth"]
    targets = {"rust": 20, "python": 6}
    found = {core: ratio(peer, times[f"AWS4Auth flow ({core} core)"]) for core in BACKENDS}
    ratios = {f"faster than botocore ({core} core)": (found[core], f">= {targets[core]}x") for core in BACKENDS}
    report(benchmark, "header signing above request construction", {k: Stats.of(v) for k, v in times.items()}, ratios)
    benchmark.pedantic(lambda: None, rounds=1)
    for core, stats in found.items():
        assert stats.median >= targets[core], core


# --- presigning -----------------------------------------------------------------------

KEYS = [f"photos/2024/{day:03d}/cat {n:05d}.jpg" for day in range(10) for n in range(100)]


def botocore_presigner() -> Callable[[Any], Any]:
    from botocore.auth import S3SigV4QueryAuth
    from botocore.credentials import Credentials

    return S3SigV4QueryAuth(Credentials(ACCESS_ID, SECRET), "s3", "eu-west-1", expires=900).add_auth


def bench_presign_against_botocore(benchmark: Any, restore_backend: Any) -> None:
    """One URL presigned by ``presign()`` (each backend) and by botocore's query signer;
    and ``presign_keys`` on 1000 keys, per URL."""
    benchmark.group = "sigv4: presigning, per URL"
    contenders: dict[str, tuple[Any, int]] = {}
    for core in BACKENDS:
        auth = auth_on(core)
        assert auth.presign(URL, expires_in=900).startswith(URL + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&")
        batch = auth.presign_keys(BUCKET, KEYS[:2], expires_in=900)
        assert batch[0].startswith(BUCKET + "/photos/2024/000/cat%2000000.jpg?X-Amz-Algorithm=")
        presign = using(core, lambda url, auth=auth: auth.presign(url, expires_in=900))
        contenders[f"presign() ({core} core)"] = (timed(lambda presign=presign: presign(URL)), 2000)
        keys = using(core, lambda _, auth=auth: auth.presign_keys(BUCKET, KEYS, expires_in=900))
        contenders[f"presign_keys, 1000 keys ({core} core)"] = (timed(lambda keys=keys: keys(None)), 2)
    contenders["botocore S3SigV4QueryAuth.add_auth"] = (on_fresh(botocore_request, botocore_presigner()), 200)
    if benchmark.disabled:
        benchmark(lambda: [run(1) for run, _ in contenders.values()])
        return
    times = interleaved(contenders, ROUNDS)
    for core in BACKENDS:  # per URL of the batch
        times[f"presign_keys, per URL ({core} core)"] = [t / len(KEYS) for t in times.pop(f"presign_keys, 1000 keys ({core} core)")]
    peer = times["botocore S3SigV4QueryAuth.add_auth"]
    ratios: dict[str, tuple[Stats, str]] = {}
    for core in BACKENDS:
        single = times[f"presign() ({core} core)"]
        ratios[f"presign() faster than botocore ({core} core)"] = (ratio(peer, single), ">= 30x" if core == "rust" else "-")
        over_batch = ratio(single, times[f"presign_keys, per URL ({core} core)"])
        ratios[f"presign() / batch per URL ({core} core)"] = (over_batch, "<= 3x" if core == "rust" else "-")
    report(benchmark, "presigning one URL", {k: Stats.of(v) for k, v in times.items()}, ratios)
    benchmark.pedantic(lambda: None, rounds=1)
    if _native is not None:
        assert ratios["presign() faster than botocore (rust core)"][0].median >= 30
        assert ratios["presign() / batch per URL (rust core)"][0].median <= 3


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
    speed = peer / ours
    benchmark.extra_info.update({"ours_s": ours, "hashlib_s": peer, "ratio": speed})
    print(f"\nsha256 of 64 MiB: ours {64 / ours:.0f} MiB/s, hashlib {64 / peer:.0f} MiB/s ({speed:.2f}x; target >= 0.91x)")
    assert speed >= 1 / 1.1  # within 10% of hashlib's throughput


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
