"""``OAuth2`` (settings shared by every grant) and ``GrantAuth``, the base of every OAuth2 auth.

``GrantAuth`` does everything but obtaining a token: it finds a valid token in
``OAuth2.token_cache``, runs a single flight when there is none (refresh token first,
then a new grant), stores the result and puts it in the request's header. A grant
subclasses it and implements one generator hook, ``_new_token`` (and ``_refresh_token``
when it refreshes differently from the default). ``FormGrant`` implements it for grants
whose token answers one POST of fixed form data.

The hook contract
-----------------
``_new_token(self, request) -> Generator[Any, Any, Token]`` obtains a fresh token for
``request`` (the user's request, only used to pick the HTTP library and as ``origin``
of helper calls). It may yield:

- a request it built for itself with ``build_request(...)`` (or any request registered
  with ``_base.internal_request``); the response comes back, already read. Requests
  are sent by the caller's client, or by ``self.client`` when one was given: do not
  handle ``client`` yourself, ``GrantAuth`` routes what you yield;
- ``_base.Offload(fn)``: ``fn()`` runs off the event loop; its result comes back, or
  its exception is raised at the ``yield``.

and returns a ``Token`` (``token_from_response`` / ``token_from_fields`` build one from
an answer). Raise an ``HttpxAuthException`` subclass when the token cannot be obtained:
requests waiting for the same token get the same error. Never hold a lock across a
``yield``. ``TokenEndpoint`` posts to a token endpoint with client authentication.

``_refresh_token(self, request, refresh_token) -> Generator[Any, Any, Token | None]``
exchanges a stored refresh token; the default uses ``self.token_endpoint`` (if set)
per RFC 6749 §6 and returns ``None`` when there is none. A refresh rejected with an
``HttpxAuthException`` falls back to ``_new_token``.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import logging
import math
from collections.abc import AsyncGenerator, Generator, Iterable, Mapping
from functools import partial
from typing import Any, ClassVar


from httpx_auth import _validation as check
from httpx_auth._base import AuthBase, Offload
from httpx_auth._errors import HttpxAuthException, InvalidParameter
from httpx_auth._oauth2 import engine
from httpx_auth._oauth2.cache import TokenMemoryCache
from httpx_auth._oauth2.display import DisplaySettings
from httpx_auth._oauth2.token import Token, note_margin_cap
from httpx_auth._oauth2.token_endpoint import TokenEndpoint, relay

log = logging.getLogger("httpx_auth")

# A request waiting for another's token request takes over after ``timeout`` plus this
# many seconds without an outcome (a leader that vanished without resolving its flight).
PATIENCE_MARGIN = 30.0


class OAuth2:
    """Settings shared by every OAuth2 auth.

    ``token_cache`` is where tokens are kept (in memory by default; assign a
    ``JsonTokenFileCache`` to persist them). ``display`` configures the pages shown
    in the browser by the interactive grants.
    """

    token_cache: TokenMemoryCache = TokenMemoryCache()
    display: DisplaySettings = DisplaySettings()


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


def _seconds(name: str, value: Any, *, allow_zero: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidParameter(f"{name} must be a number of seconds, not {type(value).__name__}.")
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        raise InvalidParameter(f"{name} must be a {'non-negative' if allow_zero else 'positive'} number of seconds.")
    return float(value)


class GrantAuth(AuthBase):
    """Base of every OAuth2 auth: cached token in a header, single-flight acquisition.

    Parameters:
        cache_key: identifies the grant configuration in the token cache (see ``make_cache_key``).
        header_name: header that carries the token.
        header_value: its value; ``{token}`` is replaced by the token.
        early_expiry: seconds before its expiry from which a token is renewed.
        timeout: seconds allowed to obtain a token (each phase of a token request).
        client: an ``httpx.Client`` (or ``AsyncClient``, or their httpx2 twins) that sends
            the token requests instead of the client sending the user's request.
    """

    grant_type: ClassVar[str] = ""
    token_endpoint: TokenEndpoint | None = None
    token_field_name: str = "access_token"

    def __init__(
        self,
        cache_key: str,
        *,
        header_name: str = "Authorization",
        header_value: str = "Bearer {token}",
        early_expiry: float = 30.0,
        timeout: float = 60.0,
        client: Any = None,
    ) -> None:
        self.cache_key = cache_key
        self.header_name = check.header_name("header_name", header_name)
        self.header_value = check.header_value("header_value", header_value)
        if "{token}" not in self.header_value:
            raise InvalidParameter("header_value must contain '{token}', replaced by the token (e.g. 'Bearer {token}').")
        try:
            self.header_value.format(token="")
        except (KeyError, IndexError, ValueError):
            raise InvalidParameter(
                "header_value must contain no placeholder but '{token}' (write '{{' and '}}' for braces)."
            ) from None
        self.early_expiry = _seconds("early_expiry", early_expiry, allow_zero=True)
        self.timeout = _seconds("timeout", timeout, allow_zero=False)
        if client is not None and not hasattr(client, "send"):
            raise InvalidParameter(f"client must be an httpx Client or AsyncClient, not {type(client).__name__}.")
        self.client = client
        self._last_header: tuple[str, str] = ("", "")

    # -- the hooks grants implement ---------------------------------------------------

    def _new_token(self, request: Any) -> Generator[Any, Any, Token]:
        """Obtain a new token (see the module docstring for the contract)."""
        raise NotImplementedError
        yield  # pragma: no cover

    def _refresh_token(self, request: Any, refresh_token: str) -> Generator[Any, Any, Token | None]:
        """Exchange ``refresh_token`` for a token; ``None`` when this grant cannot refresh."""
        if self.token_endpoint is None:
            return None
        return (yield from self.token_endpoint.refresh(request, refresh_token, self.token_field_name))

    # -- the flow ---------------------------------------------------------------------

    def auth_flow(self, request: Any) -> Generator[Any, Any, None]:
        token = OAuth2.token_cache.lookup(self.cache_key, early_expiry=self.early_expiry)
        if token is None:
            token = yield from self._acquire(request)
        self._authenticate(request, token)
        yield request

    def _authenticate(self, request: Any, token: Token) -> None:
        access_token = token.access_token
        last_token, header = self._last_header
        if access_token != last_token:
            header = self.header_value.format(token=access_token)
            self._last_header = (access_token, header)
        request.headers[self.header_name] = header

    # The drivers below only add a fast path: with a valid cached token there is nothing
    # to drive, so the request is sent without the inner generator (about 1 µs saved per
    # request). Without one, the base drivers run ``auth_flow``. The fast path reads no
    # body: a grant that sets requires_request_body/requires_response_body must not use it.

    def sync_auth_flow(self, request: Any) -> Generator[Any, Any, None]:
        token = OAuth2.token_cache.lookup(self.cache_key, early_expiry=self.early_expiry)
        if token is None:
            yield from super().sync_auth_flow(request)
            return
        self._authenticate(request, token)
        yield request

    async def async_auth_flow(self, request: Any) -> AsyncGenerator[Any, Any]:
        token = OAuth2.token_cache.lookup(self.cache_key, early_expiry=self.early_expiry)
        if token is not None:
            self._authenticate(request, token)
            yield request
            return
        flow = super().async_auth_flow(request)
        try:
            outgoing = await flow.__anext__()
            while True:
                outgoing = await flow.asend((yield outgoing))
        except StopAsyncIteration:
            return
        finally:
            await flow.aclose()

    def _acquire(self, request: Any) -> Generator[Any, Any, Token]:
        cache = OAuth2.token_cache
        key = self.cache_key

        def cached() -> Token | None:
            return cache.lookup(key, early_expiry=self.early_expiry)

        return (
            yield from engine.acquire(
                cache, key, cached, partial(self._obtain, request, cache), patience=self._patience()
            )
        )

    def _patience(self) -> float:
        """How long a request waits for another's token acquisition before taking over:
        longer than the slowest acquisition that is still alive (one token request)."""
        return self.timeout + PATIENCE_MARGIN

    def _obtain(self, request: Any, cache: TokenMemoryCache) -> Generator[Any, Any, Token]:
        token: Token | None = None
        previous = cache.stored(self.cache_key)
        if previous is not None and previous.refresh_token:
            try:
                token = yield from self._route(self._refresh_token(request, previous.refresh_token))
            except HttpxAuthException as error:
                log.info("Refreshing a token failed (%s); requesting a new one.", type(error).__name__)
                cache.discard(self.cache_key)
        if token is None:
            token = yield from self._route(self._new_token(request))
        cache.store(self.cache_key, token)
        note_margin_cap(token, self.early_expiry)
        return token

    def _route(self, steps: Generator[Any, Any, Any]) -> Generator[Any, Any, Any]:
        """Run a hook, sending the requests it yields through ``self.client`` if given."""
        if self.client is None:
            return (yield from steps)
        return (yield from relay(steps, self._via_client))[0]

    def _via_client(self, item: Any) -> Any:
        if isinstance(item, Offload):
            return item
        return Offload(partial(_send_with, self.client, item))

    # -- helpers for reprs ------------------------------------------------------------

    def _repr(self, **fields: Any) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in fields.items())
        return f"{type(self).__name__}({shown})"


class FormGrant(GrantAuth):
    """A grant whose token answers one POST of fixed form data to its token endpoint
    (client credentials, resource owner password).

    Parameters:
        token_url: the token endpoint.
        form: the grant's own body parameters (besides ``grant_type``, ``scope`` and ``extra``).
        identity, secrets: what identifies the configuration besides the URL, the scope,
            the token field and ``extra`` (see ``make_cache_key``).
        client_auth, client_auth_method: client authentication (see ``TokenEndpoint``).
        scope: the scope requested, a string or a list of strings.
        token_field_name: the field of the answer that holds the token.
        extra: extra body parameters (the grant's ``**kwargs``).
        settings: ``header_name``, ``header_value``, ``early_expiry``, ``timeout``, ``client``.
    """

    token_endpoint: TokenEndpoint

    def __init__(
        self,
        token_url: str,
        form: Mapping[str, str],
        *,
        identity: Mapping[str, Any],
        secrets: Mapping[str, Any],
        client_auth: Any,
        client_auth_method: str,
        scope: Any,
        token_field_name: str,
        extra: Mapping[str, Any],
        **settings: Any,
    ) -> None:
        self.token_url = check.text("token_url", token_url)
        self.scope = scope_text(scope)
        self.token_field_name = check.text("token_field_name", token_field_name)
        self._extra = extra_parameters(extra)
        self._form = {"grant_type": self.grant_type, **form, **self._extra}
        if self.scope:
            self._form["scope"] = self.scope
        super().__init__(
            make_cache_key(
                self.grant_type,
                self.token_url,
                {**identity, "scope": self.scope, "token_field_name": self.token_field_name},
                {**secrets, "extra": self._extra},
            ),
            **settings,
        )
        self.token_endpoint = TokenEndpoint(
            self.token_url,
            client_auth=client_auth,
            client_auth_method=client_auth_method,
            timeout=self.timeout,
            client=self.client,
        )

    def _new_token(self, request: Any) -> Generator[Any, Any, Token]:
        return (yield from self.token_endpoint.request_token(request, self._form, self.token_field_name))


class _Hidden:
    """Stands for a secret in reprs."""

    def __repr__(self) -> str:
        return "<hidden>"


HIDDEN: Any = _Hidden()

def _send_with(client: Any, request: Any) -> Any:
    """Send ``request`` with the ``client=`` given to a grant (never with its own auth)."""
    if inspect.iscoroutinefunction(client.send):
        import anyio.from_thread  # only here: an AsyncClient given to a sync flow (~10 ms to import)

        # What anyio raises when called outside a worker thread (a RuntimeError before 4.11).
        no_event_loop: type[Exception] = getattr(anyio, "NoEventLoopError", RuntimeError)
        try:
            return anyio.from_thread.run(partial(client.send, request, auth=None))
        except no_event_loop:
            raise InvalidParameter(
                "client is an AsyncClient: it can only send token requests for an AsyncClient. "
                "Give an httpx.Client instead."
            ) from None
    return client.send(request, auth=None)
