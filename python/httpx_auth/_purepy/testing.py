"""The steps of a signature one by one, for the conformance tests only: the twin of
``httpx_auth._native.testing`` (``rust/py_testing.rs``). The library never calls these."""

from __future__ import annotations

from collections.abc import Sequence

from httpx_auth._purepy import sigv4
from httpx_auth._purepy.sigv4 import Header
from httpx_auth._purepy.sigv4_canon import canonical_request
from httpx_auth._purepy.sigv4_canon_headers import selects


def sigv4_canonical_request(
    method: str,
    target: bytes,
    headers: Sequence[Header],
    include: Sequence[str],
    payload_hash: str,
    normalize_path: bool,
    double_encode: bool,
) -> tuple[bytes, str]:
    """The canonical request and its signed headers list."""
    canonical, signed = canonical_request(
        method, target, [(h[1], h[2]) for h in headers], selects(include), payload_hash,
        normalize_path, double_encode,
    )
    return canonical, signed.decode("utf-8", "replace")


def sigv4_string_to_sign(amz_date: str, scope: str, canonical_request: bytes) -> str:
    """``AWS4-HMAC-SHA256``, the date, the scope and the canonical request's hash."""
    return sigv4.string_to_sign(amz_date, scope, canonical_request)
