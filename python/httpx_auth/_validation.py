"""Checks of constructor arguments, with messages that name the parameter."""

from __future__ import annotations

import re
from typing import Any

from httpx_auth._errors import InvalidParameter

# RFC 9110 §5.6.2 token characters: what a header field name may contain.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


class InvalidParameterType(InvalidParameter, TypeError):
    """An auth object was given an argument of the wrong type."""


def text(name: str, value: Any, *, allow_empty: bool = False) -> str:
    """``value`` as a str; raises when it is not text, or empty unless allowed."""
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidParameter(f"{name} must be UTF-8 text.") from None  # never echo a secret
    if not isinstance(value, str):
        raise InvalidParameterType(f"{name} must be a string, not {type(value).__name__}.")
    if not value and not allow_empty:
        raise InvalidParameter(f"{name} must not be empty.")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: they would fail later, at send time
            raise InvalidParameter(f"{name} must be UTF-8 text (it holds a lone surrogate).") from None
    return value


def header_name(name: str, value: Any) -> str:
    checked = text(name, value)
    if not _TOKEN.fullmatch(checked):
        raise InvalidParameter(f"{name} {checked!r} is not a valid HTTP header name.")
    return checked


def header_value(name: str, value: Any) -> str:
    """Secrets sent in a header: refuse line breaks (header injection)."""
    checked = text(name, value)
    if "\r" in checked or "\n" in checked or "\0" in checked:
        raise InvalidParameter(f"{name} must not contain line breaks or NUL characters.")
    return checked
