"""``AWS4Auth`` with a credential source that may need I/O: in async code, the fetch or
refresh runs in a worker thread (the flow yields ``Offload``), never on the event loop."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from httpx_auth._aws import AWS4Auth
from httpx_auth._base import Offload


class RefreshingAWS4Auth(AWS4Auth):
    """What ``AWS4Auth(credentials=source)`` is when ``source`` has ``refresh_needed`` and
    ``ensure_fresh`` (every source of this package)."""

    def auth_flow(self, request: Any) -> Generator[Any, Any, None]:
        source: Any = self.credentials
        if source.refresh_needed():
            yield Offload(source.ensure_fresh)  # sync: in place; async: in a worker thread
        yield self._apply(request)

    def __repr__(self) -> str:
        return "AWS4Auth" + super().__repr__()[len(type(self).__name__) :]


def from_environment(
    cls: type[AWS4Auth], service: str, region: str | None, profile: str | None, options: dict[str, Any]
) -> AWS4Auth:
    from httpx_auth._aws_credentials._chain import DefaultCredentials, resolve_region

    if region is None:
        region = resolve_region(profile)
    return cls(region=region, service=service, credentials=DefaultCredentials(profile), **options)
