"""Cache keys: one deterministic key per grant configuration, secrets only as digests."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any


def make_cache_key(
    grant_type: str,
    url: str,
    identity: Mapping[str, Any],
    secrets: Mapping[str, Any] | None = None,
) -> str:
    """A deterministic key for one grant configuration.

    ``identity`` holds what identifies the configuration (client id, scope, extra
    parameters...); ``secrets`` holds secrets that identify it too (client secret,
    password), which enter the key only as their SHA-256 digest.
    """

    def digest(value: Any) -> str:
        return hashlib.sha256(_canonical(value).encode("utf-8")).hexdigest()

    described = {
        "grant_type": grant_type,
        "url": url,
        "identity": {name: _canonical(value) for name, value in identity.items()},
        "secrets": {name: digest(value) for name, value in (secrets or {}).items()},
    }
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode("utf-8")).hexdigest()


def _canonical(value: Any, depth: int = 0) -> str:
    if value is None or isinstance(value, (str, int, float, bool)):
        return json.dumps(value)
    if isinstance(value, bytes):
        return json.dumps(value.decode("latin-1"))
    name = f"{type(value).__module__}.{type(value).__qualname__}"
    if depth > 2:
        return json.dumps(name)  # deep inside an object: its type is enough (and no cycles)
    if isinstance(value, (tuple, list)):
        return json.dumps([_canonical(item, depth + 1) for item in value])
    if isinstance(value, Mapping):
        return json.dumps({str(k): _canonical(v, depth + 1) for k, v in value.items()}, sort_keys=True)
    # An object (an httpx Auth given as client_auth): its type and attributes. Without a
    # __dict__ only its type: two such auths of one type share tokens only if the grant's
    # other parameters (user name, password...) are equal too.
    state = getattr(value, "__dict__", None)
    return json.dumps({"type": name, "state": None if state is None else _canonical(dict(state), depth + 1)})
