"""JWT ``exp`` extraction in pure Python, the twin of ``rust/jwt.rs``."""

from __future__ import annotations

import base64
import binascii
import json
import re

_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


def _reject_constant(name: str) -> float:
    raise ValueError(name)


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
        decoded = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        claims = json.loads(decoded.decode("utf-8"), parse_constant=_reject_constant)
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
