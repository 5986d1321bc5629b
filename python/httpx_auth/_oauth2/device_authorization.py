"""The device authorization response (RFC 8628 §3.2) and telling the user what to do.

The user code and verification URI are meant for the user and may be shown and logged;
the device code is a secret between the client and the server and never is.
"""

from __future__ import annotations

import logging
import math
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from httpx_auth._errors import GrantNotProvided, InvalidTokenResponse
from httpx_auth._oauth2.token_response import answer_fields

log = logging.getLogger("httpx_auth")

DEFAULT_INTERVAL = 5.0  # RFC 8628 §3.2: seconds between polls when the server says nothing


@dataclass(frozen=True)
class DeviceAuthorization:
    """What the device authorization endpoint answered.

    Attributes:
        user_code: the code the user enters at ``verification_uri``.
        verification_uri: where the user goes (on any device) to enter the code.
        verification_uri_complete: the same address with the code in it, when the server
            gives one (it can be opened, or shown as a QR code, without typing the code).
        expires_in: seconds during which the codes are valid.
        interval: seconds to wait between two polls of the token endpoint.
        device_code: the secret the client polls with (hidden from reprs).
    """

    user_code: str
    verification_uri: str
    verification_uri_complete: str | None
    expires_in: float
    interval: float
    device_code: str = field(repr=False)


DisplayHook = Callable[[DeviceAuthorization], Any]


def _text(fields: Mapping[str, Any], name: str, status: int, *, required: bool = True) -> str | None:
    value = fields.get(name)
    if value is None or value == "":
        if required:
            raise GrantNotProvided(name, fields.keys())
        return None
    if not isinstance(value, str):
        raise InvalidTokenResponse(f"{name} is a {type(value).__name__}, not a string.", status)
    return value


def _seconds(fields: Mapping[str, Any], name: str, status: int, default: float | None) -> float:
    value = fields.get(name)
    if value is None or value == "":
        if default is None:
            raise GrantNotProvided(name, fields.keys())
        return default
    try:
        seconds = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        seconds = math.nan
    if not math.isfinite(seconds) or seconds < 0:
        raise InvalidTokenResponse(f"{name} is not a non-negative number of seconds.", status)
    return seconds


def device_authorization_from_response(response: Any) -> DeviceAuthorization:
    """The ``DeviceAuthorization`` in the device authorization endpoint's (read) answer.

    Raises ``InvalidGrantRequest`` for an RFC 6749 §5.2 error, ``GrantNotProvided`` when
    a required field is missing and ``InvalidTokenResponse`` for anything else unusable.
    """
    status = response.status_code
    fields = answer_fields(response, "the device authorization endpoint")
    # "verification_url" is what some servers (Google, Entra's v1 endpoint) send instead.
    legacy = "verification_uri" not in fields and "verification_url" in fields
    uri_name = "verification_url" if legacy else "verification_uri"
    return DeviceAuthorization(
        user_code=_text(fields, "user_code", status) or "",
        verification_uri=_text(fields, uri_name, status) or "",
        verification_uri_complete=_text(fields, "verification_uri_complete", status, required=False),
        expires_in=_seconds(fields, "expires_in", status, None),
        interval=_seconds(fields, "interval", status, DEFAULT_INTERVAL),
        device_code=_text(fields, "device_code", status) or "",
    )


def instructions(authorization: DeviceAuthorization) -> str:
    """The sentence telling the user where to go and which code to enter."""
    minutes = max(1, round(authorization.expires_in / 60))
    return (
        f"To sign in, open {authorization.verification_uri} and enter the code {authorization.user_code} "
        f"(valid for about {minutes} minute{'s' if minutes > 1 else ''})."
    )


def show_on_stderr(authorization: DeviceAuthorization) -> None:
    """The default display hook: a line on stderr and a log record at INFO."""
    line = instructions(authorization)
    print(line, file=sys.stderr, flush=True)
    log.info("%s", line)


def open_quietly(url: str) -> None:
    """Open ``url`` in the user's browser from a thread; no browser is no error (the user
    was told the address anyway)."""

    def run() -> None:
        from httpx_auth._oauth2.browser import opener  # loaded when first needed

        try:
            if not opener.open_url(url):
                log.debug("No web browser could be started for the device verification page.")
        except Exception:  # a broken browser must not take the flow down
            log.debug("Starting the web browser failed.", exc_info=True)

    threading.Thread(target=run, name="httpx_auth-browser", daemon=True).start()
