"""Clock skew correction for SigV4: when AWS refuses a request because this host's clock
is off, learn the server's time, keep the offset, and sign with the corrected time.

AWS refuses a signature whose time is more than 15 minutes (S3) or 5 minutes (most other
services) away from its own clock: ``RequestTimeTooSkewed``, ``RequestExpired``,
``InvalidSignatureException: Signature expired``. Whatever the wording, the answer is a
400, 401 or 403 whose ``Date`` header (or, for S3, the error body's ``ServerTime``) is far
from the time the request was signed with. Such an answer is the sign of a skewed clock
and worth one more try; a refusal for any other reason, with the clocks in agreement,
is returned as it is.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

log = logging.getLogger("httpx_auth")

# Statuses AWS answers a signature out of its time window with.
REFUSALS = frozenset((400, 401, 403))

# A server clock this far from the one a request was signed with is a skew worth
# correcting (AWS's tightest window is 5 minutes; the margin covers the Date header's
# one-second resolution and the request's own latency).
THRESHOLD = 240.0

# Error bodies larger than this are not read for their ServerTime.
MAX_ERROR_BODY = 64 * 1024

_SERVER_TIME = re.compile(rb"<ServerTime>\s*([0-9T:.\-+Z]+)\s*</ServerTime>")


class ClockOffset:
    """The correction (in seconds) to add to this host's clock when signing, learnt from
    the servers' answers. Shared by the threads and tasks that use one ``AWS4Auth``."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._lock = threading.Lock()

    def now(self) -> int:
        """The signing time: this host's clock, corrected."""
        return int(time.time() + self.seconds)

    def correct(self, response: Any, signed_with: float) -> bool:
        """Learn the server's time from ``response`` to a request signed with the offset
        ``signed_with``; ``True`` if that request was refused for a skewed clock (and
        should be signed again and resent)."""
        if response.status_code not in REFUSALS:
            return False
        server_time = _server_time(response)
        if server_time is None:
            return False
        measured = server_time - time.time()
        if abs(measured - signed_with) < THRESHOLD:
            return False  # the clocks agree: refused for another reason
        with self._lock:
            if abs(measured - self.seconds) >= THRESHOLD:  # not corrected by another request yet
                self.seconds = measured
                log.warning(
                    "AWS4Auth: this host's clock is %+.0f s off the server's; signing with the server's time from now on.",
                    -measured,
                )
        return True


def needs_body(response: Any) -> bool:
    """Whether ``response`` is a refusal whose server time only its body can tell (no
    ``Date`` header) and whose body is small enough to read for it."""
    if response.status_code not in REFUSALS or "date" in response.headers:
        return False
    length = response.headers.get("content-length")
    return length is None or (length.isdigit() and int(length) <= MAX_ERROR_BODY)


def replayable(request: Any) -> bool:
    """Whether ``request``'s body is in memory (httpx buffers bytes bodies), so that the
    request can be sent again; streamed bodies are not."""
    return getattr(request, "_content", None) is not None


def _server_time(response: Any) -> float | None:
    """The server's clock when it answered: S3's error body ``ServerTime`` when the body
    was read, else the ``Date`` header; ``None`` when neither tells."""
    body = getattr(response, "_content", None)
    if body:
        match = _SERVER_TIME.search(body[:MAX_ERROR_BODY])
        if match is not None:
            stated = _iso_time(match.group(1).decode("ascii"))
            if stated is not None:
                return stated
    date = response.headers.get("date")
    if date is None:
        return None
    try:
        parsed = parsedate_to_datetime(date)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return _utc(parsed).timestamp()


def _iso_time(text: str) -> float | None:
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return _utc(parsed).timestamp()


def _utc(moment: datetime) -> datetime:
    """A time without a zone is UTC (HTTP dates and AWS's times are)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)
