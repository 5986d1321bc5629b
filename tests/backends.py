"""The core's backends this test run covers, and the signing calls the SigV4 tests share.

``BACKENDS`` is ``_core.available()``: the pure twin always, the compiled core when it
is built and ``HTTPX_AUTH_NO_EXTENSIONS`` does not rule it out. The ``core`` and
``backend`` fixtures (tests/conftest.py) and the benchmarks run on each of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from httpx_auth import _core

BACKENDS: dict[str, Any] = dict(_core.available())
native: Any = BACKENDS.get("rust")

Header = tuple[bytes, bytes, bytes]


def signer(core: Any, access_id: str, secret_key: str, security_token: str | None, region: str,
           service: str, include: Sequence[str] = ("*",), normalize_path: bool = True,
           double_encode: bool = True, content_sha256: bool = True) -> Any:
    """A ``SigV4Signer`` of ``core``."""
    return core.SigV4Signer(
        access_id=access_id, secret_key=secret_key, security_token=security_token, region=region,
        service=service, include=tuple(include), normalize_path=normalize_path,
        double_encode=double_encode, content_sha256=content_sha256,
    )


def sign_headers(core: Any, method: str, target: bytes, headers: Sequence[Header], include: Sequence[str],
                 payload_hash: str, content_sha256: bool, access_id: str, secret_key: str,
                 security_token: str | None, region: str, service: str, timestamp: int,
                 normalize_path: bool, double_encode: bool) -> list[Header]:
    """Sign once with a signer built for this call."""
    return signer(core, access_id, secret_key, security_token, region, service, include, normalize_path,
                  double_encode, content_sha256).sign_headers(
        method=method, target=target, headers=headers, payload_hash=payload_hash, timestamp=timestamp)


def presign(core: Any, method: str, target: bytes, headers: Sequence[Header], payload_hash: str,
            access_id: str, secret_key: str, security_token: str | None, region: str, service: str,
            timestamp: int, expires_in: int, normalize_path: bool, double_encode: bool) -> bytes:
    """The presigned target (every header given is signed)."""
    url: str = signer(core, access_id, secret_key, security_token, region, service, ("*",), normalize_path,
                      double_encode).presign(
        method=method, origin="", host=None, target=target, headers=headers, payload_hash=payload_hash,
        timestamp=timestamp, expires_in=expires_in)
    return url.encode("utf-8")


def presign_keys(core: Any, method: str, origin: str, host: str, base_path: bytes, base_query: bytes,
                 keys: Sequence[str], payload_hash: str, access_id: str, secret_key: str,
                 security_token: str | None, region: str, service: str, timestamp: int, expires_in: int,
                 normalize_path: bool, double_encode: bool) -> list[str]:
    """Presign many keys once."""
    return signer(core, access_id, secret_key, security_token, region, service, ("host",), normalize_path,
                  double_encode).presign_keys(
        method=method, origin=origin, host=host, base_path=base_path, base_query=base_query, keys=keys,
        payload_hash=payload_hash, timestamp=timestamp, expires_in=expires_in)
