"""AWS Signature Version 4 in pure Python: the twin of ``rust/sigv4*.rs`` and
``rust/signing_key.rs``, function for function and byte for byte.

Headers travel as httpx stores them: ``(name, lowercase name, value)`` byte triples;
the lowercase name (second item) and the value (third) are what is signed. The
signing time is an argument: nothing here reads the clock.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Sequence
from functools import lru_cache
from urllib.parse import quote, quote_from_bytes

from httpx_auth._purepy_sigv4_canon import (
    Pair,
    canonical_headers,
    canonical_request,
    canonical_uri,
    join_pairs,
    query_pairs,
    selects,
)

__all__ = [
    "sigv4_amz_date",
    "sigv4_canonical_request",
    "sigv4_presign",
    "sigv4_presign_keys",
    "sigv4_sign_headers",
    "sigv4_signature",
    "sigv4_signing_key",
    "sigv4_string_to_sign",
]

_ALGORITHM = "AWS4-HMAC-SHA256"
_MAX_TIMESTAMP = 253_402_300_799  # 9999-12-31T23:59:59Z
_MAX_EXPIRES_IN = 7 * 24 * 3600

Header = tuple[bytes, bytes, bytes]

# The headers a header signature sets, replacing any the request already has.
_DATE = (b"X-Amz-Date", b"x-amz-date")
_CONTENT = (b"X-Amz-Content-SHA256", b"x-amz-content-sha256")
_TOKEN = (b"X-Amz-Security-Token", b"x-amz-security-token")
_AUTHORIZATION = (b"Authorization", b"authorization")
_REPLACED = frozenset(lower for _, lower in (_DATE, _CONTENT, _TOKEN, _AUTHORIZATION))

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

# --- signing --------------------------------------------------------------------

_last_date: tuple[int, str] = (-1, "")


def sigv4_amz_date(timestamp: int) -> str:
    """``YYYYMMDDTHHMMSSZ`` for ``timestamp`` seconds since the epoch (UTC)."""
    global _last_date
    if _last_date[0] == timestamp:
        return _last_date[1]
    if not 0 <= timestamp <= _MAX_TIMESTAMP:
        raise ValueError(f"timestamp {timestamp} is outside 1970-01-01..9999-12-31")
    text = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(timestamp))
    _last_date = (timestamp, text)
    return text


@lru_cache(maxsize=16)
def sigv4_signing_key(secret_key: str, date: str, region: str, service: str) -> bytes:
    """The signing key for ``date`` (``YYYYMMDD``), region and service (cached)."""
    key = hmac.digest(("AWS4" + secret_key).encode("utf-8"), date.encode("utf-8"), "sha256")
    key = hmac.digest(key, region.encode("utf-8"), "sha256")
    key = hmac.digest(key, service.encode("utf-8"), "sha256")
    return hmac.digest(key, b"aws4_request", "sha256")


def sigv4_canonical_request(
    method: str,
    target: bytes,
    headers: Sequence[Header],
    include: Sequence[str],
    payload_hash: str,
    normalize_path: bool,
    double_encode: bool,
) -> tuple[bytes, str]:
    """The canonical request and its signed headers list.

    ``target`` is the path and query as sent; ``include`` the header patterns to sign
    (names, ``prefix*``, ``*``, ``!pattern``); ``normalize_path`` removes dot and empty
    segments from the path, ``double_encode`` encodes the path as sent a second time
    (every service but S3 does both; S3 neither).
    """
    canonical, signed = canonical_request(
        method,
        target,
        [(h[1], h[2]) for h in headers],
        selects(include),
        payload_hash,
        normalize_path,
        double_encode,
    )
    return canonical, signed.decode("utf-8", "replace")


def sigv4_string_to_sign(amz_date: str, scope: str, canonical_request: bytes) -> str:
    """``AWS4-HMAC-SHA256``, the date, the scope and the canonical request's hash."""
    digest = hashlib.sha256(canonical_request).hexdigest()
    return f"{_ALGORITHM}\n{amz_date}\n{scope}\n{digest}"


def sigv4_signature(signing_key: bytes, string_to_sign: str) -> str:
    """Hex HMAC-SHA256 of the string to sign under the signing key."""
    return hmac.digest(signing_key, string_to_sign.encode("utf-8"), "sha256").hex()


def _scope(amz_date: str, region: str, service: str) -> str:
    return f"{amz_date[:8]}/{region}/{service}/aws4_request"


def _sign(secret_key: str, amz_date: str, scope: str, canonical: bytes, region: str, service: str) -> str:
    key = sigv4_signing_key(secret_key, amz_date[:8], region, service)
    return sigv4_signature(key, sigv4_string_to_sign(amz_date, scope, canonical))


def sigv4_sign_headers(
    method: str,
    target: bytes,
    headers: Sequence[Header],
    include: Sequence[str],
    payload_hash: str,
    content_sha256: bool,
    access_id: str,
    secret_key: str,
    security_token: str | None,
    region: str,
    service: str,
    timestamp: int,
    normalize_path: bool,
    double_encode: bool,
) -> list[Header]:
    """The request's headers once signed: those it had (minus any the signature
    replaces) then ``X-Amz-Date``, ``X-Amz-Content-SHA256`` (if ``content_sha256``),
    ``X-Amz-Security-Token`` (if a token) and ``Authorization``. The headers added are
    always signed, the request's own when ``include`` selects them."""
    amz_date = sigv4_amz_date(timestamp)
    added: list[Header] = [(*_DATE, amz_date.encode("ascii"))]
    if content_sha256:
        added.append((*_CONTENT, payload_hash.encode("utf-8")))
    if security_token is not None:
        added.append((*_TOKEN, security_token.encode("utf-8")))
    kept = [header for header in headers if header[1].lower() not in _REPLACED]
    selection = selects(include)
    canonical, signed = canonical_request(
        method,
        target,
        [(h[1], h[2]) for h in kept] + [(h[1], h[2]) for h in added],
        lambda name: name in _REPLACED or selection(name),
        payload_hash,
        normalize_path,
        double_encode,
    )
    scope = _scope(amz_date, region, service)
    signature = _sign(secret_key, amz_date, scope, canonical, region, service)
    authorization = (
        f"{_ALGORITHM} Credential={access_id}/{scope}, "
        f"SignedHeaders={signed.decode('utf-8', 'replace')}, Signature={signature}"
    )
    added.append((*_AUTHORIZATION, authorization.encode("utf-8")))
    return kept + added


def _presign_time(timestamp: int, expires_in: int, region: str, service: str) -> tuple[str, str]:
    """A presigned URL's ``x-amz-date`` and credential scope, once its expiry is checked."""
    if not 1 <= expires_in <= _MAX_EXPIRES_IN:
        raise ValueError(f"expires_in {expires_in} must be between 1 and {_MAX_EXPIRES_IN} seconds")
    amz_date = sigv4_amz_date(timestamp)
    return amz_date, _scope(amz_date, region, service)


def _query_without_presign_parameters(query: bytes) -> bytes:
    return b"&".join(
        [p for p in query.split(b"&") if p and p.partition(b"=")[0] not in _PRESIGN_PARAMETERS]
    )


def _presign_pairs(
    access_id: str, security_token: str | None, amz_date: str, scope: str, expires_in: int, signed: bytes
) -> list[Pair]:
    pairs = [
        (b"X-Amz-Algorithm", _ALGORITHM.encode("ascii")),
        (b"X-Amz-Credential", quote(f"{access_id}/{scope}", safe="").encode("ascii")),
        (b"X-Amz-Date", amz_date.encode("ascii")),
        (b"X-Amz-Expires", str(expires_in).encode("ascii")),
    ]
    if security_token is not None:
        pairs.append((b"X-Amz-Security-Token", quote(security_token, safe="").encode("ascii")))
    pairs.append((b"X-Amz-SignedHeaders", quote_from_bytes(signed, safe="").encode("ascii")))
    return pairs


def sigv4_presign(
    method: str,
    target: bytes,
    headers: Sequence[Header],
    include: Sequence[str],
    payload_hash: str,
    access_id: str,
    secret_key: str,
    security_token: str | None,
    region: str,
    service: str,
    timestamp: int,
    expires_in: int,
    normalize_path: bool,
    double_encode: bool,
) -> bytes:
    """The presigned target: the path, the query as sent (minus any ``X-Amz-*``
    presign parameter, which are replaced), the ``X-Amz-*`` parameters and the
    signature. The headers ``include`` selects are signed."""
    amz_date, scope = _presign_time(timestamp, expires_in, region, service)
    path, _, query = target.partition(b"?")
    query = _query_without_presign_parameters(query)
    selection = selects(include)
    pairs = [(h[1], h[2]) for h in headers]
    _, signed = canonical_headers(pairs, selection)
    presign_pairs = _presign_pairs(access_id, security_token, amz_date, scope, expires_in, signed)
    unsigned = path + b"?" + query
    canonical, _ = canonical_request(
        method, unsigned, pairs, selection, payload_hash, normalize_path, double_encode, presign_pairs
    )
    signature = _sign(secret_key, amz_date, scope, canonical, region, service)
    return (
        unsigned
        + (b"&" if query else b"")
        + join_pairs(presign_pairs)
        + b"&X-Amz-Signature="
        + signature.encode("ascii")
    )


def sigv4_presign_keys(
    method: str,
    origin: str,
    host: str,
    base_path: bytes,
    base_query: bytes,
    keys: Sequence[str],
    payload_hash: str,
    access_id: str,
    secret_key: str,
    security_token: str | None,
    region: str,
    service: str,
    timestamp: int,
    expires_in: int,
    normalize_path: bool,
    double_encode: bool,
) -> list[str]:
    """One presigned URL per object key: ``origin`` + ``base_path`` + the key
    percent-encoded (``/`` kept) + ``base_query`` and the ``X-Amz-*`` parameters,
    each signing the ``host`` header only."""
    amz_date, scope = _presign_time(timestamp, expires_in, region, service)
    base_query = _query_without_presign_parameters(base_query)
    presign_pairs = _presign_pairs(access_id, security_token, amz_date, scope, expires_in, b"host")
    pairs = query_pairs(base_query) + presign_pairs
    pairs.sort()
    block, signed = canonical_headers([(b"host", host.encode("utf-8"))], lambda _: True)
    tail = b"\n" + join_pairs(pairs) + b"\n" + block + b"\n" + signed + b"\n" + payload_hash.encode("utf-8")
    url_query = (
        base_query + (b"&" if base_query else b"") + join_pairs(presign_pairs) + b"&X-Amz-Signature="
    ).decode("utf-8", "replace")
    key = sigv4_signing_key(secret_key, amz_date[:8], region, service)
    head = f"{_ALGORITHM}\n{amz_date}\n{scope}\n"
    if not base_path.endswith(b"/"):
        base_path += b"/"
    prefix = origin + base_path.decode("utf-8", "replace")
    method_line = method.encode("utf-8") + b"\n"
    sha256 = hashlib.sha256
    digest = hmac.digest
    urls = []
    for object_key in keys:
        encoded = quote(object_key, safe="/")
        path = base_path + encoded.encode("ascii")
        canonical = method_line + canonical_uri(path, normalize_path, double_encode) + tail
        string_to_sign = head + sha256(canonical).hexdigest()
        signature = digest(key, string_to_sign.encode("utf-8"), "sha256").hex()
        urls.append(f"{prefix}{encoded}?{url_query}{signature}")
    return urls
