"""URLs given to presign as strings are split without httpx.URL when httpx would send
them unchanged: the split must be the one httpx makes, whatever the string."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from httpx_auth import InvalidParameter
from httpx_auth._aws_url import _plain, split_url

PIECES = ["a", "Z", "0", "-", ".", "..", "_", "~", "/", "//", "/./", "/../", "%41", "%2F", "%zz", "%",
          "+", "=", "&", "?", "#", ":", "@", "!", "$", "'", "(", ")", "*", ",", ";", " ", "é", "|", '"']
HOSTS = ["h", "example.com", "Example.COM", "a-b.c", "127.0.0.1", "h:8443", "h:443", "h:80", "h:", "h:0", "h:00", "h:08443",
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
    plain = _plain(url)
    if plain is not None:  # the fast path is only taken where it is exact
        assert plain == expected, url
    if expected is None:
        with pytest.raises(InvalidParameter):
            split_url("url", url)
    else:
        assert split_url("url", url) == expected


def test_the_fast_path_covers_ordinary_urls() -> None:
    for url in ["https://bucket.s3.amazonaws.com/photos/2024/cat.jpg", "https://h:9000/k?versionId=3%2B1",
                "http://127.0.0.1:9000/bucket/a%20b"]:
        assert _plain(url) == httpx_split(url)


def test_a_parsed_url_is_used_as_it_is() -> None:
    url = httpx.URL("https://Bucket.s3.amazonaws.com:443/a b")
    assert split_url("url", url) == ("https", "bucket.s3.amazonaws.com", b"/a%20b")
    with pytest.raises(InvalidParameter, match="absolute"):
        split_url("url", httpx.URL("/relative"))
