"""Opening the browser: the BROWSER variable, text-mode browsers, and no browser at all.

The end-to-end tests here set BROWSER to a small Python script playing the browser and
the authorization server: it reads ``redirect_uri`` and ``state`` from the URL it is
asked to open and fetches the redirect URI over loopback, as a real browser would after
the user signed in.
"""

from __future__ import annotations

import logging
import os
import shlex
import socket
import sys
import time
import webbrowser
from pathlib import Path

import pytest

from httpx_auth import TimeoutOccurred
from httpx_auth._oauth2.browser import opener as browser
from httpx_auth._oauth2.browser import redirect_server
from httpx_auth._oauth2.browser.display import DisplaySettings
from httpx_auth._oauth2.browser.reply import AuthorizationRequest

FAKE_BROWSER = r'''
import sys, urllib.parse, urllib.request

url, mode, out = sys.argv[1], sys.argv[2], sys.argv[3]
query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
redirect_uri, state = query["redirect_uri"], query["state"]
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
if mode == "query":
    page = opener.open(f"{redirect_uri}?code=from-script&state={state}", timeout=10).read()
else:
    # The fragment stays in the browser: the first page's script posts it back.
    first = opener.open(redirect_uri, timeout=10).read().decode()
    assert "window.location.hash" in first, first
    body = urllib.parse.urlencode({"access_token": "script-token", "state": state}).encode()
    page = opener.open(urllib.request.Request(redirect_uri, data=body), timeout=10).read()
with open(out, "wb") as f:
    f.write(page)
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def authorization(grant_field: str = "code", timeout: float = 20) -> AuthorizationRequest:
    port = free_port()
    redirect_uri = f"http://localhost:{port}/"
    return AuthorizationRequest(
        url=f"https://idp.example/authorize?redirect_uri={redirect_uri}&state=the-state",
        redirect_uri=redirect_uri,
        state="the-state",
        grant_field=grant_field,
        port=port,
        timeout=timeout,
        display=DisplaySettings(success_html="<p>done</p>"),
    )


def page_written(out: Path) -> str:
    """The page the script received (it writes it after the server answered)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if out.exists() and out.stat().st_size:
            return out.read_text()
        time.sleep(0.02)
    raise AssertionError("the browser script never wrote the page it received")


def browser_command(tmp_path: Path, mode: str, background: bool) -> tuple[str, Path]:
    script = tmp_path / "fake_browser.py"
    script.write_text(FAKE_BROWSER)
    out = tmp_path / "page.html"
    command = " ".join(shlex.quote(part) for part in (sys.executable, str(script))) + f" %s {mode} {shlex.quote(str(out))}"
    return command + (" &" if background else ""), out


@pytest.mark.parametrize("background", [True, False], ids=["text-mode-in-background", "foreground"])
def test_browser_variable_drives_the_real_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, background: bool
) -> None:
    command, out = browser_command(tmp_path, "query", background)
    monkeypatch.setenv("BROWSER", command)
    fields = redirect_server.wait_for_reply(authorization())
    assert fields == {"code": "from-script", "state": "the-state"}
    assert page_written(out) == "<p>done</p>"


def test_browser_variable_with_a_fragment_reply(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    command, out = browser_command(tmp_path, "fragment", background=False)
    monkeypatch.setenv("BROWSER", command)
    fields = redirect_server.wait_for_reply(authorization("access_token"))
    assert fields["access_token"] == "script-token"
    assert page_written(out) == "<p>done</p>"


def test_browser_variable_is_read_at_each_opening(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, str]] = []

    class Recorder(webbrowser.BaseBrowser):
        def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
            calls.append((self.name, url))
            return True

    monkeypatch.setattr(webbrowser, "get", lambda using=None: Recorder(using or "default"))
    for name in ("first", "second"):
        monkeypatch.setenv("BROWSER", name)
        assert browser.open_url(f"https://idp/{name}")
    assert calls == [("first", "https://idp/first"), ("second", "https://idp/second")]


def test_later_browser_entries_are_tried_when_one_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    tried: list[str] = []

    def get(using: str | None = None) -> webbrowser.BaseBrowser:
        tried.append(str(using))
        if using == "broken":
            raise webbrowser.Error("could not locate runnable browser")
        return webbrowser.GenericBrowser(["true"])

    monkeypatch.setattr(webbrowser, "get", get)
    monkeypatch.setenv("BROWSER", os.pathsep.join(["broken", "works %s"]))
    assert browser.open_url("https://idp/")
    assert tried == ["broken", "works %s"]


def test_unrunnable_browser_command_reports_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROWSER", f"{tmp_path / 'no-such-browser'} %s")
    assert browser.open_url("https://idp/") is False


def test_without_browser_variable_webbrowser_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[tuple[str, int]] = []
    monkeypatch.delenv("BROWSER", raising=False)
    monkeypatch.setattr(webbrowser, "open", lambda url, new=0: opened.append((url, new)) or True)
    assert browser.open_url("https://idp/x")
    assert opened == [("https://idp/x", 1)]


def test_no_browser_logs_the_address_to_open_by_hand(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(browser, "open_url", lambda url: False)
    request = authorization(timeout=0.3)
    with caplog.at_level(logging.WARNING, logger="httpx_auth"), pytest.raises(TimeoutOccurred):
        redirect_server.wait_for_reply(request)
    assert any(request.url in message and "BROWSER" in message for message in caplog.messages)


def test_a_crashing_browser_is_logged_not_raised(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def crash(url: str) -> bool:
        raise RuntimeError("boom")

    monkeypatch.setattr(browser, "open_url", crash)
    with caplog.at_level(logging.WARNING, logger="httpx_auth"), pytest.raises(TimeoutOccurred):
        redirect_server.wait_for_reply(authorization(timeout=0.3))
    assert any("Starting the web browser failed" in message for message in caplog.messages)
