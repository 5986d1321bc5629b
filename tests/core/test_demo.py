"""The README's first command ends with ``python -m httpx_auth``: it must work offline."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize("no_extensions", ["0", "1"])
def test_demo_runs_and_shows_each_auth(no_extensions: str) -> None:
    env = {**os.environ, "HTTPX_AUTH_NO_EXTENSIONS": no_extensions}
    result = subprocess.run(
        [sys.executable, "-m", "httpx_auth"], capture_output=True, text=True, check=True, timeout=60, env=env
    )
    out = result.stdout
    assert "core backend: " in out
    assert "authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l" in out
    assert "x-api-key: my-api-key" in out
    assert "?page=2&api_key=my-api-key" in out
    assert "signature matches the one published by AWS" in out
    assert "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41" in out
    assert "presigned for 15 minutes: https://examplebucket.s3.amazonaws.com/report.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256" in out
    assert "token requests so far: 1" in out
    for secret in ("opensesame", "demo-secret", "wJalrXUtnFEMI"):
        assert secret not in out
