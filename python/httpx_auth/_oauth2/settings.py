"""The options of the OAuth2 auths, as frozen objects built once by the public constructors.

Each option is checked here, in the ``__post_init__`` of the object that holds it, and
nowhere else; the grants receive these objects and pass them down. A public constructor
builds them with ``of(locals())``: each field takes the constructor's parameter of its
name (or of the name in its ``parameter`` metadata). Adding an option means adding a
field (and its check) here and a parameter to the public constructors that offer it;
no call site lists the options again.

- ``TokenSettings``: how a token is obtained and sent (every grant).
- ``RedirectSettings``: where the browser sends the reply (browser grants).
- ``ClientAuthentication``: how the client authenticates at the token endpoint
  (``PrefixedClientAuthentication``: the same, its key options named ``client_...``).
- ``OAuth2``: the process-wide settings (token cache, pages shown in the browser).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, Union

from httpx_auth import _validation as check
from httpx_auth._errors import InvalidParameter
from httpx_auth._oauth2.browser.display import DisplaySettings
from httpx_auth._oauth2.caches.memory import TokenMemoryCache
from httpx_auth._oauth2.client_assertion import (
    CLIENT_SECRET_BASIC as CLIENT_SECRET_BASIC,
    CLIENT_SECRET_POST as CLIENT_SECRET_POST,
    PRIVATE_KEY_JWT,
    ClientAuthMethod,
    JwtClientAssertion,
    check_method,
    client_auth_method,
)
from httpx_auth._oauth2.dpop import DPoP, dpop_setting

# ClientAuthentication's fields that only a JWT client assertion uses.
ASSERTION_OPTIONS = ("private_key", "key_id", "signing_algorithm", "assertion_audience")

# A (client_id, client_secret) pair, a client id alone, or any httpx / httpx2 Auth instance.
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


def parameter(name: str) -> dict[str, str]:
    """A field's metadata: the public constructors name its parameter ``name``."""
    return {"parameter": name}


_Options = TypeVar("_Options", bound="FromParameters")


class FromParameters:
    """Base of the option objects: built from a public constructor's parameters."""

    if TYPE_CHECKING:  # what the dataclass decorator provides
        __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]

        def __init__(self, **fields: Any) -> None: ...

    @classmethod
    def of(cls: type[_Options], parameters: Mapping[str, Any], /, **given: Any) -> _Options:
        """The object from ``parameters`` (a constructor's ``locals()``): each field takes
        the parameter named like it (or as its ``parameter`` metadata says), a field
        without one keeps its default, and the fields in ``given`` are these values."""
        picked = {}
        for option in dataclasses.fields(cls):
            name = option.metadata.get("parameter", option.name)
            if option.init and name in parameters:
                picked[option.name] = parameters[name]
        return cls(**{**picked, **given})


@dataclass(frozen=True)
class TokenSettings(FromParameters):
    """How a grant's token is obtained and sent.

    Attributes:
        header_name: header that carries the token.
        header_value: its value; ``{token}`` is replaced by the token.
        early_expiry: seconds before its expiry from which a token is renewed.
        timeout: seconds allowed to obtain a token (each phase of a token request).
        client: an ``httpx.Client`` (or ``AsyncClient``, or their httpx2 twins) that sends
            the token requests instead of the client sending the user's request.
        token_field_name: the field of the answer (or reply) that holds the token.
        dpop: ``True`` (a new key), a ``DPoPKey``, or ``False``/``None``: DPoP-bound
            tokens (RFC 9449); normalised to a ``dpop.DPoP`` (or ``None``).
        retry_on_invalid_token: when a cached token is answered ``401`` with
            ``error="invalid_token"`` (RFC 6750 §3.1), obtain a new one and send the
            request once more.
    """

    header_name: str = "Authorization"
    header_value: str = "Bearer {token}"
    early_expiry: float = 30.0
    timeout: float = 60.0
    client: Any = field(default=None, repr=False)
    token_field_name: str = "access_token"
    dpop: DPoP | Any = None
    retry_on_invalid_token: bool = True

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
        if not isinstance(self.dpop, DPoP):
            _set(self, "dpop", dpop_setting(self.dpop))
        if not isinstance(self.retry_on_invalid_token, bool):
            raise InvalidParameter(
                f"retry_on_invalid_token must be True or False, not {type(self.retry_on_invalid_token).__name__}."
            )


@dataclass(frozen=True)
class RedirectSettings(FromParameters):
    """Where the authorization server sends the browser back: ``http://<domain>:<port>/<endpoint>``.

    Attributes:
        domain, endpoint, port: the ``redirect_uri_domain``, ``_endpoint`` and ``_port``.
        timeout: seconds to wait for the reply.
        uri: the redirect URI they make (computed).
    """

    domain: str = field(default="localhost", metadata=parameter("redirect_uri_domain"))
    endpoint: str = field(default="", metadata=parameter("redirect_uri_endpoint"))
    port: int = field(default=5000, metadata=parameter("redirect_uri_port"))
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
class ClientAuthentication(FromParameters):
    """How the client authenticates at the token endpoint.

    Attributes:
        client_auth: ``None`` (a public client), a ``(client_id, client_secret)`` pair, a
            client id alone (with ``private_key_jwt``), or any httpx Auth instance,
            applied to the token requests.
        method: a name of ``client_assertion.METHODS``: ``"client_secret_basic"`` (HTTP
            Basic, the default), ``"client_secret_post"`` (``client_id`` and
            ``client_secret`` body parameters), ``"client_secret_jwt"`` (a JWT assertion,
            HMAC of the secret) or ``"private_key_jwt"`` (a JWT assertion signed with
            ``private_key``).
        private_key, key_id, signing_algorithm, assertion_audience: the JWT client
            assertion (see ``client_assertion``); ``None`` unless a JWT method is used.
        applied: the method with its credentials, which ``TokenEndpoint`` applies to each
            token request (computed; ``None`` for a public client or an httpx Auth).
    """

    client_auth: ClientAuth | None = field(default=None, repr=False)
    method: str = field(default=CLIENT_SECRET_BASIC, metadata=parameter("client_auth_method"))
    private_key: Any = field(default=None, repr=False)
    key_id: str | None = None
    signing_algorithm: str | None = None
    assertion_audience: str | None = None
    applied: ClientAuthMethod | None = field(init=False, default=None, compare=False)

    def __post_init__(self) -> None:
        method, auth, names = check_method(self.method), self.client_auth, self.parameter_names()
        options = {name: getattr(self, name) for name in ASSERTION_OPTIONS}
        given = sorted(names[name] for name, value in options.items() if value is not None)
        if auth is None or (hasattr(auth, "auth_flow") and not isinstance(auth, (str, tuple, list))):
            if given:
                raise InvalidParameter(
                    f"{', '.join(given)} need client_auth as a client id or a (client_id, client_secret) pair."
                )
            if auth is not None and method != CLIENT_SECRET_BASIC:
                raise InvalidParameter(
                    f"client_auth_method={method!r} needs client_auth as a (client_id, client_secret) pair."
                )
            return
        if isinstance(auth, str) and method == PRIVATE_KEY_JWT:
            client_id, secret = auth, None
        elif isinstance(auth, (tuple, list)) and len(auth) == 2:
            client_id, secret = auth
        else:
            raise InvalidParameter(
                f"client_auth must be a (client_id, client_secret) pair or an httpx Auth instance, not {type(auth).__name__}."
            )
        if method == PRIVATE_KEY_JWT and secret is not None:
            raise InvalidParameter(
                f"client_auth_method='private_key_jwt' signs with {names['private_key']}: give no client secret."
            )
        applied = client_auth_method(method, client_id, secret, **options, names=names)
        _set(self, "applied", applied)
        _set(self, "client_auth", (applied.client_id, secret) if isinstance(auth, (tuple, list)) else applied.client_id)

    @classmethod
    def parameter_names(cls) -> dict[str, str]:
        """The public parameter of each of ``ASSERTION_OPTIONS`` (its field's ``parameter``
        metadata, or its own name): what the messages call them."""
        fields = {option.name: option for option in dataclasses.fields(cls)}
        return {name: fields[name].metadata.get("parameter", name) for name in ASSERTION_OPTIONS}

    @property
    def identity(self) -> dict[str, Any]:
        """What identifies a JWT client assertion in a cache key besides the grant's own
        identity (empty for the secret methods: the grants' keys stay as they were)."""
        return self.applied.identity if isinstance(self.applied, JwtClientAssertion) else {}

    @property
    def secret_identity(self) -> dict[str, Any]:
        """The key that identifies it too (entering cache keys as a digest only)."""
        return self.applied.secret_identity if isinstance(self.applied, JwtClientAssertion) else {}


@dataclass(frozen=True)
class PrefixedClientAuthentication(ClientAuthentication):
    """``ClientAuthentication`` for a grant whose own ``private_key``, ``key_id`` and
    ``signing_algorithm`` sign something else (``OAuth2JwtBearer``'s assertion): the
    client assertion's options are its ``client_private_key``, ``client_key_id``,
    ``client_signing_algorithm`` and ``client_assertion_audience`` parameters, and the
    messages call them so."""

    private_key: Any = field(default=None, repr=False, metadata=parameter("client_private_key"))
    key_id: str | None = field(default=None, metadata=parameter("client_key_id"))
    signing_algorithm: str | None = field(default=None, metadata=parameter("client_signing_algorithm"))
    assertion_audience: str | None = field(default=None, metadata=parameter("client_assertion_audience"))
