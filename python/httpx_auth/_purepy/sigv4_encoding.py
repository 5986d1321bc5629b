"""SigV4's percent-encoding in pure Python, the twin of ``rust/sigv4_encoding.rs``: text
sent percent-encoded, brought to that encoding without a change of meaning."""

from __future__ import annotations

import re

_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_ESCAPES = [b"%%%02X" % byte for byte in range(256)]
_CLEAN = re.compile(rb"[A-Za-z0-9\-._~]*")
_CLEAN_PATH = re.compile(rb"[A-Za-z0-9\-._~/]*")
_TO_FIX = re.compile(rb"%([0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~]")
_TO_FIX_PATH = re.compile(rb"%([0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~/]")


def _fix(match: re.Match[bytes]) -> bytes:
    pair = match.group(1)
    if pair is None:
        return _ESCAPES[match.group()[0]]
    byte = int(pair, 16)
    return bytes((byte,)) if byte in _UNRESERVED else b"%" + pair.upper()


def _fix_query(match: re.Match[bytes]) -> bytes:
    return b"%20" if match.group() == b"+" else _fix(match)


def normalize_encoding(data: bytes, in_path: bool) -> bytes:
    """Text sent percent-encoded, in SigV4's encoding without a change of meaning:
    escapes of unreserved characters decoded, other escapes in uppercase hex, bytes
    that need it escaped (a ``%`` that starts no escape too). A path keeps its ``/``;
    a query name or value reads ``+`` as a space, as servers do."""
    if in_path:
        return data if _CLEAN_PATH.fullmatch(data) else _TO_FIX_PATH.sub(_fix, data)
    return data if _CLEAN.fullmatch(data) else _TO_FIX.sub(_fix_query, data)
