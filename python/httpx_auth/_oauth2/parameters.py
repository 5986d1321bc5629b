"""The grants' own parameters: scope, extra parameters (public or secret), URLs, hidden values."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from httpx_auth import _validation as check
from httpx_auth._errors import InvalidParameter


class _Hidden:
    """Stands for a secret in reprs."""

    def __repr__(self) -> str:
        return "<hidden>"


HIDDEN: Any = _Hidden()


def scope_text(scope: Any, name: str = "scope") -> str | None:
    """``scope`` as sent: a string as is, a list of strings joined by spaces (RFC 6749 §3.3)."""
    if scope is None:
        return None
    if isinstance(scope, str):
        return scope or None
    if isinstance(scope, Iterable) and not isinstance(scope, (bytes, Mapping)):
        items = [check.text(f"{name} item", item) for item in scope]
        return " ".join(items) or None
    raise InvalidParameter(f"{name} must be a string or a list of strings, not {type(scope).__name__}.")


def extra_parameters(kwargs: Mapping[str, Any]) -> dict[str, str]:
    """Extra keyword arguments sent as body (or query) parameters, as strings."""
    parameters = {}
    for name, value in kwargs.items():
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise InvalidParameter(f"{name} must be a string or a number, not {type(value).__name__}.")
        parameters[name] = str(value)
    return parameters


def is_secret(name: str) -> bool:
    """Whether an extra parameter named ``name`` holds a secret (kept out of URLs and reprs)."""
    lowered = name.lower()
    return "secret" in lowered or "password" in lowered or lowered == "client_assertion"


def split_extra(kwargs: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """Extra keyword arguments as parameters: (the public ones, the secret ones).

    ``scope`` may be a list of scopes (joined with spaces)."""
    values = dict(kwargs)
    if "scope" in values:
        scope = scope_text(values.pop("scope"))
        if scope:
            values["scope"] = scope
    parameters = extra_parameters(values)
    public = {name: value for name, value in parameters.items() if not is_secret(name)}
    hidden = {name: value for name, value in parameters.items() if is_secret(name)}
    return public, hidden


def absolute_url(name: str, value: Any) -> str:
    """``value``, checked to be an absolute http or https URL."""
    url = check.text(name, value)
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise InvalidParameter(f"{name} must be an absolute http or https URL.")
    return url


def forwarded(parameters: Mapping[str, Any], to: Callable[..., Any]) -> dict[str, Any]:
    """What a preset passes on unchanged: the values in ``parameters`` (its constructor's
    ``locals()``) of the keyword-only parameters of ``to`` (its generic grant's constructor)."""
    return {name: parameters[name] for name in _keyword_only(getattr(to, "__func__", to)) if name in parameters}


@functools.lru_cache(maxsize=None)
def _keyword_only(function: Callable[..., Any]) -> tuple[str, ...]:
    parameters = inspect.signature(function).parameters.values()
    return tuple(p.name for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY)
