"""The pure-Python twin of ``rust/checksum.rs``: the checksums S3 checks.

CRC32 comes from ``zlib``, SHA-1 and SHA-256 from ``hashlib``; CRC32C and CRC64NVME
(reflected CRCs with all-ones start and final XOR) are table-driven, a byte at a time:
correct everywhere, but slow next to the compiled core.
"""

from __future__ import annotations

import hashlib
import zlib
from typing import Any

__all__ = ["Checksum", "checksum_digest"]


def _table(polynomial: int) -> tuple[int, ...]:
    """The byte table of the reflected CRC with the (reflected) ``polynomial``."""
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ polynomial if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_CRC32C = _table(0x82F63B78)  # Castagnoli
_CRC64NVME = _table(0x9A6C9329AC4BC9B5)  # NVM Express


class _ReflectedCrc:
    def __init__(self, table: tuple[int, ...], width: int) -> None:
        self._table = table
        self._width = width
        self._mask = (1 << (8 * width)) - 1
        self._crc = self._mask  # the register starts as all ones...

    def update(self, data: bytes) -> None:
        table, crc = self._table, self._crc
        for byte in data:
            crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
        self._crc = crc

    def digest(self) -> bytes:
        return (self._crc ^ self._mask).to_bytes(self._width, "big")  # ...and ends inverted


class _Crc32:
    def __init__(self) -> None:
        self._crc = 0

    def update(self, data: bytes) -> None:
        self._crc = zlib.crc32(data, self._crc)

    def digest(self) -> bytes:
        return self._crc.to_bytes(4, "big")


class _Hash:
    def __init__(self, name: str) -> None:
        self._hash = hashlib.new(name)

    def update(self, data: bytes) -> None:
        self._hash.update(data)

    def digest(self) -> bytes:
        return self._hash.digest()


def _new(algorithm: str) -> Any:
    name = algorithm.lower() if isinstance(algorithm, str) else algorithm
    if name == "crc32":
        return _Crc32()
    if name == "crc32c":
        return _ReflectedCrc(_CRC32C, 4)
    if name == "crc64nvme":
        return _ReflectedCrc(_CRC64NVME, 8)
    if name in ("sha1", "sha256"):
        return _Hash(name)
    raise ValueError(f"unknown checksum algorithm {algorithm!r}")


class Checksum:
    """A checksum computed a piece at a time (``update``, then ``digest``)."""

    def __init__(self, algorithm: str) -> None:
        self._state = _new(algorithm)

    def update(self, data: bytes) -> None:
        self._state.update(data)

    def digest(self) -> bytes:
        """The big-endian digest of everything given so far (more may follow)."""
        digest: bytes = self._state.digest()
        return digest


def checksum_digest(algorithm: str, data: bytes) -> bytes:
    """The digest (big-endian bytes) of ``data`` under the checksum ``algorithm``."""
    state = Checksum(algorithm)
    state.update(data)
    return state.digest()
