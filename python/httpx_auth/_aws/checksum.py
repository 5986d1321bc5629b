"""S3 checksums (``x-amz-checksum-<algorithm>``): names, checks and values.

The digests are computed in the core (``_core.backend.checksum_digest`` and
``Checksum``); S3 sends them base64-encoded.
"""

from __future__ import annotations

import base64
from typing import Any

from httpx_auth import _core
from httpx_auth._errors import InvalidParameter

__all__ = ["checksum"]

ALGORITHMS = ("crc32", "crc32c", "crc64nvme", "sha1", "sha256")


def algorithm_name(value: Any, name: str = "checksum") -> str:
    """``value`` as one of S3's checksum algorithm names (lowercase)."""
    if isinstance(value, str) and value.lower() in ALGORITHMS:
        return value.lower()
    shown = repr(value) if isinstance(value, str) else type(value).__name__
    raise InvalidParameter(f"{name} {shown} is not a checksum S3 knows: use one of {', '.join(ALGORITHMS)}.")


def header_name(algorithm: str) -> str:
    """The header (or trailer) carrying the checksum: ``x-amz-checksum-<algorithm>``."""
    return f"x-amz-checksum-{algorithm}"


def as_bytes(data: Any, name: str = "data") -> bytes:
    """``data`` (bytes, bytearray or memoryview) as bytes."""
    if type(data) is bytes:
        return data
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    raise InvalidParameter(f"{name} must be bytes, not {type(data).__name__} (encode text first).")


def encode(digest: bytes) -> str:
    return base64.b64encode(digest).decode("ascii")


def checksum(algorithm: str, data: bytes) -> str:
    """The value S3 expects in ``x-amz-checksum-<algorithm>`` for ``data``: the
    base64 of the big-endian digest.

    :param algorithm: ``"crc32"``, ``"crc32c"``, ``"crc64nvme"``, ``"sha1"`` or ``"sha256"``.
    :param data: the bytes checked (bytes, bytearray or memoryview).
    """
    return encode(_core.backend.checksum_digest(algorithm_name(algorithm, "algorithm"), as_bytes(data)))


def new_state(algorithm: str) -> Any:
    """A checksum of the active backend, fed a piece at a time."""
    return _core.backend.Checksum(algorithm)
