"""How the benchmarks time contenders: CPU time of the calling thread
(``time.thread_time``), contenders interleaved round by round (each round runs every
contender once, in a rotating order, so a busy machine slows them all alike), and the
median and range over the rounds. A ratio is taken round by round, then summarised."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

Batch = Callable[[int], float]  # run n calls (inputs prepared untimed), return their CPU seconds


@dataclass(frozen=True)
class Stats:
    """Median and range of per-call times (seconds) or of ratios."""

    median: float
    low: float
    high: float

    @classmethod
    def of(cls, values: list[float]) -> Stats:
        return cls(statistics.median(values), min(values), max(values))

    def us(self) -> str:
        return f"{self.median * 1e6:.2f} us ({self.low * 1e6:.2f}-{self.high * 1e6:.2f})"

    def ms(self) -> str:
        return f"{self.median * 1e3:.1f} ms ({self.low * 1e3:.1f}-{self.high * 1e3:.1f})"

    def x(self) -> str:
        return f"{self.median:.1f}x ({self.low:.1f}-{self.high:.1f})"


def timed(calls: Callable[[], object]) -> Batch:
    """A batch runner for a call that needs no fresh input."""

    def run(n: int) -> float:
        start = time.thread_time()
        for _ in range(n):
            calls()
        return time.thread_time() - start

    return run


def on_fresh(prepare: Callable[[], object], call: Callable[[object], object]) -> Batch:
    """A batch runner for a call that needs a fresh input each time (built untimed)."""

    def run(n: int) -> float:
        items = [prepare() for _ in range(n)]
        start = time.thread_time()
        for item in items:
            call(item)
        return time.thread_time() - start

    return run


def interleaved(contenders: dict[str, tuple[Batch, int]], rounds: int = 15) -> dict[str, list[float]]:
    """Per-call seconds of each contender (runner, calls per round), round by round."""
    names = list(contenders)
    times: dict[str, list[float]] = {name: [] for name in names}
    enabled = gc.isenabled()
    gc.disable()
    try:
        for name in names:  # warm up
            run, n = contenders[name]
            run(max(1, n // 10))
        for index in range(rounds):
            shift = index % len(names)
            for name in names[shift:] + names[:shift]:
                run, n = contenders[name]
                times[name].append(run(n) / n)
    finally:
        if enabled:
            gc.enable()
    return times


def ratio(peer: list[float], ours: list[float]) -> Stats:
    """How many times faster ``ours`` is than ``peer``, round by round."""
    return Stats.of([p / o for p, o in zip(peer, ours)])
