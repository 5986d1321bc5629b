"""Benchmark fixtures. Run with ``python -m pytest benches -s`` (never part of the test run).

The backends benchmarked are ``_core.available()``, the same list the test suite runs
on (HTTPX_AUTH_NO_EXTENSIONS=1 leaves only the twin).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from httpx_auth import _core

sys.path.insert(0, str(Path(__file__).parent))  # measure.py

BACKENDS = dict(_core.available())


@pytest.fixture(params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest) -> Any:
    """Run the benchmark with each backend active in ``_core``."""
    previous = (_core.backend, _core.BACKEND)
    _core.use(BACKENDS[request.param], request.param)
    yield request.param
    _core.use(*previous)
