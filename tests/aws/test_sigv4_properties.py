"""Property tests of the SigV4 core: both backends agree on random requests, the compiled
canonicaliser never panics whatever it is given, and S3 signatures agree with botocore's."""

from __future__ import annotations

import datetime
from functools import partial
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from httpx_auth import _purepy

from backends import native, presign, presign_keys, sign_headers

_native: Any = native

pytestmark = pytest.mark.skipif(native is None, reason="compiled core not built in this install")

MAX_TIMESTAMP = 253_402_300_799
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- strategies ----------------------------------------------------------------------

PATH_PIECES = [
    "a", "Z", "0", "-", ".", "_", "~", " ", "/", "//", ".", "..", "/./", "/../", "%", "%2F", "%2f", "%41",
    "%7e", "%zz", "%4", "+", "=", "&", ":", "@", "!", "$", "'", "(", ")", "*", ",", ";", "é", "ሴ", "日本",
    "\t", "#", "[", "]",
]
QUERY_PIECES = ["a", "B", "1", "-", "~", " ", "+", "%20", "%2B", "%2b", "%7E", "%", "/", "é", "=", ":", "%zz"]
HEADER_NAMES = [
    "Host", "host", "X-Amz-Date", "x-amz-date", "X-Amz-Meta-A", "x-amz-meta-a", "Content-Type", "Range",
    "X-Custom", "authorization", "Authorization", "x-amz-security-token", "X-Amz-Content-SHA256",
    "x-amz-client-context", "Ünïcode", "",
]
PATTERNS = ["*", "host", "content-type", "x-amz-*", "!x-amz-client-context", "range", "X-Custom", "x-*",
            "!x-amz-meta-*", "", "!", "!*", "a*b", "x**", "É"]
METHODS = ["GET", "PUT", "POST", "DELETE", "HEAD", "get", "PATCH", "ÉCRIRE"]

paths = st.lists(st.sampled_from(PATH_PIECES), max_size=14).map("".join)
texts = st.lists(st.sampled_from(QUERY_PIECES), max_size=6).map("".join)
parameters = st.tuples(texts, st.one_of(st.none(), texts)).map(lambda p: p[0] if p[1] is None else f"{p[0]}={p[1]}")
queries = st.one_of(st.none(), st.lists(parameters, max_size=6).map("&".join))
targets = st.tuples(paths, queries).map(
    lambda t: (t[0] if t[1] is None else f"{t[0]}?{t[1]}").encode("utf-8")
)
values = st.one_of(
    st.text(alphabet=st.sampled_from(list("ab Z1 \t,;:=/\"é")), max_size=20).map(lambda v: v.encode("utf-8")),
    st.binary(max_size=20),
)
headers = st.lists(
    st.tuples(st.sampled_from(HEADER_NAMES), values).map(
        lambda h: (h[0].encode("utf-8"), h[0].lower().encode("utf-8"), h[1])
    ),
    max_size=8,
)
includes = st.lists(st.sampled_from(PATTERNS), max_size=5).map(tuple)
rules = st.tuples(st.booleans(), st.booleans())
timestamps = st.integers(min_value=0, max_value=MAX_TIMESTAMP)
tokens = st.one_of(st.none(), st.text(max_size=30))
names = st.text(min_size=1, max_size=20)
bodies = st.binary(max_size=3000)


HELPERS = {"sigv4_sign_headers": sign_headers, "sigv4_presign": presign, "sigv4_presign_keys": presign_keys}


def call(core: Any, name: str) -> Any:
    """The core's ``name``: a signer helper, a function, or a test-only step."""
    if name in HELPERS:
        return partial(HELPERS[name], core)
    return getattr(core, name, None) or getattr(core.testing, name)


def both(name: str, *args: Any) -> Any:
    """Call ``name`` on both backends; they must agree, on a result or on an error."""
    results = []
    for core in (_native, _purepy):
        try:
            results.append(("ok", call(core, name)(*args)))
        except ValueError as error:
            results.append(("error", str(error)))
    assert results[0] == results[1], (name, args)
    return results[0][1]


# --- the backends agree --------------------------------------------------------------

@SETTINGS
@given(st.sampled_from(METHODS), targets, headers, includes, bodies, rules)
def test_canonical_requests_agree(method: str, target: bytes, headers: Any, include: Any, body: bytes,
                                  rule: tuple[bool, bool]) -> None:
    payload_hash = both("sha256_hex", body)
    canonical, signed = both("sigv4_canonical_request", method, target, headers, include, payload_hash, *rule)
    assert canonical.endswith(payload_hash.encode())
    assert canonical.split(b"\n")[1].startswith(b"/")
    assert "authorization" not in signed.split(";")


@SETTINGS
@given(st.sampled_from(METHODS), targets, headers, includes, st.booleans(), names, names, tokens,
       names, names, timestamps, rules)
def test_header_signatures_agree(method: str, target: bytes, headers: Any, include: Any, content_sha256: bool,
                                 access_id: str, secret_key: str, token: str | None, region: str,
                                 service: str, timestamp: int, rule: tuple[bool, bool]) -> None:
    signed = both(
        "sigv4_sign_headers", method, target, headers, include, "UNSIGNED-PAYLOAD", content_sha256,
        access_id, secret_key, token, region, service, timestamp, *rule,
    )
    added = [h[1] for h in signed[len(signed) - 2 - content_sha256 - (token is not None):]]
    assert added[0] == b"x-amz-date" and added[-1] == b"authorization"
    assert sum(h[1].lower() == b"authorization" for h in signed) == 1


@SETTINGS
@given(st.sampled_from(METHODS), targets, headers, names, names, tokens, names, names,
       st.integers(min_value=-5, max_value=700_000), st.integers(min_value=-5, max_value=MAX_TIMESTAMP + 5), rules)
def test_presigned_targets_agree(method: str, target: bytes, headers: Any, access_id: str,
                                 secret_key: str, token: str | None, region: str, service: str,
                                 expires_in: int, timestamp: int, rule: tuple[bool, bool]) -> None:
    presigned = both(
        "sigv4_presign", method, target, headers, "UNSIGNED-PAYLOAD", access_id, secret_key,
        token, region, service, timestamp, expires_in, *rule,
    )
    if isinstance(presigned, bytes):
        assert presigned.count(b"X-Amz-Signature=") == 1


@SETTINGS
@given(st.sampled_from(METHODS), st.text(max_size=20), st.text(max_size=20), paths.map(str.encode),
       queries.map(lambda q: (q or "").encode()), st.lists(st.text(max_size=12), max_size=5), names, tokens,
       timestamps, st.integers(min_value=0, max_value=604_801), rules)
def test_batch_presigned_urls_agree(method: str, origin: str, host: str, base_path: bytes, base_query: bytes,
                                    keys: list[str], secret_key: str, token: str | None, timestamp: int,
                                    expires_in: int, rule: tuple[bool, bool]) -> None:
    urls = both(
        "sigv4_presign_keys", method, origin, host, base_path, base_query, keys, "UNSIGNED-PAYLOAD",
        "AKID", secret_key, token, "us-east-1", "s3", timestamp, expires_in, *rule,
    )
    if isinstance(urls, list):
        assert len(urls) == len(keys)


@SETTINGS
@given(st.integers(min_value=-(2**40), max_value=2**40), names, names, names, names, st.binary(max_size=64))
def test_dates_keys_and_signatures_agree(timestamp: int, secret: str, date: str, region: str, service: str,
                                         canonical: bytes) -> None:
    both("sigv4_amz_date", timestamp)
    key = both("sigv4_signing_key", secret, date, region, service)
    assert isinstance(key, bytes) and len(key) == 32
    string_to_sign = both("sigv4_string_to_sign", date, region, canonical)
    both("sigv4_signature", key, string_to_sign)


def test_amz_date_edges_agree() -> None:
    for timestamp in (0, 951_782_400, 4_107_542_399, MAX_TIMESTAMP):
        assert _native.sigv4_amz_date(timestamp) == _purepy.sigv4_amz_date(timestamp)
    assert _native.sigv4_amz_date(MAX_TIMESTAMP) == "99991231T235959Z"
    for timestamp in (-1, MAX_TIMESTAMP + 1):
        with pytest.raises(ValueError, match="timestamp"):
            _native.sigv4_amz_date(timestamp)
        with pytest.raises(ValueError, match="timestamp"):
            _purepy.sigv4_amz_date(timestamp)


# --- the compiled canonicaliser never panics ----------------------------------------

anything_text = st.text(alphabet=st.characters(), max_size=30)
arbitrary_headers = st.lists(st.tuples(st.binary(max_size=20), st.binary(max_size=20), st.binary(max_size=40)), max_size=8)
arbitrary_include = st.lists(anything_text, max_size=6)
big_ints = st.integers(min_value=-(2**70), max_value=2**70)


def survives(call: Any, *args: Any) -> None:
    """Return normally or raise an ordinary error: a Rust panic would surface as
    ``pyo3_runtime.PanicException``, a ``BaseException`` this does not catch."""
    try:
        call(*args)
    except (ValueError, OverflowError, TypeError):
        pass


@settings(max_examples=400, deadline=None)
@given(anything_text, st.binary(max_size=200), arbitrary_headers, arbitrary_include, anything_text, rules)
def test_the_canonicaliser_never_panics(method: str, target: bytes, headers: Any, include: list[str],
                                        payload_hash: str, rule: tuple[bool, bool]) -> None:
    survives(_native.testing.sigv4_canonical_request, method, target, headers, include, payload_hash, *rule)


@settings(max_examples=300, deadline=None)
@given(anything_text, st.binary(max_size=200), arbitrary_headers, arbitrary_include, anything_text,
       anything_text, st.one_of(st.none(), anything_text), big_ints, big_ints, rules)
def test_signing_never_panics(method: str, target: bytes, headers: Any, include: list[str], text: str,
                              secret: str, token: str | None, timestamp: int, expires_in: int,
                              rule: tuple[bool, bool]) -> None:
    survives(call(_native, "sigv4_sign_headers"), method, target, headers, include, text, True, text, secret,
             token, text, text, timestamp, *rule)
    survives(call(_native, "sigv4_presign"), method, target, headers, text, text, secret, token, text, text,
             timestamp, expires_in, *rule)
    survives(call(_native, "sigv4_presign_keys"), method, text, text, target, target, [text, secret], text, text, secret,
             token, text, text, timestamp, expires_in, *rule)
    survives(_native.sigv4_amz_date, timestamp)
    survives(_native.sigv4_signing_key, secret, text, text, text)
    survives(_native.testing.sigv4_string_to_sign, text, text, target)
    survives(_native.sigv4_signature, target, text)


@pytest.mark.parametrize("bad", [None, 5, "text", [("a", "b")], [(b"a", b"b")], [(b"a", "b", b"c")], [object()]])
def test_malformed_headers_are_type_errors(bad: Any) -> None:
    with pytest.raises((TypeError, IndexError, AttributeError)):
        _purepy.testing.sigv4_canonical_request("GET", b"/", bad, ("*",), "x", True, True)
    with pytest.raises(TypeError):
        _native.testing.sigv4_canonical_request("GET", b"/", bad, ("*",), "x", True, True)


# --- S3 signatures agree with botocore on random keys and queries --------------------

key_text = st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=30)
query_values = st.lists(st.tuples(st.text(min_size=1, max_size=8), st.text(max_size=8)), max_size=4)


@settings(max_examples=100, deadline=None)
@given(key_text, query_values, st.sampled_from(["GET", "PUT", "DELETE"]), st.integers(0, 4_000_000_000))
def test_s3_signatures_agree_with_botocore(key: str, query: list[tuple[str, str]], method: str, timestamp: int) -> None:
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    import time_machine

    path = "/" + quote(key, safe="/~")
    target = path + ("?" + "&".join(f"{quote(k, safe='~')}={quote(v, safe='~')}" for k, v in query) if query else "")
    assume(not key.startswith("/"))
    url = "https://bucket.s3.amazonaws.com" + target
    with time_machine.travel(datetime.datetime.fromtimestamp(timestamp, datetime.timezone.utc), tick=False):
        request = AWSRequest(method=method, url=url, data=b"")
        S3SigV4Auth(Credentials("AKID", "secret"), "s3", "us-east-1").add_auth(request)
    expected = request.headers["Authorization"]
    headers = [(b"Host", b"host", b"bucket.s3.amazonaws.com")]
    for core in (_native, _purepy):
        signed = sign_headers(
            core, method, target.encode(), headers, ("host", "content-type", "x-amz-*"),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", True, "AKID", "secret", None,
            "us-east-1", "s3", timestamp, False, False,
        )
        assert signed[-1][2].decode() == expected
