"""Fixtures for the RedisTokenCache tests: a real ``redis-server`` (Debian package) on
127.0.0.1, a free port and its own temporary folder, stopped by PID (and stoppable and
restartable by a test); and a token endpoint served by the test, counting its requests."""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

from ._servers import ManagedProcess, free_port

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def _pong(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
        sock.sendall(b"PING\r\n")
        return sock.recv(16).startswith(b"+PONG")


class RedisServer:
    """One redis-server without persistence; ``stop()`` and ``start()`` keep its port."""

    def __init__(self, folder: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (Debian package redis-server; see .ci/integration)")
        self.port = free_port()
        self.folder = folder
        argv = [binary, "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(folder)]
        argv += ["--save", "", "--appendonly", "no", "--daemonize", "no", "--databases", "1"]
        self.process = ManagedProcess("redis-server", argv, folder / "redis.log", cwd=folder)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process.start(lambda: _pong(self.port), timeout=30)

    def stop(self) -> None:
        self.process.stop(grace=5)

    def client(self) -> Any:
        import redis

        return redis.Redis.from_url(self.url)


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_db(redis_server: RedisServer) -> Iterator[RedisServer]:
    """The module's Redis, running (a test may have stopped it) and empty."""
    if redis_server.process.process is None or redis_server.process.process.poll() is not None:
        redis_server.start()
    client = redis_server.client()
    client.flushall()
    client.close()
    yield redis_server


class TokenEndpoint:
    """``/token`` answers client credentials requests with ``token-<n>``; ``/api`` echoes
    the Authorization header. ``delay`` slows every token answer; while ``hang`` is set,
    token requests get no answer (until the server stops).

    ``/device`` is a device authorization endpoint (RFC 8628, polls every second): the
    user "approves" ``approve_after`` seconds after the first device request; device code
    polls answer ``authorization_pending`` until then (not counted in ``requests``)."""

    def __init__(self) -> None:
        self.requests = 0
        self.device_requests = 0
        self.approve_after = 0.0
        self._approved_at: float | None = None
        self.delay = 0.0
        self.expires_in = 3600
        self.hang = threading.Event()
        self.received = threading.Event()  # a token request arrived
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, body: dict[str, Any], status: int = 200) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                form = parse_qs(self.rfile.read(int(self.headers.get("Content-Length", 0))).decode())
                if self.path == "/device" or form.get("grant_type") == [DEVICE_CODE_GRANT]:
                    self._device(self.path == "/device")
                    return
                with endpoint._lock:
                    endpoint.requests += 1
                    n = endpoint.requests
                endpoint.received.set()
                if endpoint.hang.is_set():
                    endpoint._stopping.wait(120)
                    return
                time.sleep(endpoint.delay)
                self._answer({"access_token": f"token-{n}", "token_type": "Bearer", "expires_in": endpoint.expires_in})

            def _device(self, authorize: bool) -> None:
                with endpoint._lock:
                    if authorize:
                        endpoint.device_requests += 1
                        if endpoint._approved_at is None:
                            endpoint._approved_at = time.monotonic() + endpoint.approve_after
                    approved = endpoint._approved_at is not None and time.monotonic() >= endpoint._approved_at
                    if approved and not authorize:
                        endpoint.requests += 1
                    n = endpoint.requests
                if authorize:
                    code = {"device_code": "device-1", "user_code": "CODE-1", "verification_uri": f"{endpoint.url}/verify"}
                    self._answer({**code, "expires_in": 120, "interval": 1})
                elif approved:
                    self._answer({"access_token": f"token-{n}", "token_type": "Bearer", "expires_in": endpoint.expires_in})
                else:
                    self._answer({"error": "authorization_pending"}, 400)

            def do_GET(self) -> None:
                self._answer({"authorization": self.headers.get("Authorization")})

        return Handler

    def stop(self) -> None:
        self._stopping.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def token_endpoint() -> Iterator[TokenEndpoint]:
    endpoint = TokenEndpoint()
    endpoint.thread.start()
    try:
        yield endpoint
    finally:
        endpoint.stop()
