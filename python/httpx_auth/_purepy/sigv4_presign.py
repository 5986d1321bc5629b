"""Presigned URLs in pure Python, the twin of ``rust/sigv4_presign.rs``: the signature
travels in the query (``X-Amz-*`` parameters), for one request or many object keys."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote, quote_from_bytes

from httpx_auth._purepy.sigv4 import ALGORITHM
from httpx_auth._purepy.sigv4_stamp import Stamp
from httpx_auth._purepy.sigv4_canon import Pair, canonical_uri, join_pairs, query_pairs
from httpx_auth._purepy.sigv4_canon_headers import canonical_headers

MAX_EXPIRES_IN = 7 * 24 * 3600

_PRESIGN_PARAMETERS = frozenset(
    [
        b"X-Amz-Algorithm",
        b"X-Amz-Credential",
        b"X-Amz-Date",
        b"X-Amz-Expires",
        b"X-Amz-Security-Token",
        b"X-Amz-SignedHeaders",
        b"X-Amz-Signature",
    ]
)


def check_expiry(expires_in: int) -> None:
    if not 1 <= expires_in <= MAX_EXPIRES_IN:
        raise ValueError(f"expires_in {expires_in} must be between 1 and {MAX_EXPIRES_IN} seconds")


def _query_without_presign_parameters(query: bytes) -> bytes:
    return b"&".join(
        [p for p in query.split(b"&") if p and p.partition(b"=")[0] not in _PRESIGN_PARAMETERS]
    )


def _presign_pairs(
    access_id: str, security_token: str | None, stamp: Stamp, expires_in: int, signed: bytes
) -> list[Pair]:
    pairs = [
        (b"X-Amz-Algorithm", ALGORITHM.encode("ascii")),
        (b"X-Amz-Credential", quote(f"{access_id}/{stamp.scope}", safe="").encode("ascii")),
        (b"X-Amz-Date", stamp.amz_date.encode("ascii")),
        (b"X-Amz-Expires", str(expires_in).encode("ascii")),
    ]
    if security_token is not None:
        pairs.append((b"X-Amz-Security-Token", quote(security_token, safe="").encode("ascii")))
    pairs.append((b"X-Amz-SignedHeaders", quote_from_bytes(signed, safe="").encode("ascii")))
    return pairs


def _everything(name: bytes) -> bool:
    return name != b"authorization"


class Presigner:
    """What every URL presigned at one stamp for one method, set of signed headers and
    query shares: the canonical request after its path, and the URL's query up to the
    signature (``rust/sigv4_presign.rs``'s ``Presigner``). Every header given (name,
    value) is signed."""

    __slots__ = ("method_line", "rules", "tail", "url_query", "stamp")

    def __init__(
        self,
        method: str,
        headers: Sequence[Pair],
        query: bytes,
        payload_hash: str,
        access_id: str,
        security_token: str | None,
        path_rules: tuple[bool, bool],
        stamp: Stamp,
        expires_in: int,
    ) -> None:
        check_expiry(expires_in)
        block, signed = canonical_headers(headers, _everything)
        query = _query_without_presign_parameters(query)
        presign_pairs = _presign_pairs(access_id, security_token, stamp, expires_in, signed)
        pairs = query_pairs(query) + presign_pairs if query else presign_pairs
        pairs.sort()
        self.tail = b"\n" + join_pairs(pairs) + b"\n" + block + b"\n" + signed + b"\n" + payload_hash.encode("utf-8")
        self.url_query = (
            query + (b"&" if query else b"") + join_pairs(presign_pairs) + b"&X-Amz-Signature="
        ).decode("utf-8", "replace")
        self.method_line = method.encode("utf-8") + b"\n"
        self.rules = path_rules
        self.stamp = stamp

    def signature(self, path: bytes) -> str:
        return self.stamp.sign(self.method_line + canonical_uri(path, *self.rules) + self.tail)

    def url(self, path: bytes) -> str:
        """The presigned target of ``path``: the path, the query as sent (minus any
        ``X-Amz-*`` presign parameter, which are replaced), the ``X-Amz-*`` parameters
        and the signature."""
        return f"{path.decode('utf-8', 'replace')}?{self.url_query}{self.signature(path)}"


def presign_keys(presigner: Presigner, origin: str, base_path: bytes, keys: Sequence[str]) -> list[str]:
    """One presigned URL per object key: ``origin`` + ``base_path`` + the key
    percent-encoded (``/`` kept) + the presigner's query (the base query and the
    ``X-Amz-*`` parameters, signing the ``host`` header only)."""
    if not base_path.endswith(b"/"):
        base_path += b"/"
    prefix = origin + base_path.decode("utf-8", "replace")
    url_query = presigner.url_query
    signature = presigner.signature
    urls = []
    for object_key in keys:
        encoded = quote(object_key, safe="/")
        urls.append(f"{prefix}{encoded}?{url_query}{signature(base_path + encoded.encode('ascii'))}")
    return urls
