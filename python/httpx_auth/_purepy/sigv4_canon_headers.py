"""The headers of a SigV4 canonical request in pure Python, the twin of
``rust/sigv4_canon_headers.rs``: which are signed, and the block and list they make."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from operator import itemgetter

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


def canonical_headers(headers: Iterable[tuple[bytes, bytes]], selects: Selects) -> tuple[bytes, bytes]:
    """The canonical headers block and the signed headers list."""
    chosen = []
    for name, value in headers:
        name = name.lower()
        if selects(name):
            chosen.append((name, value))
    return canonical_block(chosen)


def canonical_block(chosen: list[tuple[bytes, bytes]]) -> tuple[bytes, bytes]:
    """The block and list of headers already chosen (lowercase names, any order);
    sorts ``chosen`` in place."""
    if not chosen:
        return b"", b""
    chosen.sort(key=itemgetter(0))  # stable: repeated headers keep their order
    lines: list[bytes] = []
    names: list[bytes] = []
    previous = None
    for name, value in chosen:
        value = b" ".join(value.split())
        if name == previous:
            lines[-1] += b"," + value
        else:
            names.append(name)
            lines.append(name + b":" + value)
            previous = name
    lines.append(b"")
    return b"\n".join(lines), b";".join(names)
