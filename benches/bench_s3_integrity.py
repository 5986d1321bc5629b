"""S3 integrity: our checksums and chunk signing against their peers, in the same run.

Run with ``python -m pytest benches/bench_s3_integrity.py -s`` to see the figures. Each
contender's CPU time is read with ``time.thread_time`` (the time this thread ran, which
other processes on a busy machine do not inflate), contenders alternate round by round
so a slow spell hits both, and the median and range over the rounds are reported. The
issue's targets are asserted here (never in the unit tests):

- CRC32C and CRC64NVME, compiled core: at least the speed of ``awscrt.checksums``
  (what botocore uses), within 10% for the noise of a shared machine;
- CRC32: at least the speed of ``zlib.crc32``;
- chunk signing of an aws-chunked upload (64 KiB chunks): within 25% of
  ``hashlib.sha256`` over the same bytes (SHA-256 of the data is most of its work).

Under ``--benchmark-disable`` (CI) each benchmark runs once and nothing is timed.
"""

from __future__ import annotations

import hashlib
import os
import statistics
import time
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from awscrt import checksums

try:
    from httpx_auth import _native
except ImportError:
    _native = None  # type: ignore[assignment]

needs_native = pytest.mark.skipif(_native is None, reason="compiled core not built in this install")

MIB = 1024 * 1024
SIZE = 32 * MIB
CHUNK = 64 * 1024
ROUNDS = 15


@pytest.fixture(scope="module")
def data() -> bytes:
    return os.urandom(SIZE)


def interleaved(contenders: dict[str, Callable[[], Any]], rounds: int = ROUNDS) -> dict[str, list[float]]:
    """CPU seconds of each contender per round, contenders alternating within a round."""
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for fn in contenders.values():
        fn()  # warm up
    for round_ in range(rounds):
        order = list(contenders.items())
        if round_ % 2:
            order.reverse()
        for name, fn in order:
            start = time.thread_time()
            fn()
            times[name].append(time.thread_time() - start)
    return times


def summary(benchmark: Any, title: str, times: dict[str, list[float]], megabytes: float) -> dict[str, float]:
    """Print median throughput (MiB/s) and range per contender; returns the medians."""
    medians = {}
    print(f"\n{title} ({megabytes:.0f} MiB, {ROUNDS} interleaved rounds, CPU time of this thread):")
    for name, samples in times.items():
        median = statistics.median(samples)
        medians[name] = median
        fast, slow = megabytes / min(samples), megabytes / max(samples)
        print(f"  {name:<28} median {megabytes / median:8.0f} MiB/s   range {slow:.0f}-{fast:.0f} MiB/s")
        benchmark.extra_info[f"{name}_mib_s"] = megabytes / median
    return medians


def _ratio(medians: dict[str, float], ours: str, peer: str) -> float:
    ratio = medians[peer] / medians[ours]
    print(f"  ours / peer speed: {ratio:.2f}x")
    return ratio


@needs_native
@pytest.mark.parametrize(("algorithm", "peer"), [("crc32c", checksums.crc32c), ("crc64nvme", checksums.crc64nvme)])
def bench_crc_against_awscrt(benchmark: Any, data: bytes, algorithm: str, peer: Any) -> None:
    benchmark.group = f"s3 checksum: {algorithm}, 32 MiB"
    ours_value = int.from_bytes(_native.checksum_digest(algorithm, data), "big")
    assert ours_value == peer(data)
    if benchmark.disabled:
        benchmark(lambda: None)
        return
    times = interleaved({"httpx_auth": lambda: _native.checksum_digest(algorithm, data), "awscrt": lambda: peer(data)})
    medians = summary(benchmark, f"{algorithm} vs awscrt.checksums.{algorithm}", times, SIZE / MIB)
    benchmark.pedantic(_native.checksum_digest, args=(algorithm, data), rounds=5)
    assert _ratio(medians, "httpx_auth", "awscrt") >= 0.9


@needs_native
def bench_crc32_against_zlib(benchmark: Any, data: bytes) -> None:
    benchmark.group = "s3 checksum: crc32, 32 MiB"
    assert int.from_bytes(_native.checksum_digest("crc32", data), "big") == zlib.crc32(data)
    if benchmark.disabled:
        benchmark(lambda: None)
        return
    times = interleaved({"httpx_auth": lambda: _native.checksum_digest("crc32", data), "zlib": lambda: zlib.crc32(data)})
    medians = summary(benchmark, "crc32 vs zlib.crc32", times, SIZE / MIB)
    benchmark.pedantic(_native.checksum_digest, args=("crc32", data), rounds=5)
    assert _ratio(medians, "httpx_auth", "zlib") >= 1.0


@needs_native
def bench_chunk_signing_against_hashlib(benchmark: Any, data: bytes) -> None:
    benchmark.group = "aws-chunked: signing 64 KiB chunks, 32 MiB"
    chunks = [data[start : start + CHUNK] for start in range(0, SIZE, CHUNK)]
    key = _native.sigv4_signing_key("secret", "20130524", "us-east-1", "s3")
    scope = "20130524/us-east-1/s3/aws4_request"

    def ours() -> None:
        previous = "0" * 64
        for chunk in chunks:
            previous = _native.sigv4_chunk_signature(key, "20130524T000000Z", scope, previous, chunk)

    def peer() -> None:
        for chunk in chunks:
            hashlib.sha256(chunk).hexdigest()

    if benchmark.disabled:
        benchmark(ours)
        return
    times = interleaved({"httpx_auth chunk signing": ours, "hashlib.sha256": peer})
    medians = summary(benchmark, "chunk signing vs hashlib.sha256 of the same chunks", times, SIZE / MIB)
    benchmark.pedantic(ours, rounds=5)
    assert _ratio(medians, "httpx_auth chunk signing", "hashlib.sha256") >= 0.75
