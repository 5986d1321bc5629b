"""Integration suite: real servers (django-oauth-toolkit, SeaweedFS, moto) and a real browser.

Run it with ``python -m pytest -m integration tests/integration``. Without ``-m
integration`` its tests are deselected (not skipped), so the default run starts nothing.
"""

from __future__ import annotations

import pytest

# The fixtures live in their own modules and are re-exported here.
from ._aws_fixtures import moto_s3, s3_server, seaweedfs_s3  # noqa: F401
from ._clients import sender  # noqa: F401
from ._oauth_fixtures import browser, oauth_server, token_cache_reset  # noqa: F401
from ._service_fixtures import service_server  # noqa: F401
from ._redis_fixtures import redis_db, redis_server, token_endpoint  # noqa: F401


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    markexpr = config.getoption("markexpr", "") or ""
    if "integration" in markexpr:
        return  # the user chose; pytest's own -m filtering applies
    deselected = [item for item in items if item.get_closest_marker("integration") is not None]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if item.get_closest_marker("integration") is None]
