"""URLs given to presign as strings are split by the core without httpx.URL when httpx
would send them unchanged: the split must be the one httpx makes, whatever the string,
on both backends; presigning such a URL in one core call gives the general path's URL."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from typing import Any

from httpx_auth import InvalidParameter
from httpx_auth._aws.url import split_url

from backends import BACKENDS, signer

PIECES = ["a", "Z", "0", "-", ".", "..", "_", "~", "/", "//", "/./", "/../", "%41", "%2F", "%zz", "%",
          "+", "=", "&", "?", "#", ":", "@", "!", "$", "'", "(", ")", "*", ",", ";", " ", "é", "|", '"']
HOSTS = ["h", "example.com", "Example.COM", "a-b.c", "127.0.0.1", "127.0.0.1000", "127.0.0.01", "256.0.0.1", "1.2.3", "h:8443", "h:443", "h:80", "h:", "h:0", "h:00", "h:08443",
         "u@h", "[::1]", "[::1]:9000", "h:99999", "xn--caf-dma.com"]

urls = st.tuples(
    st.sampled_from(["http", "https", "HTTPS"]), st.sampled_from(HOSTS),
    st.lists(st.sampled_from(PIECES), max_size=10).map("".join),
).map(lambda p: f"{p[0]}://{p[1]}{p[2]}")


def httpx_split(url: str) -> tuple[str, str, bytes] | None:
    try:
        parsed = httpx.URL(url)
        if not parsed.is_absolute_url or not parsed.host or parsed.scheme not in ("http", "https"):
            return None
        return parsed.scheme, parsed.netloc.decode("ascii"), parsed.raw_path
    except (httpx.InvalidURL, ValueError, TypeError):
        return None


@settings(max_examples=3000, deadline=None)
@given(urls)
def test_a_string_is_split_the_way_httpx_splits_it(url: str) -> None:
    expected = httpx_split(url)
    plains = {name: core.split_plain_url(url) for name, core in BACKENDS.items()}
    assert len(set(plains.values())) == 1, plains  # the backends agree
    plain = plains["python"]
    if plain is not None:  # the fast path is only taken where it is exact
        assert plain == expected, url
    if expected is None:
        with pytest.raises(InvalidParameter):
            split_url("url", url)
    else:
        assert split_url("url", url) == expected


@settings(max_examples=300, deadline=None)
@given(urls, st.sampled_from(["GET", "PUT"]), st.sampled_from([None, "tok/+="]))
def test_presigning_a_plain_url_is_presigning_its_parts(url: str, method: str, token: str | None) -> None:
    for core in BACKENDS.values():
        made = signer(core, "AKID", "secret", token, "us-east-1", "s3", ("*",), False, False)
        split = core.split_plain_url(url)
        fast = made.presign_url(url=url, method=method, payload_hash="UNSIGNED-PAYLOAD",
                                timestamp=1_700_000_000, expires_in=60)
        if split is None:
            assert fast is None
            continue
        scheme, netloc, target = split
        general = made.presign(method=method, origin=f"{scheme}://{netloc}", host=None, target=target,
                               headers=[(b"host", b"host", netloc.encode())], payload_hash="UNSIGNED-PAYLOAD",
                               timestamp=1_700_000_000, expires_in=60)
        assert fast == general


@pytest.mark.parametrize("url", ["https://bucket.s3.amazonaws.com/photos/2024/cat.jpg",
                                 "https://h:9000/k?versionId=3%2B1", "http://127.0.0.1:9000/bucket/a%20b"])
def test_the_fast_path_covers_ordinary_urls(core: Any, url: str) -> None:
    assert core.split_plain_url(url) == httpx_split(url)


def test_a_parsed_url_is_used_as_it_is() -> None:
    url = httpx.URL("https://Bucket.s3.amazonaws.com:443/a b")
    assert split_url("url", url) == ("https", "bucket.s3.amazonaws.com", b"/a%20b")
    with pytest.raises(InvalidParameter, match="absolute"):
        split_url("url", httpx.URL("/relative"))
