"""JWT ``exp`` extraction in pure Python, the twin of ``rust/jwt.rs``."""

from __future__ import annotations

import base64
import binascii
import json
import re

_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
# The Rust core's JSON parser (serde_json) refuses deeper nesting, and numbers beyond
# the range of a double: the twin refuses the same documents.
_MAX_DEPTH = 127
_STRING_OR_BRACKET = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _reject_constant(name: str) -> float:
    raise ValueError(name)


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError("number out of range")
    return value


def _in_range_int(text: str) -> int:
    value = int(text)
    try:
        float(value)
    except OverflowError:
        raise ValueError("number out of range") from None
    return value


def _too_deep(text: str) -> bool:
    depth = 0
    for match in _STRING_OR_BRACKET.finditer(text):
        bracket = match.group()
        if bracket in "[{":
            depth += 1
            if depth > _MAX_DEPTH:
                return True
        elif bracket in "]}":
            depth -= 1
    return False


def jwt_exp(token: str) -> float | None:
    """The ``exp`` claim of a JWT in seconds since the epoch, ``None`` if absent.

    Raises ``ValueError`` when ``token`` is not a readable JWT.
    """
    parts = token.split(".")
    if len(parts) != 3:
        raise ValueError("not a JWT: expected three dot-separated parts")
    # Tolerate the padding RFC 7515 says to strip, like the Rust core does.
    body = parts[1].rstrip("=")
    if not _BASE64URL.fullmatch(body) or len(body) % 4 == 1:
        raise ValueError("JWT body is not valid base64url")
    try:
        text = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode("utf-8")
        if _too_deep(text):
            raise ValueError("too deep")
        claims = json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float, parse_int=_in_range_int)
    except binascii.Error:
        raise ValueError("JWT body is not valid base64url") from None
    except ValueError:
        raise ValueError("JWT body is not a JSON object") from None
    if not isinstance(claims, dict):
        raise ValueError("JWT body is not a JSON object")
    exp = claims.get("exp")
    if exp is None:
        return None
    if isinstance(exp, bool) or not isinstance(exp, (int, float)):
        raise ValueError("JWT exp claim is not a number")
    return float(exp)
