"""The README's first command ends with ``python -m httpx_auth``: it must work offline."""

from __future__ import annotations

import subprocess
import sys


def test_demo_runs_and_shows_each_auth() -> None:
    result = subprocess.run([sys.executable, "-m", "httpx_auth"], capture_output=True, text=True, check=True, timeout=60)
    out = result.stdout
    assert "core backend: " in out
    assert "authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l" in out
    assert "x-api-key: my-api-key" in out
    assert "?page=2&api_key=my-api-key" in out
    assert "opensesame" not in out
