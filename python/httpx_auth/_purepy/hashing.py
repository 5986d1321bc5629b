"""Payload hashing in pure Python, the twin of ``rust/hashing.rs``."""

from __future__ import annotations

import hashlib


def sha256_hex(data: bytes) -> str:
    """Lowercase hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()
