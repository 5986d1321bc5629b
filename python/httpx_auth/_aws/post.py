"""Presigned POST (S3 browser uploads): a policy listing what the form may contain,
signed with SigV4, and the form fields that carry it.

The policy is JSON (``expiration`` and ``conditions``), sent base64-encoded in the
``policy`` field; the signature is the hex HMAC-SHA256 of that base64 text under the
day's signing key. Every field of the form but ``policy``, ``x-amz-signature`` and the
file must match a condition, so each given field is added as one.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

import httpx

from httpx_auth import _core
from httpx_auth import _validation as check
from httpx_auth._errors import InvalidParameter

ALGORITHM = "AWS4-HMAC-SHA256"
_FILENAME = "${filename}"
_RESERVED = frozenset({"policy", "x-amz-signature", "file"})


def _fields(fields: Mapping[str, str] | None) -> dict[str, str]:
    if fields is None:
        return {}
    if not callable(getattr(fields, "items", None)):
        raise InvalidParameter(f"fields must be a mapping of form field names to values, not {type(fields).__name__}.")
    checked: dict[str, str] = {}
    for name, value in fields.items():
        name = check.text("fields", name)
        if name.lower() in _RESERVED or name.lower() == "key":
            raise InvalidParameter(f"fields must not set {name!r}: presign_post sets it.")
        checked[name] = check.text(f"fields[{name!r}]", value, allow_empty=True)
    return checked


def _conditions(conditions: Iterable[Any] | None) -> list[Any]:
    if conditions is None:
        return []
    if isinstance(conditions, (str, bytes, Mapping)) or not isinstance(conditions, Iterable):
        raise InvalidParameter("conditions must be a list of conditions (dicts or lists).")
    checked = list(conditions)
    for condition in checked:
        if not isinstance(condition, (dict, list, tuple)):
            raise InvalidParameter(
                f"Each condition must be a dict such as {{'acl': 'public-read'}} or a list such as "
                f"['starts-with', '$key', 'uploads/'], not {type(condition).__name__}."
            )
    try:
        json.dumps(checked)
    except (TypeError, ValueError):
        raise InvalidParameter("conditions must hold only JSON values (strings, numbers, lists, dicts).") from None
    return [list(c) if isinstance(c, tuple) else c for c in checked]


def _bucket(url: httpx.URL) -> str | None:
    """The bucket a bucket URL names: its first path segment, or else the first label
    of a virtual-hosted ``<bucket>.s3...`` host."""
    segment = url.path.strip("/").partition("/")[0]
    if segment:
        return segment
    bucket, _, rest = url.host.partition(".")
    return bucket if rest.startswith("s3") else None


def presign_post(
    url: httpx.URL,
    key: str,
    fields: Mapping[str, str] | None,
    conditions: Iterable[Any] | None,
    expires_in: int,
    credentials: tuple[str, str, str | None],
    region: str,
    service: str,
    now: int,
) -> dict[str, Any]:
    """The URL and form fields of a signed browser upload of ``key``, signed at ``now``
    (the signer's clock, corrected for skew)."""
    key = check.text("key", key)
    form = _fields(fields)
    policy_conditions = _conditions(conditions)
    access_id, secret_key, token = credentials
    amz_date = _core.backend.sigv4_amz_date(now)
    date = amz_date[:8]
    bucket = _bucket(url)
    if bucket is not None:
        policy_conditions.append({"bucket": bucket})
    if key.endswith(_FILENAME):
        policy_conditions.append(["starts-with", "$key", key[: -len(_FILENAME)]])
    else:
        policy_conditions.append({"key": key})
    form["key"] = key
    form["x-amz-algorithm"] = ALGORITHM
    form["x-amz-credential"] = f"{access_id}/{date}/{region}/{service}/aws4_request"
    form["x-amz-date"] = amz_date
    if token is not None:
        form["x-amz-security-token"] = token
    policy_conditions.extend({name: value} for name, value in form.items() if name != "key")
    expiration = datetime.fromtimestamp(now + expires_in, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    policy = json.dumps({"expiration": expiration, "conditions": policy_conditions}, separators=(",", ":"))
    encoded = base64.b64encode(policy.encode("utf-8")).decode("ascii")
    signing_key = _core.backend.sigv4_signing_key(secret_key, date, region, service)
    form["policy"] = encoded
    form["x-amz-signature"] = _core.backend.sigv4_signature(signing_key, encoded)
    return {"url": str(url), "fields": form}
