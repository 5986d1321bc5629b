"""What the browser tab shows once the authorization reply reached the redirect server."""

from __future__ import annotations

import html
import re
from typing import Any

from httpx_auth._errors import InvalidParameter

# Templates follow str.format's conventions for the two placeholders and for doubled
# braces ("{{" shows "{"), but any other brace is left alone, so a page with inline CSS
# works whether or not its author doubled the braces.
_TEMPLATE_TOKEN = re.compile(r"\{\{|\}\}|\{(display_time|information)\}")

_STYLE = """
  :root { color-scheme: light dark; --accent: #1a7f37; }
  body { margin: 0; min-height: 100vh; display: flex; align-items: center;
         justify-content: center; font: 16px/1.5 system-ui, -apple-system, "Segoe UI",
         Roboto, sans-serif; background: Canvas; color: CanvasText; }
  main { max-width: 36rem; padding: 2rem 2.5rem; border-radius: 12px;
         border-top: 6px solid var(--accent); box-shadow: 0 2px 16px rgb(0 0 0 / 15%); }
  h1 { margin: 0 0 .5rem; font-size: 1.4rem; }
  p { margin: .5rem 0; }
  .details { white-space: pre-wrap; overflow-wrap: anywhere; padding: .75rem 1rem;
             border-radius: 6px; background: rgb(127 127 127 / 12%);
             font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
             font-size: .9rem; }
  .failure { --accent: #cf222e; }
"""

DEFAULT_SUCCESS_HTML = (
    """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Signed in</title>
<style>"""
    + _STYLE
    + """</style>
</head>
<body>
<main>
<h1>You are signed in</h1>
<p>The application received your authorization. You can close this tab.</p>
</main>
<script>setTimeout(function () { window.close(); }, {display_time});</script>
</body>
</html>
"""
)

DEFAULT_FAILURE_HTML = (
    """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign-in failed</title>
<style>"""
    + _STYLE
    + """</style>
</head>
<body>
<main class="failure">
<h1>Sign-in failed</h1>
<p>The application could not be authorized:</p>
<p class="details">{information}</p>
<p>You can close this tab and try again.</p>
</main>
<script>setTimeout(function () { window.close(); }, {display_time});</script>
</body>
</html>
"""
)


def render(template: str, *, display_time: int, information: str = "") -> str:
    """``template`` with ``{display_time}`` and ``{information}`` (HTML-escaped) filled in."""
    values = {"display_time": str(display_time), "information": html.escape(information)}

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        return values[match.group(1)]

    return _TEMPLATE_TOKEN.sub(replace, template)


def _display_time(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidParameter(f"{name} must be a whole number of milliseconds, not {type(value).__name__}.")
    if value < 0:
        raise InvalidParameter(f"{name} must not be negative.")
    return value


def _template(name: str, value: Any, default: str) -> str:
    if value is None:
        return default
    if not isinstance(value, str):
        raise InvalidParameter(f"{name} must be a string of HTML, not {type(value).__name__}.")
    return value


class DisplaySettings:
    """The pages shown in the browser at the end of an authorization.

    :param success_display_time: milliseconds the success page stays open before the
        tab tries to close itself.
    :param success_html: the success page; ``{display_time}`` is replaced by
        ``success_display_time``. Defaults to a built-in page.
    :param failure_display_time: milliseconds the failure page stays open.
    :param failure_html: the failure page; ``{information}`` is replaced by what went
        wrong (HTML-escaped) and ``{display_time}`` by ``failure_display_time``.
    """

    def __init__(
        self,
        success_display_time: int = 1,
        success_html: str | None = None,
        failure_display_time: int = 10_000,
        failure_html: str | None = None,
    ) -> None:
        self.success_display_time = _display_time("success_display_time", success_display_time)
        self.success_html = _template("success_html", success_html, DEFAULT_SUCCESS_HTML)
        self.failure_display_time = _display_time("failure_display_time", failure_display_time)
        self.failure_html = _template("failure_html", failure_html, DEFAULT_FAILURE_HTML)

    def __repr__(self) -> str:
        pages = (
            ("success_html", self.success_html, DEFAULT_SUCCESS_HTML),
            ("failure_html", self.failure_html, DEFAULT_FAILURE_HTML),
        )
        return (
            f"DisplaySettings(success_display_time={self.success_display_time}, "
            f"failure_display_time={self.failure_display_time}"
            + "".join(f", {name}=<custom>" for name, page, default in pages if page != default)
            + ")"
        )

    def success_page(self) -> str:
        """The HTML of the success page."""
        return render(self.success_html, display_time=self.success_display_time)

    def failure_page(self, information: str) -> str:
        """The HTML of the failure page explaining ``information``."""
        return render(self.failure_html, display_time=self.failure_display_time, information=information)
