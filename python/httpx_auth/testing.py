"""pytest fixtures for testing code that uses httpx_auth.

Installed as a pytest plugin: the fixtures are available in every test without an
import (importing them from here works too).

- ``token_cache``: the shared token cache, emptied before and after the test.
- ``token_mock``: the token that ``token_cache_mock`` hands out (override it to choose).
- ``token_cache_mock``: every OAuth2 auth authenticates with ``token_mock``, without
  browser, server or token endpoint.
- ``browser_mock``: a ``BrowserMock`` standing in for the browser and the redirect
  server: script which URL it expects to open and what it replies.
- ``create_token(expiry)``: a JWT expiring at ``expiry`` (needs ``pyjwt``).

Matching opened URLs with a random ``state``
--------------------------------------------
Every authorization sends a fresh random ``state`` (and, for some grants, ``nonce`` and
a PKCE ``code_challenge``), so a test cannot know the exact URL the browser opens. The
mock compares the scheme, host, path and every other query parameter exactly (in any
order), but only checks that ``state``, ``nonce`` and ``code_challenge`` are present
when ``opened_url`` lists them, whatever value it gives them.

In ``reply_url``, ``{state}`` and ``{nonce}`` stand for the values actually sent; so
does any ``state`` value equal to the one written in ``opened_url``. Any other state
value is sent as written: that is how a test simulates a forged reply. ``reply_url``
may also be a function of the URL actually opened, returning the reply (or ``None``).
``data``, when given, is sent as the body of a POST to ``reply_url`` (what a
``response_mode=form_post`` answer, or the page's script, sends), with the same
substitutions.
"""

from __future__ import annotations

import datetime
import re
import threading
from collections.abc import Callable, Iterator
from typing import Any, Union
from urllib.parse import parse_qsl, urlsplit

import pytest

from httpx_auth._errors import TimeoutOccurred
from httpx_auth._oauth2 import id_token
from httpx_auth._oauth2.browser.reply import FRAGMENT_PAGE, AuthorizationRequest, Page, ReplyCatcher
from httpx_auth._oauth2.caches.memory import TokenMemoryCache
from httpx_auth._oauth2.settings import OAuth2
from httpx_auth._oauth2.token import Token

__all__ = [
    "BrowserMock",
    "Tab",
    "browser_mock",
    "create_token",
    "token_cache",
    "token_cache_mock",
    "token_mock",
]

#: Query parameters of the authorization URL that change with every authorization.
VOLATILE_PARAMETERS = ("state", "nonce", "code_challenge")

# A reply: a URL, None (the user never finishes), or a function of the opened URL.
Reply = Union[str, None, Callable[[str], Union[str, None]]]

_JWT_KEY = "httpx_auth.testing: a key for test tokens only"


def create_token(expiry: datetime.datetime | float | None, **claims: Any) -> str:
    """A JWT (HS256, signed with a test key) whose ``exp`` claim is ``expiry``.

    ``expiry`` is a datetime or seconds since the epoch; ``None`` leaves ``exp`` out.
    Extra keyword arguments are added as claims. Needs ``pyjwt``.
    """
    try:
        import jwt
    except ImportError:
        raise ImportError("create_token needs pyjwt: pip install pyjwt (or httpx_auth[testing]).") from None
    payload = dict(claims)
    if expiry is not None:
        payload["exp"] = expiry
    token: str = jwt.encode(payload, _JWT_KEY, algorithm="HS256")
    return token


def _query(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


def _url_matches(expected: str | None, actual: str) -> bool:
    if expected is None:
        return True
    want, got = urlsplit(expected), urlsplit(actual)
    if (want.scheme.lower(), want.netloc.lower(), want.path or "/") != (
        got.scheme.lower(),
        got.netloc.lower(),
        got.path or "/",
    ):
        return False
    want_query, got_query = _query(expected), _query(actual)
    if sorted(p for p in want_query if p[0] not in VOLATILE_PARAMETERS) != sorted(
        p for p in got_query if p[0] not in VOLATILE_PARAMETERS
    ):
        return False
    sent = {name for name, _ in got_query}
    return all(name in sent for name, _ in want_query if name in VOLATILE_PARAMETERS)


class Tab:
    """One browser tab the code under test is expected to open.

    ``opened_url`` is the URL actually opened (``None`` until then) and ``page`` the last
    page the redirect server showed in it.
    """

    def __init__(
        self, expected_url: str | None, reply_url: Reply, displayed_html: str | None = None, data: str | None = None
    ) -> None:
        self.expected_url = expected_url
        self.reply_url = reply_url
        self.expected_html = displayed_html
        self.data = data
        self.opened_url: str | None = None
        self.sent_reply_url: str | None = None
        self.page: Page | None = None
        #: Why the reply never completed the authorization, if it did not.
        self.problem: str | None = None
        self._replied = threading.Event()  # the tab is done: a final page, or a problem

    def __repr__(self) -> str:
        return f"Tab(opened_url={self.expected_url!r})"

    @property
    def displayed_html(self) -> str | None:
        """The HTML of the last page shown in the tab."""
        return None if self.page is None else self.page.html

    def assert_success(self, timeout: float = 1) -> None:
        """Assert that the tab was opened and showed the success page (waiting up to
        ``timeout`` seconds for it, when the code under test runs in another thread)."""
        information = self._final_page(timeout).information
        assert information is None, f"{self!r} showed the failure page: {information}"

    def assert_failure(self, message: str, timeout: float = 1) -> None:
        """Assert that the tab was opened and showed the failure page explaining ``message``
        (waiting up to ``timeout`` seconds for it)."""
        information = self._final_page(timeout).information
        assert information is not None, f"{self!r} showed the success page, not a failure."
        assert information == message, f"{self!r} showed another failure.\nexpected: {message}\nshown:    {information}"

    def _final_page(self, timeout: float) -> Page:
        """The page that ended the authorization; fails the test if the tab never got there
        (or showed another page than the ``displayed_html`` expected)."""
        self._replied.wait(timeout)
        assert self.opened_url is not None, f"{self!r} was never opened."
        assert self.page is not None and self.page.final, (
            f"{self!r} did not complete the authorization: {self.problem or 'no reply reached the redirect server.'}"
        )
        if self.expected_html is not None:
            assert self.page.html == self.expected_html, f"{self!r} showed another page:\n{self.page.html}"
        return self.page

    def _reply(self, request: AuthorizationRequest) -> str | None:
        assert self.opened_url is not None
        reply = self.reply_url(self.opened_url) if callable(self.reply_url) else self.reply_url
        return None if reply is None else self._substitute(request, reply)

    def _substitute(self, request: AuthorizationRequest, reply: str) -> str:
        """``reply`` with the values actually sent in place of those the test wrote."""
        assert self.opened_url is not None
        nonce = dict(_query(self.opened_url)).get("nonce", "")
        reply = reply.replace("{state}", request.state).replace("{nonce}", nonce)
        written = dict(_query(self.expected_url)).get("state") if self.expected_url else None
        if written:
            reply = re.sub(
                rf"(?<![^?&#])state={re.escape(written)}(?=[&#]|$)",  # at the start, or after ? & #
                lambda _: f"state={request.state}",
                reply,
            )
        return reply


class BrowserMock:
    """Stands in for the web browser and the redirect server (see the module docstring).

    Add one tab per authorization the code under test should perform, in order, with
    ``add_response``; each authorization takes the first unused tab whose URL matches.
    """

    def __init__(self) -> None:
        self.tabs: list[Tab] = []
        self._lock = threading.Lock()

    def add_response(
        self, opened_url: str | None, reply_url: Reply, displayed_html: str | None = None, data: str | None = None
    ) -> Tab:
        """Expect the browser to open ``opened_url`` (any URL for ``None``), and reply
        with the browser visiting ``reply_url`` (never, for ``None``), or posting ``data``
        (form-encoded) to it. With ``displayed_html``, the tab's assertions also check
        that the page shown is exactly that HTML."""
        tab = Tab(opened_url, reply_url, displayed_html, data)
        with self._lock:
            self.tabs.append(tab)
        return tab

    def assert_checked(self) -> None:
        """Assert that every tab was opened."""
        unopened = [tab for tab in self.tabs if tab.opened_url is None]
        assert not unopened, f"Tabs never opened by the code under test: {unopened}"

    def wait_for_reply(self, request: AuthorizationRequest) -> dict[str, str]:
        """What ``redirect_server.wait_for_reply`` does, with this mock as the browser."""
        tab = self._open(request.url)
        try:
            return self._visit(tab, request)
        finally:
            tab._replied.set()

    def _visit(self, tab: Tab, request: AuthorizationRequest) -> dict[str, str]:
        reply = tab._reply(request)
        if reply is None:
            tab.problem = "the tab never replied (reply_url is None)."
            raise TimeoutOccurred(request.timeout)
        tab.sent_reply_url = reply
        parts, redirect = urlsplit(reply), urlsplit(request.redirect_uri)
        if (
            parts.scheme != "http"
            or parts.hostname not in (redirect.hostname, "localhost", "127.0.0.1")
            or (parts.port or 80) != redirect.port
        ):
            tab.problem = f"the reply {reply!r} does not go to the redirect URI {request.redirect_uri!r}."
            raise TimeoutOccurred(request.timeout)
        catcher = ReplyCatcher(request)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if tab.data is not None:
            page = catcher.handle("POST", target, tab._substitute(request, tab.data).encode("utf-8"))
        else:
            page = catcher.handle("GET", target)
        if not page.final and page.html == FRAGMENT_PAGE:
            # What the page's script does: post the fragment's fields back.
            page = catcher.handle("POST", target, parts.fragment.encode("utf-8"))
        tab.page = page
        if not page.final:
            tab.problem = f"the redirect server answered HTTP {page.status} to {parts.path or '/'!r}" + (
                f": {page.information}" if page.information else "."
            )
            raise TimeoutOccurred(request.timeout)
        return catcher.outcome()

    def _open(self, url: str) -> Tab:
        with self._lock:
            for tab in self.tabs:
                if tab.opened_url is None and _url_matches(tab.expected_url, url):
                    tab.opened_url = url
                    return tab
        expected = [tab.expected_url for tab in self.tabs if tab.opened_url is None]
        raise AssertionError(f"The browser was asked to open {url}\nwhich no unused tab expects: {expected}")


class MockTokenCache(TokenMemoryCache):
    """A token cache that holds the same token for every configuration."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = Token(token)

    def lookup(self, key: str, *, early_expiry: float = 30.0) -> Token | None:
        return self.token

    def stored(self, key: str) -> Token | None:
        return self.token

    def get_token(self, key: str, **kwargs: Any) -> str:
        return self.token.access_token


@pytest.fixture
def token_cache() -> Iterator[TokenMemoryCache]:
    """The shared token cache (``OAuth2.token_cache``), emptied before and after the test."""
    cache = OAuth2.token_cache
    cache.clear()
    yield cache
    cache.clear()


@pytest.fixture
def token_mock() -> str:
    """The token ``token_cache_mock`` hands out; override this fixture to choose it."""
    return "2YotnFZFEjr1zCsicMWpAA"


@pytest.fixture
def token_cache_mock(monkeypatch: pytest.MonkeyPatch, token_mock: str) -> MockTokenCache:
    """Every OAuth2 auth authenticates with ``token_mock``: no browser, server or token request."""
    cache = MockTokenCache(token_mock)
    monkeypatch.setattr(OAuth2, "token_cache", cache)
    return cache


def _unchecked_reply(*args: Any) -> Iterator[Any]:
    return iter(())


@pytest.fixture
def browser_mock(monkeypatch: pytest.MonkeyPatch, token_cache: TokenMemoryCache) -> Iterator[BrowserMock]:
    """A ``BrowserMock`` in place of the browser and the redirect server.

    The token cache starts empty, and every tab added must have been opened by the end
    of the test. The ID tokens of the replies are taken as they are: the checks of their
    claims and signature (nonce, audience...) are for real identity providers."""
    mock = BrowserMock()
    from httpx_auth._oauth2.browser import redirect_server  # the real one is never started

    monkeypatch.setattr(redirect_server, "wait_for_reply", mock.wait_for_reply)
    monkeypatch.setattr(id_token, "check_reply", _unchecked_reply)
    yield mock
    mock.assert_checked()
