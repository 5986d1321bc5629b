"""SigV4 canonicalisation in pure Python, the twin of ``rust/sigv4_canon.rs``: paths and
query strings rewritten into the form that is hashed and signed, and the canonical
request they make with the headers (``sigv4_canon_headers``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from urllib.parse import quote_from_bytes

from httpx_auth._purepy.sigv4_canon_headers import Selects, canonical_headers
from httpx_auth._purepy.sigv4_encoding import normalize_encoding

Pair = tuple[bytes, bytes]


def remove_dot_segments(path: bytes) -> bytes:
    """Remove dot segments and empty segments, keeping a trailing slash."""
    segments: list[bytes] = []
    last = b""
    for segment in path.split(b"/"):
        if segment == b"..":
            if segments:
                segments.pop()
        elif segment and segment != b".":
            segments.append(segment)
        last = segment
    out = b"/" + b"/".join(segments)
    if segments and last in (b"", b".", b".."):
        out += b"/"
    return out


def canonical_uri(path: bytes, normalize_path: bool, double_encode: bool) -> bytes:
    if normalize_path:
        path = remove_dot_segments(path)
    elif not path.startswith(b"/"):
        path = b"/" + path
    if double_encode:
        return quote_from_bytes(path, safe="/").encode("ascii")
    return normalize_encoding(path, True)


def query_pairs(query: bytes) -> list[Pair]:
    pairs = []
    for piece in query.split(b"&"):
        if piece:
            name, _, value = piece.partition(b"=")
            pairs.append((normalize_encoding(name, False), normalize_encoding(value, False)))
    return pairs


def join_pairs(pairs: Iterable[Pair]) -> bytes:
    return b"&".join([name + b"=" + value for name, value in pairs])


def canonical_target(
    target: bytes, normalize_path: bool, double_encode: bool, extra_query: Sequence[Pair] = ()
) -> bytes:
    """The canonical URI and query string of ``target`` (``path?query``), on two lines."""
    path, _, query = target.partition(b"?")
    uri = canonical_uri(path, normalize_path, double_encode)
    if not query and not extra_query:
        return uri + b"\n"
    pairs = query_pairs(query) if query else []
    pairs.extend(extra_query)
    pairs.sort()
    return uri + b"\n" + join_pairs(pairs)


def canonical_request(
    method: str,
    target: bytes,
    headers: Iterable[Pair],
    selects: Selects,
    payload_hash: str,
    normalize_path: bool,
    double_encode: bool,
    extra_query: Sequence[Pair] = (),
) -> tuple[bytes, bytes]:
    block, signed = canonical_headers(headers, selects)
    canonical = b"\n".join(
        [
            method.encode("utf-8"),
            canonical_target(target, normalize_path, double_encode, extra_query),
            block,
            signed,
            payload_hash.encode("utf-8"),
        ]
    )
    return canonical, signed
