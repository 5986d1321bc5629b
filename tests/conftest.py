"""Shared fixtures: the two backends of the core and the two HTTP libraries."""

from __future__ import annotations

import importlib
import platform
import sys
from types import ModuleType
from typing import Any

import pytest

import httpx_auth
from httpx_auth import _core

from backends import BACKENDS, native

if platform.python_implementation() == "PyPy":  # time-machine has no PyPy support
    import pypy_time_machine

    sys.modules.setdefault("time_machine", pypy_time_machine)


def pytest_report_header(config: pytest.Config) -> str:
    return f"httpx_auth backend: {httpx_auth.BACKEND} (compiled core available: {native is not None})"


@pytest.fixture(params=sorted(BACKENDS))
def core(request: pytest.FixtureRequest) -> Any:
    """Each backend module in turn, for tests that call the core directly."""
    return BACKENDS[request.param]


@pytest.fixture(params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest) -> Any:
    """Run the test with each backend active in ``_core`` (what auth classes use)."""
    previous = (_core.backend, _core.BACKEND)
    _core.use(BACKENDS[request.param], request.param)
    yield request.param
    _core.use(*previous)


@pytest.fixture(params=["httpx", "httpx2"])
def http(request: pytest.FixtureRequest) -> ModuleType:
    """``httpx`` and ``httpx2`` in turn: every auth must work with both."""
    return importlib.import_module(request.param)


@pytest.fixture
def echo(http: ModuleType) -> Any:
    """A transport (of the ``http`` library) that answers with what it received."""

    def handler(request: Any) -> Any:
        return http.Response(
            200,
            json={
                "method": request.method,
                "url": str(request.url),
                "headers": dict(request.headers),
                "body": request.content.decode("latin-1"),
            },
        )

    return http.MockTransport(handler)
