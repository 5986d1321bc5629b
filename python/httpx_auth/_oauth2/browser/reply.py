"""Reading the authorization server's reply, as it reaches the redirect URI.

This is the part of the redirect server that knows nothing about sockets: given one
HTTP request that hit the redirect URI, it decides which page the browser shows and
whether the authorization is over (with the reply's fields, or with an error). The
real server (``redirect_server``) and the test double (``httpx_auth.testing``) both
drive it, so tests exercise the very code that users run.

Replies come back three ways:

- in the query string (authorization code: ``?code=…&state=…``);
- in the URL fragment (implicit: ``#access_token=…&state=…``), which browsers never
  send to a server. The first request then gets a small page whose script posts the
  fragment's fields back to the same address, and that second request is the reply;
- as a form POST (``response_mode=form_post``), handled like that second request.
"""

from __future__ import annotations

import hmac
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit

from httpx_auth._errors import GrantNotProvided, InvalidGrantRequest
from httpx_auth._oauth2.browser.display import DisplaySettings

log = logging.getLogger("httpx_auth")


@dataclass(frozen=True)
class AuthorizationRequest:
    """One authorization a person grants in the browser.

    :param url: the authorization URL to open, ``state`` included.
    :param redirect_uri: where the authorization server sends the reply.
    :param state: the value the reply must carry back.
    :param grant_field: the reply field holding what we asked for (``code``, ``access_token``…).
    :param port: the port of the redirect URI, where the server listens.
    :param timeout: seconds to wait for the reply.
    :param display: the pages shown at the end.
    """

    url: str
    redirect_uri: str
    state: str = field(repr=False)
    grant_field: str
    port: int
    timeout: float
    display: DisplaySettings

    @property
    def path(self) -> str:
        """The path of the redirect URI, percent-decoded: the only one the server answers on."""
        return unquote(urlsplit(self.redirect_uri).path or "/")

    @property
    def host(self) -> str:
        """The host name of the redirect URI (lowercase)."""
        return (urlsplit(self.redirect_uri).hostname or "").lower()


@dataclass(frozen=True)
class Page:
    """What the browser gets back for one request."""

    status: int
    html: str
    #: True when this request ended the authorization (successfully or not).
    final: bool = False
    #: What went wrong, as shown on the failure page (None for other pages).
    information: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


_NOT_FOUND = "<!DOCTYPE html><title>Not found</title><p>Nothing to see here.</p>\n"
# What the browser (or whoever sent it) gets for a request that is not the reply.
IGNORED = "This request does not carry the state of the sign-in in progress: it was ignored."
IGNORED_PAGE = (
    "<!DOCTYPE html><title>Not the sign-in reply</title><p>This answer does not belong to the sign-in "
    "in progress and was ignored. Complete the sign-in in the tab the application opened.</p>\n"
)
_DONE = "<!DOCTYPE html><title>Already done</title><p>This sign-in is already complete. You can close this tab.</p>\n"

# Served when the reply is not in the query string: the fields are probably in the
# fragment, which only a script can read. It posts them back to the same address and
# removes them from the address bar (and history) on the way.
FRAGMENT_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Completing sign-in</title>
</head>
<body style="font: 16px/1.5 system-ui, sans-serif; margin: 2rem;">
<form id="reply" method="post"></form>
<p>Completing sign-in&hellip;</p>
<noscript><p>This step needs JavaScript: the reply is in the part of the address after
"#", which only a script can hand over to the application.</p></noscript>
<script>
(function () {
  var form = document.getElementById("reply");
  form.action = window.location.pathname + window.location.search;
  new URLSearchParams(window.location.hash.substring(1)).forEach(function (value, name) {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.appendChild(input);
  });
  if (window.history && window.history.replaceState) {
    window.history.replaceState(null, "", form.action);
  }
  form.submit();
})();
</script>
</body>
</html>
"""
FRAGMENT_PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'unsafe-inline'; "
    "style-src 'unsafe-inline'; form-action 'self'",
}


class ReplyCatcher:
    """Handles the requests reaching the redirect URI until one of them is the reply.

    Thread-safe: the first final request decides the outcome, later ones only get a page.
    """

    def __init__(self, request: AuthorizationRequest) -> None:
        self.request = request
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._fields: dict[str, str] | None = None
        self._error: Exception | None = None

    @property
    def done(self) -> threading.Event:
        """Set once the authorization is over."""
        return self._done

    def outcome(self) -> dict[str, str]:
        """The reply's fields; raises what went wrong instead if it failed."""
        if self._error is not None:
            raise self._error
        if self._fields is None:
            raise RuntimeError("no reply yet")
        return self._fields

    def handle(self, method: str, target: str, body: bytes = b"") -> Page:
        """The page answering ``method target`` (``target`` is the path and query)."""
        path, _, query = target.partition("?")
        # Compared decoded: browsers percent-encode a path outside plain ASCII.
        if unquote(path.partition("#")[0] or "/") != self.request.path:
            return Page(404, _NOT_FOUND)
        if method not in ("GET", "POST"):
            return Page(405, _NOT_FOUND, headers={"Allow": "GET, POST"})
        pairs = parse_qsl(query, keep_blank_values=True)
        if method == "GET" and not _names_reply(pairs, self.request.grant_field):
            return Page(200, FRAGMENT_PAGE, headers=FRAGMENT_PAGE_HEADERS)
        if method == "POST":
            pairs += parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        if not self._carries_the_state(pairs):
            # Not the reply (RFC 9700 §4.7): another tab, a forged or stale answer. It
            # ends nothing; the wait goes on for the real one (or times out).
            log.warning("Redirect server: a request without the state of the sign-in was ignored.")
            return Page(400, IGNORED_PAGE, information=IGNORED)
        with self._lock:
            if self._done.is_set():
                return Page(409, _DONE)
            try:
                self._fields = self._check(pairs)
            except (GrantNotProvided, InvalidGrantRequest) as error:
                self._error = error
                self._done.set()
                display = self.request.display
                return Page(200, display.failure_page(str(error)), final=True, information=str(error))
            self._done.set()
            return Page(200, self.request.display.success_page(), final=True)

    def _carries_the_state(self, pairs: list[tuple[str, str]]) -> bool:
        states = {value for name, value in pairs if name == "state"}
        return len(states) == 1 and _same(states.pop(), self.request.state)

    def _check(self, pairs: list[tuple[str, str]]) -> dict[str, str]:
        # The state matched: this is the authorization server's reply. Messages name no
        # received content but the server's own error words.
        fields: dict[str, str] = {}
        for name, value in pairs:
            if fields.setdefault(name, value) != value:
                raise InvalidGrantRequest("invalid_request", "The reply repeats a parameter with different values.")
        if "error" in fields:
            raise InvalidGrantRequest(
                fields["error"], fields.get("error_description"), fields.get("error_uri")
            )
        if not fields.get(self.request.grant_field):
            raise GrantNotProvided(self.request.grant_field)
        return fields


def _names_reply(pairs: list[tuple[str, str]], grant_field: str) -> bool:
    return any(name in (grant_field, "error") for name, _ in pairs)


def _same(received: str, expected: str) -> bool:
    # Constant time: how much of the state matched must not leak through timing.
    return hmac.compare_digest(received.encode("utf-8"), expected.encode("utf-8"))
