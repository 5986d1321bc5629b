"""The cost of ``import httpx_auth`` above ``import httpx``, against httpx's own import
cost, each measured in a fresh interpreter (CPU time of its thread), round by round.

Target: at most half of httpx's own import cost. Run with
``python -m pytest benches/bench_import.py -s``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from measure import Stats

ROUNDS = 21
# Python's own start-up is outside both figures: only the two imports are timed.
CODE = (
    "import time; t0 = time.thread_time(); import httpx; t1 = time.thread_time(); "
    "import httpx_auth; t2 = time.thread_time(); print(t1 - t0, t2 - t1)"
)


def one_round() -> tuple[float, float]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPROFILEIMPORTTIME"}
    out = subprocess.run([sys.executable, "-c", CODE], env=env, capture_output=True, text=True, check=True)
    httpx_cost, ours = out.stdout.split()
    return float(httpx_cost), float(ours)


def bench_import_cost_above_httpx(benchmark: Any) -> None:
    benchmark.group = "import cost"
    if benchmark.disabled:
        benchmark(one_round)
        return
    rounds = [one_round() for _ in range(ROUNDS)]
    httpx_costs, ours = [r[0] for r in rounds], [r[1] for r in rounds]
    share = Stats.of([o / h for h, o in rounds])
    print("\nimport cost (fresh interpreter, CPU time)")
    print(f"  import httpx                                  {Stats.of(httpx_costs).ms()}")
    print(f"  import httpx_auth, above httpx                {Stats.of(ours).ms()}")
    print(f"  ours / httpx's                                {share.median:.2f} ({share.low:.2f}-{share.high:.2f})"
          "  (target <= 0.50)")
    benchmark.extra_info.update({"httpx_us": Stats.of(httpx_costs).median * 1e6,
                                 "ours_above_httpx_us": Stats.of(ours).median * 1e6, "share": share.median})
    benchmark.pedantic(lambda: None, rounds=1)
    assert share.median <= 0.5
