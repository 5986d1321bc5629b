"""Signing a request in its headers, in pure Python, the twin of ``rust/sigv4_headers.rs``:
the headers a SigV4 signature sets and the one pass that computes them."""

from __future__ import annotations

from collections.abc import Sequence

from httpx_auth._purepy.sigv4 import ALGORITHM, Header
from httpx_auth._purepy.sigv4_canon import canonical_target
from httpx_auth._purepy.sigv4_canon_headers import Selects, canonical_block
from httpx_auth._purepy.sigv4_stamp import Stamp

# The headers a header signature sets, named as they are sent, replacing any the
# request already has (whose own spelling is kept).
DATE, CONTENT, TOKEN, AUTHORIZATION = b"x-amz-date", b"x-amz-content-sha256", b"x-amz-security-token", b"Authorization"
REPLACED = frozenset(name.lower() for name in (DATE, CONTENT, TOKEN, AUTHORIZATION))


def _added_name(headers: Sequence[Header], lower: bytes, default: bytes) -> tuple[bytes, bytes]:
    for header in headers:
        if header[1].lower() == lower:
            return header[0], header[1]
    return default, lower


def sign_headers(
    method: str,
    target: bytes,
    headers: Sequence[Header],
    selection: Selects,
    payload_hash: str,
    content_sha256: bool,
    access_id: str,
    security_token: str | None,
    path_rules: tuple[bool, bool],
    stamp: Stamp,
) -> list[Header]:
    """The request's headers once signed: those it had (minus any the signature
    replaces) then ``x-amz-date``, ``x-amz-content-sha256`` (if ``content_sha256``),
    ``x-amz-security-token`` (if a token) and ``Authorization``. The headers added are
    always signed, the request's own when ``selection`` selects them."""
    kept: list[Header] = []
    replaced: list[Header] = []
    chosen: list[tuple[bytes, bytes]] = []  # (lowercase name, value) of the headers signed
    for header in headers:
        lower = header[1].lower()
        if lower in REPLACED:
            replaced.append(header)
        else:
            kept.append(header)
            if selection(lower):
                chosen.append((lower, header[2]))
    payload = payload_hash.encode("utf-8")
    added = [(DATE, stamp.date_bytes)]
    if content_sha256:
        added.append((CONTENT, payload))
    if security_token is not None:
        added.append((TOKEN, security_token.encode("utf-8")))
    chosen += added  # named in lowercase already, and always signed
    block, signed = canonical_block(chosen)
    canonical = b"\n".join(
        [method.encode("utf-8"), canonical_target(target, *path_rules), block, signed, payload]
    )
    authorization = (
        f"{ALGORITHM} Credential={access_id}/{stamp.scope}, "
        f"SignedHeaders={signed.decode('utf-8', 'replace')}, Signature={stamp.sign(canonical)}"
    )
    added.append((AUTHORIZATION, authorization.encode("utf-8")))
    if not replaced:
        kept += [(name, name.lower(), value) for name, value in added]
        return kept
    for name, value in added:
        kept.append((*_added_name(replaced, name.lower(), name), value))
    return kept
