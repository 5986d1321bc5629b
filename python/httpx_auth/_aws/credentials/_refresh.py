"""Credentials kept fresh: fetched when first needed, refreshed before they expire.

The windows are botocore's: a refresh is attempted from 15 minutes before expiry
(advisory: if it fails, or another thread is already refreshing, the current
credentials are used and a warning is logged) and required from 10 minutes before
(mandatory: callers wait for it, and its failure is raised). One refresh runs at a
time however many threads ask; the lock is only ever held by plain blocking code,
never across a ``yield`` (async flows run ``ensure_fresh`` in a worker thread).
"""

from __future__ import annotations

import logging
import threading
import time

from httpx_auth._aws.credentials._errors import AWSCredentialsError
from httpx_auth._aws.credentials._types import AWSCredentials

logger = logging.getLogger("httpx_auth.aws")

ADVISORY_REFRESH_SECONDS = 15 * 60
MANDATORY_REFRESH_SECONDS = 10 * 60
# After a refresh (failed, or giving credentials that are already inside a window),
# the next one waits this long unless the credentials have expired.
RETRY_SECONDS = 30


class CredentialSource:
    """What ``AWS4Auth(credentials=...)`` recognises as a source that may need I/O:
    in async code ``ensure_fresh`` runs in a worker thread, then the source is called."""

    #: Names the source in errors and log lines.
    source_name = "AWS credentials"

    def refresh_needed(self) -> bool:
        """Whether ``ensure_fresh`` would do any work (cheap: no I/O)."""
        raise NotImplementedError

    def ensure_fresh(self) -> None:
        """Fetch or refresh the credentials if they are due (blocking)."""
        raise NotImplementedError

    def current(self) -> AWSCredentials:
        """The credentials held right now (no I/O)."""
        raise NotImplementedError

    def __call__(self) -> AWSCredentials:
        self.ensure_fresh()
        return self.current()

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class RefreshingCredentials(CredentialSource):
    """Base of the sources that fetch: subclasses implement ``fetch``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._credentials: AWSCredentials | None = None
        self._quiet_until = 0.0

    def fetch(self) -> AWSCredentials:
        """New credentials from the source (blocking I/O); raise ``AWSCredentialsError``."""
        raise NotImplementedError

    def current(self) -> AWSCredentials:
        credentials = self._credentials
        if credentials is None:
            raise AWSCredentialsError(self.source_name, "no credentials fetched yet (call ensure_fresh first).")
        return credentials

    def _due(self) -> tuple[bool, bool]:
        """(refresh needed, mandatory)."""
        credentials = self._credentials
        if credentials is None:
            return True, True
        if credentials.expiry is None:
            return False, False
        now = time.time()
        left = credentials.expiry - now
        if left <= 0:
            return True, True
        if now < self._quiet_until or left >= ADVISORY_REFRESH_SECONDS:
            return False, False
        return True, left < MANDATORY_REFRESH_SECONDS

    def refresh_needed(self) -> bool:
        return self._due()[0]

    def ensure_fresh(self) -> None:
        needed, mandatory = self._due()
        if not needed:
            return
        if not mandatory:
            if not self._lock.acquire(blocking=False):
                return  # another thread is refreshing; ours are still valid
            try:
                self._refresh(mandatory=False)
            finally:
                self._lock.release()
            return
        with self._lock:
            needed, mandatory = self._due()  # another thread may have refreshed meanwhile
            if needed:
                self._refresh(mandatory=mandatory)

    def _refresh(self, *, mandatory: bool) -> None:
        try:
            fresh = self.fetch()
        except Exception as error:
            if mandatory:
                raise
            self._quiet_until = time.time() + RETRY_SECONDS
            left = int((self._credentials.expiry or 0) - time.time()) if self._credentials else 0
            reason = str(error) if isinstance(error, AWSCredentialsError) else type(error).__name__
            logger.warning(
                "%s: refreshing the credentials failed (%s); the current ones, valid for %d more "
                "seconds, are used meanwhile.",
                self.source_name, reason, left,
            )  # fmt: skip
            return
        if fresh.expiry is not None and fresh.expiry <= time.time():
            raise AWSCredentialsError(self.source_name, "the credentials it gave have already expired.")
        self._credentials = fresh
        self._quiet_until = time.time() + RETRY_SECONDS


class StaticCredentials(RefreshingCredentials):
    """Credentials that are already known (static keys from a file, say)."""

    def __init__(self, credentials: AWSCredentials, source_name: str = "AWS credentials") -> None:
        super().__init__()
        self.source_name = source_name
        self._credentials = credentials

    def fetch(self) -> AWSCredentials:
        return self.current()

    def __repr__(self) -> str:
        return f"StaticCredentials({self.source_name!r})"


class ResolvingCredentials(CredentialSource):
    """A source that first works out which source to use (reading files, probing
    metadata: blocking, once), then hands every call to it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._source: CredentialSource | None = None

    def select(self) -> CredentialSource:
        """The source to use (blocking); raise ``AWSCredentialsError`` when there is none."""
        raise NotImplementedError

    @property
    def source(self) -> CredentialSource | None:
        """The source selected, once one has been."""
        return self._source

    def refresh_needed(self) -> bool:
        source = self._source
        return source is None or source.refresh_needed()

    def ensure_fresh(self) -> None:
        source = self._source
        if source is None:
            with self._lock:
                if self._source is None:
                    self._source = self.select()
                    logger.debug("%s: using %s", self.source_name, self._source.source_name)
                source = self._source
        source.ensure_fresh()

    def current(self) -> AWSCredentials:
        source = self._source
        if source is None:
            raise AWSCredentialsError(self.source_name, "no source selected yet (call ensure_fresh first).")
        return source.current()
