"""``time_machine`` on PyPy, which time-machine does not support, built on freezegun.

tests/conftest.py installs this module as ``time_machine`` only on PyPy (where CI runs
the pure wheel's suite). It has what the tests use: ``travel(destination, tick=...)``
as a decorator or a context manager, a timestamp or a datetime as the destination, and
``shift(seconds)`` and ``move_to(destination)`` on what the context manager gives.
freezegun cannot let the clock run on PyPy, so ``tick=True`` stops it too: enough for
the tests that only jump ahead.

Like time-machine, it moves the wall clock (``time.time``, ``datetime``...) for every
thread and leaves the monotonic clocks alone. freezegun by default does neither: it
freezes ``time.monotonic`` and ``time.perf_counter`` too (so an event loop's timers,
asyncio's or trio's, never fire), and it gives the real time to any call made within
five frames of its ignored modules, ``threading`` among them (so a thread's
``time.time()`` is frozen or real depending on how deep the call is).
"""

from __future__ import annotations

import datetime
import functools
import time
from typing import Any, Callable

import freezegun
import freezegun.api

# Nothing ignored: every caller, in every thread, sees the frozen wall clock.
freezegun.configure(default_ignore_list=[])

_MONOTONIC = ("monotonic", "monotonic_ns", "perf_counter", "perf_counter_ns")
_REAL = {name: getattr(freezegun.api, f"real_{name}") for name in _MONOTONIC if hasattr(freezegun.api, f"real_{name}")}


class _Traveller:
    def __init__(self, factory: Any) -> None:
        self._factory = factory

    def shift(self, delta: float | datetime.timedelta) -> None:
        if not isinstance(delta, datetime.timedelta):
            delta = datetime.timedelta(seconds=delta)
        self._factory.tick(delta)

    def move_to(self, destination: float | datetime.datetime) -> None:
        self._factory.move_to(_datetime(destination))


def _datetime(destination: float | datetime.datetime) -> datetime.datetime:
    if isinstance(destination, (int, float)):
        return datetime.datetime.fromtimestamp(destination, datetime.timezone.utc)
    return destination


def _keep_monotonic_clocks_real(freezer: Any) -> None:
    """Undo what ``freezer.start()`` did to the monotonic clocks (in ``time`` and in the
    modules that imported them by name); its ``stop()`` restores the same values."""
    for name, real in _REAL.items():
        setattr(time, name, real)
    reals = {id(real) for real in _REAL.values()}
    for owner, attribute, original in freezer.undo_changes:
        if id(original) in reals:
            setattr(owner, attribute, original)


class travel:  # noqa: N801 - the name time_machine gives it
    def __init__(self, destination: float | datetime.datetime, *, tick: bool = True) -> None:
        del tick  # the clock stands still (see above)
        self._freezer = freezegun.freeze_time(_datetime(destination))

    def __enter__(self) -> _Traveller:
        factory = self._freezer.start()
        _keep_monotonic_clocks_real(self._freezer)
        return _Traveller(factory)

    def __exit__(self, *exc: object) -> None:
        self._freezer.stop()

    def __call__(self, func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def frozen(*args: Any, **kwargs: Any) -> Any:
            with self:
                return func(*args, **kwargs)

        return frozen
