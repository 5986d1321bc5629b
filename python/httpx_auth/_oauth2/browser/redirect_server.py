"""The local HTTP server that receives the authorization reply.

``wait_for_reply`` listens on ``127.0.0.1`` at the redirect URI's port, opens the
authorization URL in the browser and blocks until the reply arrived (or ``timeout``
seconds passed). It answers the redirect URI's path only; everything else gets a 404
and changes nothing, and so does a request without the right ``state`` (a 400 page).
What a request means is decided by ``reply.ReplyCatcher``.

The wait blocks the calling thread: grants run it as an ``Offload`` step, so async
clients run it in a worker thread and their event loop never blocks.
"""

from __future__ import annotations

import errno
import logging
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from httpx_auth._errors import RedirectPortUnavailable, TimeoutOccurred
from httpx_auth._oauth2.browser import opener
from httpx_auth._oauth2.browser.reply import AuthorizationRequest, Page, ReplyCatcher

logger = logging.getLogger("httpx_auth")

LISTEN_HOST = "127.0.0.1"
# A reply is a few kilobytes at most; anything much larger is not one.
MAX_BODY = 1 << 20


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Room for a burst of connections (other tabs, pre-connects) besides the browser's.
    request_queue_size = 128
    # On Windows SO_REUSEADDR lets another program bind the same port: never there.
    allow_reuse_address = sys.platform != "win32"

    def __init__(self, port: int, catcher: ReplyCatcher) -> None:
        self.catcher = catcher
        super().__init__((LISTEN_HOST, port), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Instead of a traceback on stderr. Never the error's text: it may quote the request.
        error = sys.exc_info()[1]
        if isinstance(error, (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)):
            logger.debug("Redirect server: the client disconnected (%s).", type(error).__name__)
        else:
            logger.warning("Redirect server: answering a request failed (%s).", type(error).__name__)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "httpx_auth"
    # One request per connection, and idle connections (a browser's speculative
    # pre-connects) are dropped after a while.
    protocol_version = "HTTP/1.0"
    timeout = 15

    def do_GET(self) -> None:
        if self._host_allowed():
            self._answer(self.server.catcher.handle("GET", self.path))

    def do_POST(self) -> None:
        if not self._host_allowed():
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self.send_error(413 if length > MAX_BODY else 400)
            return
        self._answer(self.server.catcher.handle("POST", self.path, self.rfile.read(length)))

    def do_HEAD(self) -> None:
        self.send_error(405)

    def _host_allowed(self) -> bool:
        # A page that rebinds its own domain name to 127.0.0.1 reaches this server with
        # its name in Host: answer only the names the redirect URI can be reached by.
        try:
            host = urlsplit("//" + (self.headers.get("Host") or "")).hostname or ""
        except ValueError:
            host = ""
        if host in ("localhost", "127.0.0.1", self.server.catcher.request.host):
            return True
        self.send_error(421, "Misdirected Request")
        return False

    def _answer(self, page: Page) -> None:
        body = page.html.encode("utf-8")
        self.send_response(page.status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        # The address holds a code or a token: keep it out of caches and referrers.
        self.send_header("Cache-Control", "no-store")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in page.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        # A malformed request line is answered before any path is known.
        logger.debug("Redirect server: %s %s -> %s", self.command, _no_query(getattr(self, "path", "")), code)

    def log_message(self, format: str, *args: Any) -> None:
        # http.server's error messages may quote the request line.
        logger.debug("Redirect server: " + format, *(_no_query(arg) if isinstance(arg, str) else arg for arg in args))


def _no_query(text: str) -> str:
    """``text`` cut at its first ``?``: a query string holds the authorization code."""
    path, mark, _ = text.partition("?")
    return path + ("?…" if mark else "")


def _listen(port: int, catcher: ReplyCatcher) -> _Server:
    try:
        return _Server(port, catcher)
    except OSError as error:
        if error.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1)):
            reason = "another program already uses it"
        elif error.errno in (errno.EACCES, getattr(errno, "WSAEACCES", -1)):
            reason = "permission denied (ports below 1024 usually need privileges)"
        else:
            reason = error.strerror or str(error)
        raise RedirectPortUnavailable(port, reason) from None


def wait_for_reply(request: AuthorizationRequest) -> dict[str, str]:
    """Open ``request.url`` in the browser and return the fields of the reply.

    Raises ``TimeoutOccurred`` when no reply arrived within ``request.timeout`` seconds,
    ``RedirectPortUnavailable`` when the port cannot be listened on, and
    ``InvalidGrantRequest`` / ``GrantNotProvided`` for a bad reply (the browser shows the
    failure page). Requests without the right ``state`` get an error page and are
    ignored: only the reply (or the timeout) ends the wait.
    """
    catcher = ReplyCatcher(request)
    server = _listen(request.port, catcher)
    serving = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name="httpx_auth-redirect-server",
        daemon=True,
    )
    serving.start()
    try:
        opener.open_in_background(request.url)
        if not catcher.done.wait(request.timeout):
            raise TimeoutOccurred(request.timeout)
        return catcher.outcome()
    finally:
        server.shutdown()
        server.server_close()
