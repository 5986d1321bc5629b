"""The real redirect server, on a free loopback port, driven by a scripted browser."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from httpx_auth import GrantNotProvided, HttpxAuthException, InvalidGrantRequest, TimeoutOccurred
from httpx_auth._errors import RedirectPortUnavailable
from httpx_auth._oauth2.browser import opener as browser
from httpx_auth._oauth2.browser import redirect_server
from httpx_auth._oauth2.browser.display import DisplaySettings
from httpx_auth._oauth2.browser.reply import AuthorizationRequest, ReplyCatcher

STATE = "st4te-" + "x" * 40


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def request_for(port: int, *, grant_field: str = "code", endpoint: str = "/cb", timeout: float = 10) -> AuthorizationRequest:
    redirect_uri = f"http://localhost:{port}{endpoint}"
    return AuthorizationRequest(
        url=f"https://idp.example/authorize?redirect_uri={redirect_uri}&state={STATE}",
        redirect_uri=redirect_uri,
        state=STATE,
        grant_field=grant_field,
        port=port,
        timeout=timeout,
        display=DisplaySettings(success_html="<p>success</p>", failure_html="<p>failure: {information}</p>"),
    )


class ScriptedBrowser:
    """Replaces ``browser.open_url``: runs ``script(redirect_uri)`` as the browser would."""

    def __init__(self, script: Callable[[httpx.Client, str], None]) -> None:
        self.script = script
        self.opened: list[str] = []
        self.responses: list[httpx.Response] = []
        self.finished = threading.Event()

    def __call__(self, url: str) -> bool:
        self.opened.append(url)
        redirect_uri = parse_qs(urlsplit(url).query)["redirect_uri"][0]
        try:
            with httpx.Client(trust_env=False, event_hooks={"response": [self._keep]}) as client:
                self.script(client, redirect_uri)
        finally:
            self.finished.set()
        return True

    def _keep(self, response: httpx.Response) -> None:
        response.read()
        self.responses.append(response)


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch) -> Callable[[Callable[[httpx.Client, str], None]], ScriptedBrowser]:
    def install(script: Callable[[httpx.Client, str], None]) -> ScriptedBrowser:
        fake = ScriptedBrowser(script)
        monkeypatch.setattr(browser, "open_url", fake)
        return fake

    return install


def test_code_reply_over_loopback(scripted: Any) -> None:
    fake = scripted(lambda client, uri: client.get(f"{uri}?code=the-code&state={STATE}"))
    port = free_port()
    fields = redirect_server.wait_for_reply(request_for(port))
    assert fields == {"code": "the-code", "state": STATE}
    assert fake.finished.wait(5)
    (response,) = fake.responses
    assert (response.status_code, response.text) == (200, "<p>success</p>")
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert fake.opened == [request_for(port).url]


def test_fragment_reply_is_handed_back_by_a_second_request(scripted: Any) -> None:
    def browser_with_javascript(client: httpx.Client, uri: str) -> None:
        page = client.get(uri)  # the fragment never reaches the server
        assert "URLSearchParams(window.location.hash" in page.text
        client.post(uri, data={"access_token": "tok", "state": STATE, "expires_in": "60"})

    fake = scripted(browser_with_javascript)
    fields = redirect_server.wait_for_reply(request_for(free_port(), grant_field="access_token"))
    assert fields["access_token"] == "tok" and fields["expires_in"] == "60"
    assert fake.finished.wait(5)
    assert [r.text for r in fake.responses][-1] == "<p>success</p>"


def test_other_paths_are_ignored_until_the_reply_arrives(scripted: Any) -> None:
    def script(client: httpx.Client, uri: str) -> None:
        base = uri.rsplit("/", 1)[0]
        assert client.get(f"{base}/favicon.ico").status_code == 404
        assert client.get(f"{base}/other?code=x&state={STATE}").status_code == 404
        assert client.head(uri).status_code == 405
        client.get(f"{uri}?code=right&state={STATE}")

    fake = scripted(script)
    assert redirect_server.wait_for_reply(request_for(free_port()))["code"] == "right"
    assert fake.finished.wait(5)
    assert [r.status_code for r in fake.responses] == [404, 404, 405, 200]


@pytest.mark.parametrize(
    ("query", "error_type", "words"),
    [
        (f"error=access_denied&error_description=Nope&state={STATE}", InvalidGrantRequest, "access_denied: Nope"),
        (f"state={STATE}&other=1", GrantNotProvided, "code not provided"),
    ],
)
def test_bad_replies_show_the_failure_page_and_raise(
    scripted: Any, query: str, error_type: type[Exception], words: str
) -> None:
    def script(client: httpx.Client, uri: str) -> None:
        if "code=" in query or "error=" in query:
            client.get(f"{uri}?{query}")
        else:  # no grant in the query: the page script posts the (empty) fragment back
            client.get(f"{uri}?{query}")
            client.post(f"{uri}?{query}")

    fake = scripted(script)
    with pytest.raises(error_type, match=words):
        redirect_server.wait_for_reply(request_for(free_port()))
    assert fake.finished.wait(5)
    assert fake.responses[-1].text.startswith("<p>failure: ")
    assert words in fake.responses[-1].text


def test_no_reply_in_time_raises_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browser, "open_url", lambda url: True)  # the user never signs in
    with pytest.raises(TimeoutOccurred) as raised:
        redirect_server.wait_for_reply(request_for(free_port(), timeout=0.2))
    assert raised.value.timeout == 0.2
    assert "0.2 seconds" in str(raised.value)


def test_port_already_in_use_names_the_port(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(browser, "open_url", opened.append)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(RedirectPortUnavailable) as raised:
            redirect_server.wait_for_reply(request_for(port))
    assert isinstance(raised.value, HttpxAuthException)
    assert raised.value.port == port
    assert f"port {port}" in str(raised.value) and "redirect_uri_port" in str(raised.value)
    assert opened == []  # the browser is not sent to a server that is not ours


def test_the_port_is_free_again_after_the_wait(scripted: Any) -> None:
    port = free_port()
    for code in ("one", "two"):
        scripted(lambda client, uri, code=code: client.get(f"{uri}?code={code}&state={STATE}"))
        assert redirect_server.wait_for_reply(request_for(port))["code"] == code


def test_the_server_listens_on_loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    def check(url: str) -> bool:
        seen.append(redirect_server.LISTEN_HOST)
        return True

    monkeypatch.setattr(browser, "open_url", check)
    with pytest.raises(TimeoutOccurred):
        redirect_server.wait_for_reply(request_for(free_port(), timeout=0.1))
    assert seen == ["127.0.0.1"]


def test_the_listening_socket_is_bound_to_loopback() -> None:
    port = free_port()
    server = redirect_server._listen(port, ReplyCatcher(request_for(port)))
    try:
        assert server.socket.getsockname() == ("127.0.0.1", port)
    finally:
        server.server_close()


def test_an_oversized_post_is_refused_without_ending_the_wait(scripted: Any) -> None:
    def script(client: httpx.Client, uri: str) -> None:
        big = client.post(uri, content=b"x" * (redirect_server.MAX_BODY + 1))
        assert big.status_code == 413
        client.get(f"{uri}?code=ok&state={STATE}")

    scripted(script)
    assert redirect_server.wait_for_reply(request_for(free_port()))["code"] == "ok"


def test_the_code_never_reaches_the_logs(scripted: Any, caplog: pytest.LogCaptureFixture) -> None:
    fake = scripted(lambda client, uri: client.get(f"{uri}?code=secret-code-123&state={STATE}"))
    with caplog.at_level(logging.DEBUG, logger="httpx_auth"):
        redirect_server.wait_for_reply(request_for(free_port()))
        assert fake.finished.wait(5)
    messages = [record.getMessage() for record in caplog.records if record.name == "httpx_auth"]
    assert any("GET /cb" in message for message in messages), messages
    assert not any("secret-code-123" in message or STATE in message for message in messages), messages


def test_a_malformed_request_line_does_not_log_the_code(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def send_malformed(url: str) -> bool:
        redirect_uri = parse_qs(urlsplit(url).query)["redirect_uri"][0]
        with socket.create_connection(("127.0.0.1", urlsplit(redirect_uri).port or 80)) as raw:
            # Four words: http.server answers 400 "Bad request syntax", quoting the line.
            raw.sendall(b"GET /cb?code=leaked-code x HTTP/1.1\r\nHost: localhost\r\n\r\n")
            answer = raw.recv(65536)
        assert b"400" in answer  # answered, not dropped by a crashing handler
        return True

    monkeypatch.setattr(browser, "open_url", send_malformed)
    with caplog.at_level(logging.DEBUG, logger="httpx_auth"), pytest.raises(TimeoutOccurred):
        redirect_server.wait_for_reply(request_for(free_port(), timeout=1))
    messages = [record.getMessage() for record in caplog.records if record.name == "httpx_auth"]
    assert any("400" in message for message in messages), messages
    assert not any("leaked-code" in message for message in messages), messages


def test_requests_for_other_host_names_are_refused(scripted: Any) -> None:
    def script(client: httpx.Client, uri: str) -> None:
        # What a page that rebinds its own name to 127.0.0.1 would send.
        rebound = client.get(f"{uri}?code=x&state={STATE}", headers={"Host": "attacker.example:80"})
        assert rebound.status_code == 421
        assert client.get(f"{uri}?code=ok&state={STATE}", headers={"Host": "127.0.0.1"}).status_code == 200

    fake = scripted(script)
    assert redirect_server.wait_for_reply(request_for(free_port()))["code"] == "ok"
    assert fake.finished.wait(5)


def test_the_redirect_uri_domain_is_an_accepted_host(scripted: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    port = free_port()
    request = request_for(port)
    custom = AuthorizationRequest(
        url=request.url,
        redirect_uri=f"http://My.Host.example:{port}/cb",
        state=STATE,
        grant_field="code",
        port=port,
        timeout=10,
        display=request.display,
    )
    scripted(
        lambda client, uri: client.get(f"{uri}?code=c&state={STATE}", headers={"Host": f"my.host.example:{port}"})
    )
    assert redirect_server.wait_for_reply(custom)["code"] == "c"


def test_requests_without_the_state_are_refused_and_the_wait_goes_on(scripted: Any) -> None:
    def script(client: httpx.Client, uri: str) -> None:
        for answer in (
            client.get(f"{uri}?code=forged&state=wrong"),
            client.get(f"{uri}?code=forged"),
            client.post(uri),  # an empty POST
            client.post(uri, content=b'{"x": "<b>injected</b>"}', headers={"Origin": "https://evil.example"}),
        ):
            assert answer.status_code == 400
            assert "injected" not in answer.text and "forged" not in answer.text
        assert client.get(f"{uri}?code=real&state={STATE}").status_code == 200

    fake = scripted(script)
    assert redirect_server.wait_for_reply(request_for(free_port()))["code"] == "real"
    assert fake.finished.wait(5)


def test_only_requests_without_the_state_end_in_the_timeout(scripted: Any) -> None:
    scripted(lambda client, uri: client.get(f"{uri}?code=forged&state=wrong"))
    with pytest.raises(TimeoutOccurred):
        redirect_server.wait_for_reply(request_for(free_port(), timeout=0.5))


def test_the_listen_backlog_takes_a_burst_of_connections() -> None:
    assert redirect_server._Server.request_queue_size >= 128


def test_a_client_that_disconnects_is_logged_at_debug_not_on_stderr(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    def disconnected() -> bool:
        return any("disconnected" in r.getMessage() and r.levelno == logging.DEBUG for r in caplog.records)

    def hang_up(url: str) -> bool:
        redirect_uri = parse_qs(urlsplit(url).query)["redirect_uri"][0]
        port = urlsplit(redirect_uri).port or 80
        with socket.create_connection(("127.0.0.1", port)) as raw:
            # A body announced but never sent, then a reset: the server's read fails.
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            raw.sendall(b"POST /cb HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\npartial")
        deadline = time.monotonic() + 10
        while not disconnected() and time.monotonic() < deadline:
            time.sleep(0.01)
        with socket.create_connection(("127.0.0.1", port)) as raw:
            raw.sendall(f"GET /cb?code=ok&state={STATE} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
            raw.recv(65536)
        return True

    monkeypatch.setattr(browser, "open_url", hang_up)
    with caplog.at_level(logging.DEBUG, logger="httpx_auth"):
        assert redirect_server.wait_for_reply(request_for(free_port()))["code"] == "ok"
    assert disconnected()
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize(
    ("error", "level", "words"),
    [
        (ValueError("quoted: code=secret-code"), logging.WARNING, "failed (ValueError)"),
        (BrokenPipeError("code=secret-code"), logging.DEBUG, "disconnected (BrokenPipeError)"),
        (ConnectionResetError("code=secret-code"), logging.DEBUG, "disconnected (ConnectionResetError)"),
    ],
)
def test_handler_errors_are_logged_without_request_content(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str], error: Exception, level: int, words: str
) -> None:
    server = redirect_server._Server(0, ReplyCatcher(request_for(free_port())))
    try:
        try:
            raise error
        except Exception:
            with caplog.at_level(logging.DEBUG, logger="httpx_auth"):
                server.handle_error(None, ("127.0.0.1", 1))
    finally:
        server.server_close()
    assert [(r.levelno, words in r.getMessage()) for r in caplog.records] == [(level, True)]
    assert "secret-code" not in caplog.text and capsys.readouterr().err == ""
