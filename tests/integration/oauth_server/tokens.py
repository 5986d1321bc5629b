"""Per-application token policy of the test server (read from the session's config file)."""

from __future__ import annotations

import json
import os
import secrets
import time
from functools import cache
from pathlib import Path
from typing import Any

import jwt

DEFAULT_LIFETIME = 3600


@cache
def applications() -> dict[str, dict[str, Any]]:
    config = json.loads(Path(os.environ["ITEST_OAUTH_CONFIG"]).read_text())
    return {app["client_id"]: app for app in config["applications"]}


@cache
def _signing_key() -> str:
    config = json.loads(Path(os.environ["ITEST_OAUTH_CONFIG"]).read_text())
    return Path(config["rsa_private_key_file"]).read_text()


def _client_id(request: Any) -> str | None:
    client = getattr(request, "client", None)
    if client is not None and getattr(client, "client_id", None):
        return str(client.client_id)
    return getattr(request, "client_id", None)


def _app(request: Any) -> dict[str, Any]:
    return applications().get(_client_id(request) or "", {})


def pkce_required(client_id: str) -> bool:
    """PKCE is demanded only from the applications configured with ``pkce_required``."""
    return bool(applications().get(client_id, {}).get("pkce_required", False))


def access_token_lifetime(request: Any) -> int:
    """Seconds an access token lives: short for the ``*-short`` applications."""
    return int(_app(request).get("access_token_lifetime", DEFAULT_LIFETIME))


def access_token(request: Any, refresh_token: bool = False) -> str:
    """A signed JWT (with ``exp``) for applications configured with ``jwt_access_token``;
    an opaque random string for the others."""
    app = _app(request)
    if not app.get("jwt_access_token"):
        return secrets.token_urlsafe(30)
    now = int(time.time())
    lifetime = int(getattr(request, "expires_in", None) or access_token_lifetime(request))
    claims = {
        "iss": "itest-oauth-server",
        "sub": str(getattr(getattr(request, "user", None), "username", "") or _client_id(request)),
        "client_id": _client_id(request),
        "iat": now,
        "exp": now + lifetime,
        "jti": secrets.token_hex(12),
    }
    return jwt.encode(claims, _signing_key(), algorithm="RS256")
