"""Lease renewal: the fetch lock of a fetch that outlasts ``lock_timeout`` stays its own.

A leader holds the Redis lock of a key with an expiry of ``lock_timeout``. A fetch can
take longer (the device authorization grant waits minutes for the user, polling every
few seconds): ``renewing`` runs the fetch's flow and, before handing on one of its
steps, first yields a step that extends the lock if this process still owns it, once a
third of ``lock_timeout`` has passed since the lock was taken or last renewed. A third
leaves two thirds of the lease for the next step to come (a device flow's poll
interval), without a round trip per step for a fetch that takes a moment. A step that
takes longer than that (waiting for a browser's redirect) cannot be renewed from inside.

A lock that expired while nobody took it is taken again. A lock found lost (taken by
another process, Redis down, the renewal step failing) does not stop the fetch: the
user is in the middle of it. One warning says so; the lock is not renewed again once
another process owns it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Generator
from typing import Any, TypeVar

from httpx_auth._oauth2.caches.redis_protocol import Down

log = logging.getLogger("httpx_auth")

T = TypeVar("T")

# The part of the lease after which the lock is renewed (at the next step of the fetch).
RENEW_AFTER = 1 / 3


def renewing(
    steps: Generator[Any, Any, T],
    renew: Callable[[], Any],
    lease: float,
    taken_at: float,
    clock: Callable[[], float] = time.monotonic,
) -> Generator[Any, Any, T]:
    """``yield from steps``, yielding ``renew()`` (a step answering ``True`` when the lock
    was extended, ``False`` when another owns it, or ``Down``) before a step of ``steps``
    when ``RENEW_AFTER`` of ``lease`` passed since ``taken_at`` (a ``clock()`` reading
    taken before the lock was) or the last attempt.

    Values and exceptions sent in go to ``steps``; closing closes it, outside the handler
    (see ``_base.CLOSED_BY_CLIENT``)."""
    tried_at, owned, warned = taken_at, True, False
    try:
        item = next(steps)
        while True:
            now = clock()
            if owned and now - tried_at >= lease * RENEW_AFTER:
                tried_at = now  # before the round trip: the new expiry is later still
                try:
                    kept = yield renew()
                except GeneratorExit:
                    break
                except Exception as error:  # the renewal failed, not the fetch: it goes on
                    kept = Down(error)
                owned = kept is True or isinstance(kept, Down)  # Redis may answer next time
                if kept is not True and not warned:
                    warned = True
                    why = f"Redis is unavailable: {kept.reason}" if isinstance(kept, Down) else "another process holds it"
                    log.warning("The token fetch lock could not be renewed (%s): another process may fetch a token too.", why)
            try:
                sent = yield item
            except GeneratorExit:
                break
            except BaseException as error:  # the step failed: its flow decides
                item = steps.throw(error)
            else:
                item = steps.send(sent)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]
    finally:
        steps.close()
    raise GeneratorExit  # closed: the flow above us is being closed too
