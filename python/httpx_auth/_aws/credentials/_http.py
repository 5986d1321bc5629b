"""HTTP for the credential sources: a dedicated client that ignores the user's proxy
settings (``trust_env=False``), with short timeouts, and errors that name the source."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

import httpx

from httpx_auth._aws.credentials._errors import AWSCredentialsError
from httpx_auth._errors import HttpxAuthException

# Tests put an ``httpx.MockTransport`` here; None is the network.
transport: httpx.BaseTransport | None = None


def request(
    source: str,
    method: str,
    url: str,
    *,
    timeout: float,
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, str] | None = None,
    data: Mapping[str, str] | None = None,
    auth: Any = None,
) -> httpx.Response:
    """Send one request (no redirects, no proxy) and return its response, read."""
    where = httpx.URL(url).copy_with(query=None)
    try:
        with httpx.Client(trust_env=False, timeout=timeout, transport=transport) as client:
            return client.request(method, url, params=params, headers=headers, data=data, auth=auth)
    except httpx.TimeoutException:
        raise AWSCredentialsError(source, f"no answer from {where} within {timeout:g} s.") from None
    except HttpxAuthException:  # ours (an httpx.HTTPError too): a signing error, say
        raise
    except (httpx.HTTPError, OSError) as error:
        raise AWSCredentialsError(source, f"cannot reach {where} ({type(error).__name__}).") from None


def json_object(source: str, content: bytes | str) -> dict[str, Any]:
    """The JSON object in an answer, or an error (never showing it: it may hold secrets)."""
    try:
        body = json.loads(content)
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise AWSCredentialsError(source, "the answer is not a JSON object.")
    return body


def endpoint_override(service_env: str) -> str | None:
    """``AWS_ENDPOINT_URL_<SERVICE>``, then ``AWS_ENDPOINT_URL``, when set."""
    for name in (f"AWS_ENDPOINT_URL_{service_env}", "AWS_ENDPOINT_URL"):
        value = os.environ.get(name, "").strip()
        if value:
            return value.rstrip("/")
    return None


def credentials_fields(source: str, body: Mapping[str, Any], names: tuple[str, str, str, str]) -> tuple[str, str, str | None, str | None]:
    """(access key, secret, token, expiration) read from ``body`` under ``names``; the
    first two are required strings, the others optional strings."""
    access_key, secret_key, token, expiration = (body.get(name) for name in names)
    if not (isinstance(access_key, str) and access_key and isinstance(secret_key, str) and secret_key):
        raise AWSCredentialsError(source, f"the answer has no {names[0]} or {names[1]} (strings).")
    for name, value in ((names[2], token), (names[3], expiration)):
        if value is not None and not isinstance(value, str):
            raise AWSCredentialsError(source, f"{name} in the answer is not a string.")
    return access_key, secret_key, token or None, expiration or None
