"""Arguments of ``AWS4Auth``, checked: credentials, scope, signed headers, expiry.

Messages name what is wrong and how to fix it; none ever contains a secret.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from httpx_auth import _validation as check
from httpx_auth._errors import InvalidParameter

EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
MAX_EXPIRES_IN = 7 * 24 * 3600

CredentialsProvider = Callable[[], Any]

# Signed unless left out: what AWS requires plus what S3 needs to check the body.
DEFAULT_HEADERS = ("host", "content-type", "x-amz-*")
# Sent by some SDKs and changed by proxies: only signed when asked for by name (or "*").
NOT_SIGNED_BY_DEFAULT = "x-amz-client-context"

# Services signed with S3's path rules: the path as sent, never normalised, encoded once.
S3_SERVICES = frozenset({"s3", "s3-object-lambda", "s3-outposts", "s3express"})

_SCOPE_PART = re.compile(r"[A-Za-z0-9._-]+")
_PATTERN = re.compile(r"[!#$%&'+\-.^_`|~0-9A-Za-z]+\*?|\*")


def scope_part(name: str, value: Any, example: str) -> str:
    """A region or service name: it becomes part of the credential scope."""
    if value is None:
        raise InvalidParameter(f"{name} is required (for example {example!r}).")
    text = check.text(name, value)
    if not _SCOPE_PART.fullmatch(text):
        raise InvalidParameter(f"{name} {text!r} is not valid: use a name such as {example!r}.")
    return text


def is_s3(service: str) -> bool:
    """Whether ``service`` follows S3's signing rules."""
    return service.lower() in S3_SERVICES


def header_patterns(include_headers: Any) -> tuple[set[str], tuple[str, ...]]:
    """The user's extra headers (a set of the names as given, the attribute the original
    exposes) and the patterns handed to the core (the defaults applied on top)."""
    if include_headers is None:
        extra: list[str] = []
    elif isinstance(include_headers, (str, bytes)):
        extra = [check.text("include_headers", include_headers)]
    else:
        try:
            extra = [check.text("include_headers", name) for name in include_headers]
        except TypeError:
            raise InvalidParameter("include_headers must be a collection of header names.") from None
    for name in extra:
        if name.startswith("!"):  # the core reads "!name" as "never sign name"
            raise InvalidParameter(f"include_headers: {name!r} cannot start with '!'.")
        if not _PATTERN.fullmatch(name):
            raise InvalidParameter(
                f"include_headers: {name!r} is not a header name (ASCII letters, digits and "
                "!#$%&'+-.^_`|~), a 'prefix*' pattern or '*'."
            )
    names = frozenset(DEFAULT_HEADERS) | {name.lower() for name in extra}
    patterns = tuple(sorted(names))
    if "*" not in names and NOT_SIGNED_BY_DEFAULT not in names:
        patterns += (f"!{NOT_SIGNED_BY_DEFAULT}",)
    return set(extra), patterns


def expiry(expires_in: Any) -> int:
    """Seconds a presigned URL stays valid: 1 to 604800 (7 days)."""
    if isinstance(expires_in, bool) or not isinstance(expires_in, int):
        raise InvalidParameter(f"expires_in must be a whole number of seconds, not {type(expires_in).__name__}.")
    if not 1 <= expires_in <= MAX_EXPIRES_IN:
        raise InvalidParameter(
            f"expires_in must be between 1 and {MAX_EXPIRES_IN} seconds (7 days), not {expires_in}."
        )
    return expires_in


def checked_credentials(access_id: Any, secret_key: Any, token: Any) -> tuple[str, str, str | None]:
    """Credentials about to sign, checked the same way wherever they came from (the
    constructor, attributes refreshed since, a provider); an empty token is no token.
    Errors name the culprit but never show its value."""
    if not (type(access_id) is str and access_id and type(secret_key) is str and secret_key):
        for name, value in (("access_id", access_id), ("secret_key", secret_key)):
            if not isinstance(value, str):
                raise InvalidParameter(f"{name} must be a string, not {type(value).__name__}.")
            if not value:
                raise InvalidParameter(f"{name} must not be empty.")
        raise InvalidParameter("access_id and secret_key must be non-empty strings.")
    if token is not None and not isinstance(token, str):
        raise InvalidParameter(f"security_token must be a string, not {type(token).__name__}.")
    # The constructor's checks (check.header_value / check.text), inlined: this runs for
    # every request, and the calls would cost ten times as much. Sent in headers: no line
    # breaks (header injection); all three encoded as UTF-8: no lone surrogates.
    if not (access_id.isascii() and secret_key.isascii() and (not token or token.isascii())):
        _refuse_surrogates(access_id, secret_key, token)
    if "\r" in access_id or "\n" in access_id or "\0" in access_id:
        raise InvalidParameter("access_id must not contain line breaks or NUL characters.")
    if token and ("\r" in token or "\n" in token or "\0" in token):
        raise InvalidParameter("security_token must not contain line breaks or NUL characters.")
    return access_id, secret_key, token or None


def _refuse_surrogates(access_id: str, secret_key: str, token: str | None) -> None:
    for name, value in (("access_id", access_id), ("secret_key", secret_key), ("security_token", token)):
        if value:
            check.text(name, value)


def provided_credentials(provider: CredentialsProvider) -> tuple[str, str, str | None]:
    """Call a credentials provider and check what it returned."""
    result = provider()
    if hasattr(result, "access_key") and hasattr(result, "secret_key"):  # botocore's credentials
        access_id, secret_key, token = result.access_key, result.secret_key, getattr(result, "token", None)
    elif isinstance(result, (tuple, list)) and len(result) in (2, 3):
        access_id, secret_key, token = (*result, None)[:3]
    else:
        raise InvalidParameter(
            "credentials must return (access_id, secret_key[, security_token]) or an object with "
            f"access_key, secret_key and token attributes, not {type(result).__name__}."
        )
    return checked_credentials(access_id, secret_key, token)
