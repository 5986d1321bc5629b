"""A token cache persisted in a JSON file that several processes can share safely.

Writes go to a temporary file in the same folder (mode 0600) that replaces the cache
file atomically, under an inter-process lock held on a sibling ``.lock`` file (the
cache file itself is replaced on each write, so it cannot carry the lock). Each write
re-reads the file under the lock and changes only its own key: concurrent processes
never lose each other's tokens. Reads need no lock: they see a whole file, old or new.
A lookup that misses, and any lookup once a second, reloads the file when it changed
(inode, size or mtime).
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from httpx_auth._errors import InvalidParameter
from httpx_auth._oauth2.caches.memory import TokenMemoryCache
from httpx_auth._oauth2.token import Token, header_safe
from httpx_auth._validation import InvalidParameterType

log = logging.getLogger("httpx_auth")

_Signature = tuple[int, int, int]

# Seconds between two looks at the file while the tokens in memory are valid.
RECHECK_INTERVAL = 1.0

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock_file(fd: int) -> None:
        while True:
            try:  # LK_LOCK retries for ~10 s then raises: keep waiting.
                msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
                return
            except OSError:
                time.sleep(0.05)

    def _unlock_file(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - platforms without fcntl (WASI...)
        fcntl = None  # type: ignore[assignment]

    def _lock_file(fd: int) -> None:
        if fcntl is None:  # pragma: no cover
            log.warning("No inter-process file lock on this platform: do not share the token cache file.")
            return
        fcntl.flock(fd, fcntl.LOCK_EX)

    def _unlock_file(fd: int) -> None:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


@contextlib.contextmanager
def _interprocess_lock(path: Path) -> Iterator[None]:
    """Hold the lock on ``path`` (a lock file, created 0600 when missing; a symbolic
    link there is never followed: opening it fails)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o600)
    try:
        _lock_file(fd)
        try:
            yield
        finally:
            _unlock_file(fd)
    finally:
        os.close(fd)


def _file_path(tokens_path: Any) -> Path:
    """``tokens_path`` as a ``Path`` that names a file."""
    try:
        text = os.fspath(tokens_path)
    except TypeError:
        text = None
    if not isinstance(text, str):
        raise InvalidParameterType(f"tokens_path must be a str or a path, not {type(tokens_path).__name__}.")
    path = Path(text)
    if not path.name:  # "", "." or "/": no file name to write
        raise InvalidParameter(f"tokens_path must name a file, not {text!r}.")
    return path


def _signature(stat: os.stat_result) -> _Signature:
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


class JsonTokenFileCache(TokenMemoryCache):
    """Tokens kept in memory and persisted in the JSON file ``tokens_path``.

    The file (and its folder) are created when the first token is stored. A corrupt or
    unreadable file is reported in the ``httpx_auth`` log and treated as empty; it is
    replaced at the next write. A failed write is logged too, and the token stays
    usable in memory.
    """

    def __init__(self, tokens_path: str | os.PathLike[str]) -> None:
        super().__init__()
        self.tokens_path = _file_path(tokens_path)
        self._lock_path = self.tokens_path.with_name(self.tokens_path.name + ".lock")
        if self._lock_path.is_symlink():
            raise InvalidParameter(
                f"The lock file {str(self._lock_path)!r} of the token cache is a symbolic link: "
                "remove it (it is never followed)."
            )
        self._signature: _Signature | None = None
        self._next_check = time.monotonic() + RECHECK_INTERVAL
        self._tokens_changed_elsewhere()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.tokens_path)!r})"

    def lookup(self, key: str, *, early_expiry: float = 30.0) -> Token | None:
        # A token still valid here may have been replaced or cleared by another process:
        # look at the file now and then (a stat), not on every request.
        now = time.monotonic()
        if now >= self._next_check:
            self._next_check = now + RECHECK_INTERVAL
            self._tokens_changed_elsewhere()
        return super().lookup(key, early_expiry=early_expiry)

    def _tokens_changed_elsewhere(self) -> bool:
        try:
            signature: _Signature | None = _signature(os.stat(self.tokens_path))
        except OSError:
            signature = None
        if signature == self._signature:
            return False
        with self._lock:
            self._tokens, self._signature = self._read()
        return True

    def _update(self, change: Callable[[dict[str, Token]], object]) -> None:
        with self._lock:
            try:
                self._update_file(change)
            except OSError as error:
                log.warning(
                    "Could not write the token cache %s (%s); the token is kept in memory only.",
                    self.tokens_path,
                    type(error).__name__,
                )
                tokens = dict(self._tokens)
                change(tokens)
                self._tokens = tokens

    def _update_file(self, change: Callable[[dict[str, Token]], object]) -> None:
        folder = self.tokens_path.parent
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        with _interprocess_lock(self._lock_path):
            tokens, _ = self._read()
            change(tokens)
            fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{self.tokens_path.name}.", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as file:  # mkstemp: mode 0600
                    json.dump({key: _dump(token) for key, token in tokens.items()}, file)
                    file.flush()
                    os.fsync(file.fileno())
                os.replace(temporary, self.tokens_path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
            self._tokens, self._signature = tokens, _signature(os.stat(self.tokens_path))

    def _read(self) -> tuple[dict[str, Token], _Signature | None]:
        """The tokens in the file now, and the signature of what was read."""
        try:
            with open(self.tokens_path, "rb") as file:
                signature = _signature(os.fstat(file.fileno()))
                content = file.read()
        except FileNotFoundError:
            return {}, None
        except OSError as error:
            log.warning(
                "Token cache %s is unreadable (%s); it is treated as empty.", self.tokens_path, type(error).__name__
            )
            return {}, None
        return self._parse(content), signature

    def _parse(self, content: bytes) -> dict[str, Token]:
        if not content.strip():
            return {}
        try:
            data = json.loads(content.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            # Never log the content: it holds tokens.
            log.warning(
                "Token cache %s is not valid JSON (%s); it is treated as empty.", self.tokens_path, type(error).__name__
            )
            return {}
        if not isinstance(data, dict):
            log.warning("Token cache %s does not hold a JSON object; it is treated as empty.", self.tokens_path)
            return {}
        tokens: dict[str, Token] = {}
        for key, entry in data.items():
            token = _load(entry)
            if token is None:
                log.warning("Token cache %s has a malformed entry; it is ignored.", self.tokens_path)
            else:
                tokens[key] = token
        return tokens


def _dump(token: Token) -> dict[str, Any]:
    entry = {"access_token": token.access_token, "expiry": token.expiry, "refresh_token": token.refresh_token}
    if token.lifetime is not None:
        entry["lifetime"] = token.lifetime
    return entry


def _load(entry: Any) -> Token | None:
    if not isinstance(entry, dict):
        return None
    access_token, expiry, refresh_token = entry.get("access_token"), entry.get("expiry"), entry.get("refresh_token")
    if not isinstance(access_token, str) or not access_token or not header_safe(access_token):
        return None  # it would be sent in a header as it is
    if refresh_token is not None and not isinstance(refresh_token, str):
        return None
    lifetime = entry.get("lifetime")  # absent from files written before it was kept
    if not _is_seconds(expiry) or not _is_seconds(lifetime):
        return None
    return Token(
        access_token,
        None if expiry is None else float(expiry),
        refresh_token,
        None if lifetime is None else float(lifetime),
    )


def _is_seconds(value: Any) -> bool:
    """``None`` or a finite number (booleans are not numbers here)."""
    if value is None:
        return True
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer too large for a float
        return False
