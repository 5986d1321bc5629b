"""The pure-Python twin of ``rust/sigv4_chunked.rs``: signatures of an aws-chunked
upload's chunks and of its trailing headers."""

from __future__ import annotations

import hashlib
import hmac

__all__ = ["sigv4_chunk_signature", "sigv4_trailer_signature"]

_EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def _sign(signing_key: bytes, lines: list[str]) -> str:
    return hmac.new(signing_key, "\n".join(lines).encode("utf-8"), hashlib.sha256).hexdigest()


def sigv4_chunk_signature(signing_key: bytes, amz_date: str, scope: str, previous: str, data: bytes) -> str:
    """The signature of a chunk holding ``data`` (empty for the final chunk),
    following the signature ``previous`` (the seed signature for the first chunk)."""
    chunk_hash = hashlib.sha256(data).hexdigest()
    return _sign(signing_key, ["AWS4-HMAC-SHA256-PAYLOAD", amz_date, scope, previous, _EMPTY_SHA256, chunk_hash])


def sigv4_trailer_signature(
    signing_key: bytes, amz_date: str, scope: str, previous: str, canonical_trailer: bytes
) -> str:
    """The signature of trailing headers given as ``name:value\\n`` lines, following
    the final chunk's signature ``previous``."""
    trailer_hash = hashlib.sha256(canonical_trailer).hexdigest()
    return _sign(signing_key, ["AWS4-HMAC-SHA256-TRAILER", amz_date, scope, previous, trailer_hash])
