"""``time_machine`` on PyPy, which time-machine does not support, built on freezegun.

tests/conftest.py installs this module as ``time_machine`` only on PyPy (where CI runs
the pure wheel's suite). It has what the tests use: ``travel(destination, tick=...)``
as a decorator or a context manager, a timestamp or a datetime as the destination, and
``shift(seconds)`` on what the context manager gives. freezegun cannot let the clock
run on PyPy, so ``tick=True`` stops it too: enough for the tests that only jump ahead.
"""

from __future__ import annotations

import datetime
from typing import Any, Callable

import freezegun


class _Traveller:
    def __init__(self, factory: Any) -> None:
        self._factory = factory

    def shift(self, delta: float | datetime.timedelta) -> None:
        if not isinstance(delta, datetime.timedelta):
            delta = datetime.timedelta(seconds=delta)
        self._factory.tick(delta)


class travel:  # noqa: N801 - the name time_machine gives it
    def __init__(self, destination: float | datetime.datetime, *, tick: bool = True) -> None:
        if isinstance(destination, (int, float)):
            destination = datetime.datetime.fromtimestamp(destination, datetime.timezone.utc)
        del tick  # the clock stands still (see above)
        self._freezer = freezegun.freeze_time(destination)

    def __enter__(self) -> _Traveller:
        return _Traveller(self._freezer.start())

    def __exit__(self, *exc: object) -> None:
        self._freezer.stop()

    def __call__(self, func: Callable[..., Any]) -> Callable[..., Any]:
        return self._freezer(func)  # type: ignore[no-any-return]
