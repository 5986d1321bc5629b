"""Benchmark fixtures. Run with ``python -m pytest benches`` (never part of the test run)."""

from __future__ import annotations

from typing import Any

import pytest

from httpx_auth import _core, _purepy

try:
    from httpx_auth import _native
except ImportError:
    _native = None  # type: ignore[assignment]

BACKENDS = {"python": _purepy, **({"rust": _native} if _native is not None else {})}


@pytest.fixture(params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest) -> Any:
    """Run the benchmark with each backend active in ``_core``."""
    previous = (_core.backend, _core.BACKEND)
    _core.use(BACKENDS[request.param], request.param)
    yield request.param
    _core.use(*previous)
