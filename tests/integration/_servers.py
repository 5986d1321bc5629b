"""Start and stop the real servers the integration suite talks to.

Every server runs as its own process group on 127.0.0.1, logs to a file, and is
stopped by its PID (SIGTERM to the group, then SIGKILL) even when a test fails.
"""

from __future__ import annotations

import atexit
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

_RUNNING: dict[int, ManagedProcess] = {}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def free_ports(count: int) -> list[int]:
    """``count`` distinct free ports (held open together so they differ)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    """Whether something accepts TCP connections on ``host:port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


class ServerFailed(RuntimeError):
    """A server did not come up; the message carries the end of its log."""


class ManagedProcess:
    """One server process: started in its own process group, logged to a file."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        log_path: Path,
        *,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.log_path = log_path
        self.env = dict(os.environ if env is None else env)
        self.cwd = cwd
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None, f"{self.name} was never started"
        return self.process.pid

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def start(self, ready: Callable[[], bool], timeout: float = 60.0) -> None:
        """Start the process and wait until ``ready()`` is true (or fail with its log)."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env,
                cwd=self.cwd,
                start_new_session=True,
            )
        _RUNNING[self.process.pid] = self
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerFailed(
                    f"{self.name} exited with {self.process.returncode} while starting:\n{self.log_tail()}"
                )
            try:
                if ready():
                    return
            except Exception:  # not up yet: connection refused, half-started, ...
                pass
            time.sleep(0.2)
        self.stop()
        raise ServerFailed(f"{self.name} was not ready within {timeout} s:\n{self.log_tail()}")

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM the process group by PID, SIGKILL it if it lingers."""
        if self.process is None:
            return
        _RUNNING.pop(self.process.pid, None)
        if self.process.poll() is None:
            _signal_group(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                _signal_group(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=grace)
        # Children that outlived their leader (same process group) go too.
        _signal_group(self.process.pid, signal.SIGKILL)


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def kill_pid_file(path: Path) -> None:
    """Kill the process group whose leader's PID is written in ``path`` (if alive)."""
    try:
        pid = int(path.read_text().strip())
    except (OSError, ValueError):
        return
    _signal_group(pid, signal.SIGKILL)


@atexit.register
def _stop_leftovers() -> None:  # last resort if pytest itself is torn down abruptly
    for process in list(_RUNNING.values()):
        process.stop(grace=3.0)
