"""DisplaySettings: the pages shown in the browser at the end of an authorization."""

from __future__ import annotations

import re
from typing import Any

import pytest

from httpx_auth import HttpxAuthException, InvalidParameter
from httpx_auth._oauth2.browser.display import DisplaySettings, render


def test_defaults_match_the_reference() -> None:
    display = DisplaySettings()
    assert display.success_display_time == 1
    assert display.failure_display_time == 10_000


def test_default_pages_are_self_contained_html() -> None:
    display = DisplaySettings()
    for page in (display.success_page(), display.failure_page("it broke")):
        assert page.startswith("<!DOCTYPE html>")
        assert '<meta charset="utf-8">' in page
        # Nothing fetched from elsewhere: no external stylesheet, script, font or image.
        assert not re.search(r"(src|href)\s*=", page)
        assert "http://" not in page and "https://" not in page and "url(" not in page
        assert "{display_time}" not in page and "{information}" not in page


def test_default_pages_close_after_their_display_time() -> None:
    display = DisplaySettings(success_display_time=250, failure_display_time=4_000)
    assert "}, 250);" in display.success_page()
    assert "}, 4000);" in display.failure_page("x")


def test_failure_page_shows_the_information_escaped() -> None:
    page = DisplaySettings().failure_page('access_denied: <script>alert("x")</script> & more')
    assert "access_denied: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in page
    assert "<script>alert" not in page


def test_custom_pages_fill_their_placeholders() -> None:
    display = DisplaySettings(
        success_display_time=5,
        success_html="<p>ok, closing in {display_time} ms</p>",
        failure_display_time=7,
        failure_html="<p>{information} (closing in {display_time} ms)</p>",
    )
    assert display.success_page() == "<p>ok, closing in 5 ms</p>"
    assert display.failure_page("denied") == "<p>denied (closing in 7 ms)</p>"


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        # str.format style: doubled braces stand for one brace.
        ("<style>p {{ color: red }}</style>{display_time}", "<style>p { color: red }</style>3"),
        # Single braces that are not placeholders are left alone.
        ("<style>p { color: red }</style>{display_time}", "<style>p { color: red }</style>3"),
        ("{unknown} {0} {display_time", "{unknown} {0} {display_time"),
    ],
)
def test_braces_in_custom_pages(template: str, expected: str) -> None:
    assert render(template, display_time=3) == expected


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"success_display_time": -1}, "success_display_time"),
        ({"failure_display_time": "10"}, "failure_display_time"),
        ({"success_display_time": True}, "success_display_time"),
        ({"success_html": b"<p>"}, "success_html"),
        ({"failure_html": 3}, "failure_html"),
    ],
)
def test_bad_settings_name_the_parameter(kwargs: dict[str, Any], name: str) -> None:
    with pytest.raises(InvalidParameter, match=name) as raised:
        DisplaySettings(**kwargs)
    assert isinstance(raised.value, HttpxAuthException)


def test_settings_are_positional_like_the_reference() -> None:
    display = DisplaySettings(2, "<p>{display_time}</p>", 3, "<p>{information}</p>")
    assert display.success_page() == "<p>2</p>"
    assert display.failure_page("no") == "<p>no</p>"


def test_repr_is_short_and_says_which_pages_are_custom() -> None:
    assert repr(DisplaySettings()) == "DisplaySettings(success_display_time=1, failure_display_time=10000)"
    assert repr(DisplaySettings(failure_html="<p>x</p>")) == (
        "DisplaySettings(success_display_time=1, failure_display_time=10000, failure_html=<custom>)"
    )
