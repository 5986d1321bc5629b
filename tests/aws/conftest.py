"""AWS-area fixtures: a clean AWS environment in a temporary home, and the fake services."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from httpx_auth._aws.credentials import _http

from aws_fakes import FakeAWS


@pytest.fixture
def aws_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No AWS setting from the machine: every AWS_* variable removed, HOME in a temp dir
    (so ``~/.aws`` is empty), instance metadata disabled unless a test enables it."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    (tmp_path / ".aws").mkdir()
    return tmp_path


@pytest.fixture
def fake_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAWS]:
    """The fake AWS services, answering every request of the credential sources."""
    fake = FakeAWS()
    monkeypatch.setattr(_http, "transport", fake.transport())
    yield fake
