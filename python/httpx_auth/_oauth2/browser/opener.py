"""Opening the authorization URL in the user's web browser.

``webbrowser`` does the work, with two refinements:

- the ``BROWSER`` environment variable is read when the browser is opened (the
  ``webbrowser`` module reads it only once, at its first use). Like ``webbrowser``,
  an entry containing ``%s`` is a command line, and one ending with ``&`` is started
  in the background (``BROWSER="links %s &"``);
- the browser is started from a separate thread. A text-mode browser started in the
  foreground only returns once it is closed; the redirect server keeps serving it
  meanwhile instead of waiting for it.
"""

from __future__ import annotations

import logging
import os
import threading
import webbrowser

logger = logging.getLogger("httpx_auth")


def open_url(url: str) -> bool:
    """Open ``url`` in a new browser window; False when no browser could be started."""
    commands = [cmd for cmd in os.environ.get("BROWSER", "").split(os.pathsep) if cmd.strip()]
    for command in commands:
        try:
            if webbrowser.get(command).open(url, new=1):
                return True
        except (webbrowser.Error, OSError, ValueError) as error:
            logger.debug("BROWSER entry %r could not be started: %s", command, error)
    if commands:
        return False
    try:
        return webbrowser.open(url, new=1)
    except (webbrowser.Error, OSError) as error:
        logger.debug("No web browser could be started: %s", error)
        return False


def _open_or_warn(url: str) -> None:
    try:
        opened = open_url(url)
    except Exception:  # a broken browser must not take the redirect server down
        logger.exception("Starting the web browser failed.")
        opened = False
    if not opened:
        logger.warning(
            "Could not start a web browser (set the BROWSER environment variable to choose one). "
            "To sign in, open this address yourself: %s",
            url,
        )


def open_in_background(url: str) -> None:
    """Start opening ``url`` without waiting for the browser; a failure is logged with the URL."""
    threading.Thread(target=_open_or_warn, args=(url,), name="httpx_auth-browser", daemon=True).start()
