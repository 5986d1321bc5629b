"""The options of the OAuth2 auths, as frozen objects built once by the public constructors.

Each option is checked here, in the ``__post_init__`` of the object that holds it, and
nowhere else; the grants receive these objects and pass them down. Adding an option
means adding a field (and its check) here and a parameter to the public constructors.

- ``TokenSettings``: how a token is obtained and sent (every grant).
- ``RedirectSettings``: where the browser sends the reply (browser grants).
- ``ClientAuthentication``: how the client authenticates at the token endpoint.
- ``OAuth2``: the process-wide settings (token cache, pages shown in the browser).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Union

from httpx_auth import _validation as check
from httpx_auth._errors import InvalidParameter
from httpx_auth._oauth2.browser.display import DisplaySettings
from httpx_auth._oauth2.caches.memory import TokenMemoryCache

CLIENT_SECRET_BASIC = "client_secret_basic"
CLIENT_SECRET_POST = "client_secret_post"
CLIENT_AUTH_METHODS = (CLIENT_SECRET_BASIC, CLIENT_SECRET_POST)

# A (client_id, client_secret) pair, or any httpx / httpx2 Auth instance.
ClientAuth = Union[tuple[str, str], Any]


class OAuth2:
    """Settings shared by every OAuth2 auth.

    ``token_cache`` is where tokens are kept (in memory by default; assign a
    ``JsonTokenFileCache`` to persist them). ``display`` configures the pages shown
    in the browser by the interactive grants.
    """

    token_cache: TokenMemoryCache = TokenMemoryCache()
    display: DisplaySettings = DisplaySettings()


def seconds(name: str, value: Any, *, allow_zero: bool) -> float:
    """``value`` as a finite number of seconds (positive, or non-negative if allowed)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidParameter(f"{name} must be a number of seconds, not {type(value).__name__}.")
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        raise InvalidParameter(f"{name} must be a {'non-negative' if allow_zero else 'positive'} number of seconds.")
    return float(value)


def _set(obj: object, name: str, value: Any) -> None:
    object.__setattr__(obj, name, value)  # normalising a frozen dataclass's field


@dataclass(frozen=True)
class TokenSettings:
    """How a grant's token is obtained and sent.

    Attributes:
        header_name: header that carries the token.
        header_value: its value; ``{token}`` is replaced by the token.
        early_expiry: seconds before its expiry from which a token is renewed.
        timeout: seconds allowed to obtain a token (each phase of a token request).
        client: an ``httpx.Client`` (or ``AsyncClient``, or their httpx2 twins) that sends
            the token requests instead of the client sending the user's request.
        token_field_name: the field of the answer (or reply) that holds the token.
    """

    header_name: str = "Authorization"
    header_value: str = "Bearer {token}"
    early_expiry: float = 30.0
    timeout: float = 60.0
    client: Any = field(default=None, repr=False)
    token_field_name: str = "access_token"

    def __post_init__(self) -> None:
        _set(self, "header_name", check.header_name("header_name", self.header_name))
        value = check.header_value("header_value", self.header_value)
        if "{token}" not in value:
            raise InvalidParameter("header_value must contain '{token}', replaced by the token (e.g. 'Bearer {token}').")
        try:
            value.format(token="")
        except (KeyError, IndexError, ValueError):
            raise InvalidParameter(
                "header_value must contain no placeholder but '{token}' (write '{{' and '}}' for braces)."
            ) from None
        _set(self, "header_value", value)
        _set(self, "early_expiry", seconds("early_expiry", self.early_expiry, allow_zero=True))
        _set(self, "timeout", seconds("timeout", self.timeout, allow_zero=False))
        if self.client is not None and not hasattr(self.client, "send"):
            raise InvalidParameter(f"client must be an httpx Client or AsyncClient, not {type(self.client).__name__}.")
        _set(self, "token_field_name", check.text("token_field_name", self.token_field_name))


@dataclass(frozen=True)
class RedirectSettings:
    """Where the authorization server sends the browser back: ``http://<domain>:<port>/<endpoint>``.

    Attributes:
        domain, endpoint, port: the ``redirect_uri_domain``, ``_endpoint`` and ``_port``.
        timeout: seconds to wait for the reply.
        uri: the redirect URI they make (computed).
    """

    domain: str = "localhost"
    endpoint: str = ""
    port: int = 5000
    timeout: float = 60.0
    uri: str = field(init=False)

    def __post_init__(self) -> None:
        domain = check.text("redirect_uri_domain", self.domain)
        if any(c in domain for c in "/?#@:[] \t\r\n"):
            raise InvalidParameter(
                "redirect_uri_domain must be a host name (like 'localhost'), without scheme, port or path."
            )
        endpoint = check.text("redirect_uri_endpoint", self.endpoint, allow_empty=True)
        if any(c in endpoint for c in "?# \t\r\n"):
            raise InvalidParameter("redirect_uri_endpoint must be a path, without query, fragment or spaces.")
        port = self.port
        if isinstance(port, bool) or not isinstance(port, int):
            raise InvalidParameter(f"redirect_uri_port must be an integer, not {type(port).__name__}.")
        if not 0 < port < 65536:
            raise InvalidParameter("redirect_uri_port must be between 1 and 65535.")
        _set(self, "timeout", seconds("timeout", self.timeout, allow_zero=False))
        _set(self, "uri", f"http://{domain}:{port}/{endpoint.lstrip('/')}")


@dataclass(frozen=True)
class ClientAuthentication:
    """How the client authenticates at the token endpoint.

    Attributes:
        client_auth: ``None`` (a public client), a ``(client_id, client_secret)`` pair, or
            any httpx Auth instance, applied to the token requests.
        method: for a pair, ``"client_secret_basic"`` (HTTP Basic, the default) or
            ``"client_secret_post"`` (``client_id`` and ``client_secret`` body parameters).
    """

    client_auth: ClientAuth | None = field(default=None, repr=False)
    method: str = CLIENT_SECRET_BASIC

    def __post_init__(self) -> None:
        method, auth = self.method, self.client_auth
        if method not in CLIENT_AUTH_METHODS:
            raise InvalidParameter(
                f"client_auth_method must be one of {', '.join(CLIENT_AUTH_METHODS)}, not {method!r}."
            )
        if auth is None:
            return
        if isinstance(auth, (tuple, list)):
            if len(auth) != 2:
                raise InvalidParameter("client_auth must be a (client_id, client_secret) pair or an httpx Auth instance.")
            client_id = check.text("client_auth client_id", auth[0])
            secret = check.text("client_auth client_secret", auth[1], allow_empty=True)
            if method == CLIENT_SECRET_BASIC and ":" in client_id:
                raise InvalidParameter("client_auth client_id must not contain ':' with HTTP Basic (RFC 7617).")
            _set(self, "client_auth", (client_id, secret))
            return
        if not hasattr(auth, "auth_flow"):
            raise InvalidParameter(
                f"client_auth must be a (client_id, client_secret) pair or an httpx Auth instance, "
                f"not {type(auth).__name__}."
            )
        if method == CLIENT_SECRET_POST:
            raise InvalidParameter(
                "client_auth_method='client_secret_post' needs client_auth as a (client_id, client_secret) pair."
            )
