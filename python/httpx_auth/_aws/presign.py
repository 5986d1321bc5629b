"""Presigning (``AWS4Auth.presign``, ``presign_keys``, ``presign_post``): the signature
goes into the query string (or a form, built in ``post``) instead of a header, so that
whoever holds it can use it until it expires. Signed with the auth's signer or
credentials, at its corrected time."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import httpx

from httpx_auth import _validation as check
from httpx_auth._aws.params import MAX_EXPIRES_IN, expiry
from httpx_auth._aws import post
from httpx_auth._aws.url import absolute_url, split_url
from httpx_auth._errors import InvalidParameter

if TYPE_CHECKING:
    from httpx_auth._aws.auth import AWS4Auth

# Methods that need no checking (anything else is checked, then uppercased).
_METHODS = frozenset(["GET", "PUT", "POST", "DELETE", "HEAD", "PATCH", "OPTIONS"])


def presign(
    auth: AWS4Auth,
    url: str | httpx.URL | Any,
    method: str,
    expires_in: int,
    headers: Mapping[str, str] | None,
) -> str:
    """``auth.presign``: one URL, with the given ``headers`` signed too."""
    if type(method) is not str or method not in _METHODS:
        method = check.text("method", method).upper()
    if type(expires_in) is not int or not 0 < expires_in <= MAX_EXPIRES_IN:
        expires_in = expiry(expires_in)
    signer = auth._signer()
    if headers is None and type(url) is str:  # the common case: one core call
        presigned = signer.presign_url(url, method, auth._presign_payload, auth._clock.now(), expires_in)
        if presigned is not None:
            return presigned
    scheme, netloc, raw_path = split_url("url", url)
    host: str | None = netloc
    given: list[tuple[bytes, bytes, bytes]] = []
    if headers is not None:
        if not callable(getattr(headers, "items", None)):
            raise InvalidParameter(
                f"headers must be a mapping of header names to values, not {type(headers).__name__}."
            )
        for name, value in headers.items():
            name = check.header_name("headers", name)
            value = check.header_value(f"headers[{name!r}]", value)
            lower = name.lower()
            if lower == "host":  # the Host the URL will be sent with replaces the URL's
                host = None
            given.append((name.encode("ascii"), lower.encode("ascii"), value.encode("utf-8")))
    return signer.presign(
        method=method,
        origin=f"{scheme}://{netloc}",
        host=host,
        target=raw_path,
        headers=given,
        payload_hash=auth._presign_payload,
        timestamp=auth._clock.now(),
        expires_in=expires_in,
    )


def presign_keys(
    auth: AWS4Auth, base_url: str | httpx.URL | Any, keys: Iterable[str], method: str, expires_in: int
) -> list[str]:
    """``auth.presign_keys``: one URL per object key under ``base_url``, in one core call."""
    scheme, netloc, raw_path = split_url("base_url", base_url)
    method = check.text("method", method).upper()
    seconds = expiry(expires_in)
    if not isinstance(keys, Iterable):
        raise InvalidParameter(f"keys must be a collection of object keys (strings), not {type(keys).__name__}.")
    key_list = [keys] if isinstance(keys, str) else list(keys)
    for key in key_list:
        if type(key) is not str:
            raise InvalidParameter(f"keys must be strings, not {type(key).__name__}.")
        check.text("keys", key, allow_empty=True)  # UTF-8 (no lone surrogates)
    path, _, query = raw_path.partition(b"?")
    return auth._signer().presign_keys(
        method=method,
        origin=f"{scheme}://{netloc}",
        host=netloc,
        base_path=path,
        base_query=query,
        keys=key_list,
        payload_hash=auth._presign_payload,
        timestamp=auth._clock.now(),
        expires_in=seconds,
    )


def presign_post(
    auth: AWS4Auth,
    url: str | httpx.URL | Any,
    key: str,
    fields: Mapping[str, str] | None,
    conditions: Iterable[Any] | None,
    expires_in: int,
) -> dict[str, Any]:
    """``auth.presign_post``: an S3 browser upload form for ``key``."""
    parsed = absolute_url("url", url)
    seconds = expiry(expires_in)
    access_id, secret_key, token = auth._current_credentials()
    return post.presign_post(
        parsed, key, fields, conditions, seconds, (access_id, secret_key, token), auth.region, auth.service,
        auth._clock.now(),
    )
