"""Reading a token endpoint's answer (RFC 6749 §5.1 and §5.2) into a ``Token``.

Accepted bodies: JSON objects, and form-encoded data (``application/x-www-form-urlencoded``,
or ``text/plain`` / ``text/html`` that hold form data, as some servers send). Error
messages name fields and types, never values: a body may hold secrets.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from httpx_auth import _core
from httpx_auth._errors import GrantNotProvided, InvalidGrantRequest, InvalidTokenResponse
from httpx_auth._oauth2.token import Token, expiry_from_expires_in, expiry_from_jwt, header_safe

log = logging.getLogger("httpx_auth")

_FORM_TYPES = ("application/x-www-form-urlencoded", "text/plain", "text/html", "")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def response_fields(response: Any) -> dict[str, Any]:
    """The fields of a token endpoint's (already read) ``response`` body.

    Raises ``InvalidTokenResponse`` when the body is neither a JSON object nor form data.
    """
    status = response.status_code
    media_type = response.headers.get("content-type", "").partition(";")[0].strip().lower()
    content: bytes = response.content
    try:
        text = content.decode(response.charset_encoding or "utf-8")
    except (UnicodeDecodeError, LookupError):
        raise InvalidTokenResponse(f"the body (HTTP {status}, {media_type or 'no content type'}) is not text.", status) from None
    stripped = text.strip()
    if not stripped:
        raise InvalidTokenResponse(f"the body of the HTTP {status} answer is empty.", status)
    if media_type == "application/json" or media_type.endswith("+json") or (
        media_type != "application/x-www-form-urlencoded" and stripped.startswith("{")
    ):
        try:
            fields = json.loads(stripped, parse_constant=_reject_constant)
        except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
            raise InvalidTokenResponse(f"the body of the HTTP {status} answer is not valid JSON.", status) from None
        if not isinstance(fields, dict):
            raise InvalidTokenResponse(
                f"the JSON body of the HTTP {status} answer is a {type(fields).__name__}, not an object.", status
            )
        return fields
    if media_type not in _FORM_TYPES:
        raise InvalidTokenResponse(f"unexpected content type {media_type!r} (HTTP {status}).", status)
    if stripped.startswith("<"):
        raise InvalidTokenResponse(f"the token endpoint answered HTTP {status} with an HTML page.", status)
    try:
        pairs = parse_qsl(stripped, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise InvalidTokenResponse(f"the body of the HTTP {status} answer is neither JSON nor form data.", status) from None
    return dict(pairs)


def _optional_text(fields: Mapping[str, Any], name: str, status: int | None) -> str | None:
    value = fields.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidTokenResponse(f"{name} is a {type(value).__name__}, not a string.", status)
    return value


def raise_for_error(fields: Mapping[str, Any], status_code: int | None = None) -> None:
    """Raise ``InvalidGrantRequest`` when ``fields`` hold an RFC 6749 §5.2 error."""
    error = fields.get("error")
    if error is None:
        return
    if not isinstance(error, (str, int, float)):  # RFC 6749 §5.2: a string
        raise InvalidTokenResponse(f"error is a {type(error).__name__}, not a string.", status_code)
    raise InvalidGrantRequest(str(error), _scalar(fields, "error_description"), _scalar(fields, "error_uri"), status_code)


def _scalar(fields: Mapping[str, Any], name: str) -> str | None:
    """An optional text field of an error answer; dropped when it is a list or an object."""
    value = fields.get(name)
    return str(value) if isinstance(value, (str, int, float)) else None


def token_from_fields(
    fields: Mapping[str, Any],
    token_field_name: str = "access_token",
    *,
    status_code: int | None = None,
    expiry_from_token: bool = False,
) -> Token:
    """The ``Token`` described by the fields of an answer (a token response body, or the
    parameters of an implicit grant's redirect).

    The access token is ``fields[token_field_name]``; its expiry comes from
    ``expires_in`` when present, else from the token's JWT ``exp`` claim (required when
    ``expiry_from_token`` is true; otherwise used if the token is a JWT with an ``exp``:
    a token whose ``exp`` has passed is expired at once, never cached as valid), else it
    never expires. Raises ``InvalidGrantRequest``
    for an RFC 6749 §5.2 error, ``GrantNotProvided`` when the token is missing,
    ``InvalidTokenResponse`` for fields of the wrong type or value, and ``InvalidToken``
    / ``TokenExpiryNotProvided`` when the JWT expiry cannot be read.
    """
    raise_for_error(fields, status_code)
    access_token = fields.get(token_field_name)
    if access_token is None or access_token == "":
        raise GrantNotProvided(token_field_name, fields.keys())
    if not isinstance(access_token, str):
        raise InvalidTokenResponse(f"{token_field_name} is a {type(access_token).__name__}, not a string.", status_code)
    if not header_safe(access_token):
        raise InvalidTokenResponse(f"{token_field_name} contains spaces or control characters at its ends.", status_code)
    now = time.time()
    expires_in = fields.get("expires_in")
    if expires_in is not None and expires_in != "":
        try:
            expiry: float | None = expiry_from_expires_in(expires_in, now)
        except ValueError as error:
            raise InvalidTokenResponse(str(error) + ".", status_code) from None
    elif expiry_from_token:
        expiry = expiry_from_jwt(access_token, token_field_name)
    else:
        expiry = _jwt_expiry_if_any(access_token)
    lifetime = None if expiry is None else max(expiry - now, 0.0)
    return Token(access_token, expiry, _optional_text(fields, "refresh_token", status_code), lifetime)


def _jwt_expiry_if_any(access_token: str) -> float | None:
    """The ``exp`` of a token that happens to be a JWT, else ``None`` (never expires)."""
    if access_token.count(".") != 2:
        return None
    try:
        exp = _core.backend.jwt_exp(access_token)
    except ValueError:
        return None  # an opaque token that merely contains two dots
    if exp is None or not math.isfinite(exp):
        return None
    if exp <= time.time():
        log.warning("The access token received is a JWT that has already expired (its exp claim is past).")
    return float(exp)


def answer_fields(response: Any, endpoint: str = "the token endpoint") -> dict[str, Any]:
    """The fields of a successful (2xx, already read) answer of ``endpoint``.

    Raises ``InvalidGrantRequest`` for an RFC 6749 §5.2 error answer and
    ``InvalidTokenResponse`` for any other failure, or a body that cannot be read.
    """
    status = response.status_code
    success = 200 <= status < 300
    try:
        fields = response_fields(response)
    except InvalidTokenResponse:
        if success:
            raise
        fields = {}  # an unreadable error answer: no OAuth2 error to report
    if not success:
        raise_for_error(fields, status)
        raise InvalidTokenResponse(f"{endpoint} answered HTTP {status} without an OAuth2 error response.", status)
    return fields


def token_from_response(
    response: Any, token_field_name: str = "access_token", *, expiry_from_token: bool = False
) -> Token:
    """The ``Token`` in a token endpoint's (already read) ``response``; see ``token_from_fields``.

    A non-2xx answer without an RFC 6749 error raises ``InvalidTokenResponse``.
    """
    fields = answer_fields(response)
    return token_from_fields(
        fields, token_field_name, status_code=response.status_code, expiry_from_token=expiry_from_token
    )
