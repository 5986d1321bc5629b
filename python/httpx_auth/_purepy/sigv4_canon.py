"""SigV4 canonicalisation in pure Python, the twin of ``rust/sigv4_canon.rs``: paths,
query strings and headers rewritten into the form that is hashed and signed."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from operator import itemgetter
from urllib.parse import quote_from_bytes

Pair = tuple[bytes, bytes]

_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_ESCAPES = [b"%%%02X" % byte for byte in range(256)]
_CLEAN = re.compile(rb"[A-Za-z0-9\-._~]*")
_CLEAN_PATH = re.compile(rb"[A-Za-z0-9\-._~/]*")
_TO_FIX = re.compile(rb"%([0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~]")
_TO_FIX_PATH = re.compile(rb"%([0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~/]")


# --- encoding -------------------------------------------------------------------


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


# --- which headers are signed ---------------------------------------------------

Selects = Callable[[bytes], bool]


@lru_cache(maxsize=64)
def _selection_of(include: tuple[str, ...]) -> Selects:
    everything = False
    exact: set[bytes] = set()
    prefixes: list[bytes] = []
    left_out: set[bytes] = set()
    left_out_prefixes: list[bytes] = []
    for pattern in include:
        excluded = pattern.startswith("!")
        text = (pattern[1:] if excluded else pattern).encode("utf-8").lower()
        if not excluded and text == b"*":
            everything = True
        elif text.endswith(b"*"):
            (left_out_prefixes if excluded else prefixes).append(text[:-1])
        else:
            (left_out if excluded else exact).add(text)
    starts = tuple(prefixes)
    starts_out = tuple(left_out_prefixes)

    # Requests carry few distinct header names: remember the answers (a bounded memo).
    memo: dict[bytes, bool] = {}

    def selects(name: bytes) -> bool:
        known = memo.get(name)
        if known is not None:
            return known
        answer = (
            name != b"authorization"
            and (everything or name in exact or name.startswith(starts))
            and not (name in left_out or name.startswith(starts_out))
        )
        if len(memo) < 256:
            memo[name] = answer
        return answer

    return selects


def selects(include: Sequence[str]) -> Selects:
    return _selection_of(include if isinstance(include, tuple) else tuple(include))


def canonical_headers(headers: Iterable[Pair], selects: Selects) -> tuple[bytes, bytes]:
    """The canonical headers block and the signed headers list."""
    chosen = []
    for name, value in headers:
        name = name.lower()
        if selects(name):
            chosen.append((name, value))
    chosen.sort(key=itemgetter(0))  # stable: repeated headers keep their order
    lines: list[bytes] = []
    names: list[bytes] = []
    for name, value in chosen:
        value = b" ".join(value.split())
        if names and names[-1] == name:
            lines[-1] += b"," + value
        else:
            names.append(name)
            lines.append(name + b":" + value)
    lines.append(b"")
    return b"\n".join(lines) if names else b"", b";".join(names)


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
    path, _, query = target.partition(b"?")
    pairs = query_pairs(query) if query else []
    pairs.extend(extra_query)
    pairs.sort()
    block, signed = canonical_headers(headers, selects)
    canonical = b"\n".join(
        [
            method.encode("utf-8"),
            canonical_uri(path, normalize_path, double_encode),
            join_pairs(pairs),
            block,
            signed,
            payload_hash.encode("utf-8"),
        ]
    )
    return canonical, signed
