"""What docs/hardening.md says of QueryApiKey and logs: the key is in httpx's own INFO line
of the URL (httpx's log), never in a line of httpx_auth's."""

from __future__ import annotations

import logging
from types import ModuleType

import pytest

from httpx_auth import QueryApiKey


def test_the_key_is_in_httpx_log_only(http: ModuleType, caplog: pytest.LogCaptureFixture) -> None:
    transport = http.MockTransport(lambda request: http.Response(200))
    with caplog.at_level(logging.DEBUG), http.Client(transport=transport) as client:
        client.get("https://api.example/a", auth=QueryApiKey("the-query-key"))
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("httpx_auth")]
    theirs = [r.getMessage() for r in caplog.records if r.name == http.__name__ and r.levelno == logging.INFO]
    assert not any("the-query-key" in message for message in ours)
    assert any("the-query-key" in message for message in theirs)  # if httpx stops, update the doc
