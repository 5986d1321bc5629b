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


def _run(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "httpx_auth", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, **kwargs)  # type: ignore[call-overload, no-any-return]


def test_demo_says_it_ran_offline_and_is_also_the_demo_command() -> None:
    out = _run("demo").stdout
    assert "authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l" in out
    assert out.rstrip().endswith("none left this machine.")
    assert "ran offline" in out


def test_help_lists_the_commands() -> None:
    result = _run("--help")
    assert result.returncode == 0
    assert result.stdout.startswith("usage: python -m httpx_auth")
    assert "demo" in result.stdout
    assert result.stderr == ""


def test_unknown_command_is_a_usage_error() -> None:
    result = _run("no-such-command")
    assert result.returncode == 2
    assert "invalid choice: 'no-such-command'" in result.stderr


def test_a_closed_pipe_ends_the_demo_quietly() -> None:
    """``python -m httpx_auth | head -1``: the reader is gone before the first write."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "httpx_auth"], stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=60
        )
    finally:
        os.close(write_end)
    assert result.returncode == 0
    assert result.stderr == ""
