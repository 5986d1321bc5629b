"""A one-shot signal that threads block on and async tasks await, set from any thread.

``Signal.set()`` may be called from a plain thread, a worker thread or an event loop
(asyncio or trio, through anyio): blocked threads wake through a ``threading.Event``,
waiting tasks through an event of their own loop, set by that loop's thread-safe call.
A waiting task holds no thread. ``Wait`` is the flow step for it (see ``_base.Offload``).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from httpx_auth._base import Offload

if TYPE_CHECKING:
    import anyio


def _waker(event: anyio.Event) -> Callable[[], None]:
    """A function, callable from any thread, that sets ``event`` (of the running loop)."""
    trio: Any = sys.modules.get("trio")  # only ever running if imported
    if trio is not None:
        try:
            token = trio.lowlevel.current_trio_token()
        except RuntimeError:  # not in trio: asyncio
            pass
        else:
            return lambda: token.run_sync_soon(event.set)
    import asyncio  # loaded by then: the running loop is asyncio's

    loop = asyncio.get_running_loop()

    def wake() -> None:
        loop.call_soon_threadsafe(event.set)

    return wake


class Signal:
    """Set once; ``wait`` blocks a thread, ``wait_async`` suspends a task."""

    __slots__ = ("_event", "_lock", "_wakers")

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._wakers: dict[object, Callable[[], None]] = {}

    def is_set(self) -> bool:
        return self._event.is_set()

    def set(self) -> None:
        with self._lock:
            self._event.set()
            wakers, self._wakers = self._wakers, {}
        for wake in wakers.values():
            try:
                wake()
            except RuntimeError:  # that loop is closed (or trio's run finished): nobody to wake
                pass

    def wait(self, timeout: float | None) -> bool:
        """Block until set or ``timeout`` elapsed; ``True`` if set."""
        return self._event.wait(timeout)

    async def wait_async(self, timeout: float | None) -> bool:
        """Await until set or ``timeout`` elapsed, holding no thread; ``True`` if set."""
        if self._event.is_set():
            return True
        import anyio  # async flows only: not loaded by `import httpx_auth`

        event = anyio.Event()
        handle = object()
        with self._lock:
            if self._event.is_set():
                return True
            self._wakers[handle] = _waker(event)
        try:
            with anyio.move_on_after(timeout):
                await event.wait()
        finally:
            with self._lock:
                self._wakers.pop(handle, None)
        return self._event.is_set()


class Wait(Offload):
    """Flow step: wait for ``signal`` at most ``timeout`` seconds; ``True`` comes back if
    it was set. The sync driver blocks on it; the async driver awaits it, on no thread."""

    def __init__(self, signal: Signal, timeout: float | None) -> None:
        super().__init__(partial(signal.wait, timeout), partial(signal.wait_async, timeout))
