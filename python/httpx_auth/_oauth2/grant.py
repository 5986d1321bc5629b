"""``GrantAuth``, the base of every OAuth2 auth (private: not exported by ``httpx_auth``).

``GrantAuth`` does everything but obtaining a token: it finds a valid token in
``OAuth2.token_cache``, runs a single flight when there is none (refresh token first,
then a new grant), stores the result and puts it in the request's header. A grant
subclasses it and implements one generator hook, ``_new_token`` (and ``_refresh_token``
when it refreshes differently from the default). ``grants.form.FormGrant`` implements it
for grants whose token answers one POST of fixed form data.

A grant's constructor builds its options once, as the frozen objects of ``settings``
(``TokenSettings``, and ``RedirectSettings`` / ``ClientAuthentication`` when it needs
them), computes its cache key (``cache_key.make_cache_key``) and calls
``GrantAuth.__init__(self, cache_key, token_settings)``. ``self.settings`` is then the
``TokenSettings``; ``self.token_endpoint`` (a ``TokenEndpoint``) is set by grants that
have one, which makes the default ``_refresh_token`` work.

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
  its exception is raised at the ``yield``;
- ``_base.Sleep(seconds)``: a wait (``time.sleep``, or ``anyio.sleep`` in async code).

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

import dataclasses
import inspect
import logging
from collections.abc import AsyncGenerator, Generator
from functools import partial
from typing import Any, ClassVar

from httpx_auth._base import AuthBase, Offload
from httpx_auth._errors import HttpxAuthException, InvalidParameter
from httpx_auth._oauth2 import rejection, revocation, single_flight
from httpx_auth._oauth2.cache_key import make_cache_key
from httpx_auth._oauth2.caches.memory import TokenMemoryCache
from httpx_auth._oauth2.settings import OAuth2, TokenSettings
from httpx_auth._oauth2.token import Token, note_margin_cap
from httpx_auth._oauth2.token_endpoint import TokenEndpoint, relay
from httpx_auth._oauth2.token_header import TokenHeader

log = logging.getLogger("httpx_auth")

# A request waiting for another's token request takes over after ``timeout`` plus this
# many seconds without an outcome (a leader that vanished without resolving its flight).
PATIENCE_MARGIN = 30.0


class GrantAuth(AuthBase):
    """Base of every OAuth2 auth: cached token in a header, single-flight acquisition.

    Parameters:
        cache_key: identifies the grant configuration in the token cache (see ``make_cache_key``).
        settings: how the token is obtained and sent (see ``TokenSettings``; its defaults
            when not given). With ``settings.dpop`` (the grants' ``dpop=True`` or a
            ``DPoPKey``), a token the server bound (``token_type`` ``DPoP``) is sent as
            ``Authorization: DPoP <token>`` with a new proof for each request, and a
            ``401`` asking for a DPoP nonce is answered once with a proof carrying it.
    """

    grant_type: ClassVar[str] = ""
    token_endpoint: TokenEndpoint | None = None
    # Set on an instance to change them (see device-and-oidc.md).
    revocation_url: str | None = None  # RFC 7009, for ``revoke``
    issuer: str | None = None  # set by ``from_issuer``
    jwks_uri: str | None = None  # set by ``from_issuer``
    verify_id_token: bool = True  # check ID token signatures when a jwks_uri is known

    def __init__(self, cache_key: str, settings: TokenSettings = TokenSettings()) -> None:
        if settings.dpop is not None:  # tokens bound to a key are for that key only
            cache_key = make_cache_key("dpop", cache_key, {"jkt": settings.dpop.key.thumbprint})
        self.cache_key = cache_key
        self.settings = settings
        self._header = TokenHeader(settings.header_name, settings.header_value)

    # Read-only views of the settings, under the names of the constructors' parameters.
    header_name = property(lambda self: self.settings.header_name)
    header_value = property(lambda self: self.settings.header_value)
    early_expiry = property(lambda self: self.settings.early_expiry)
    timeout = property(lambda self: self.settings.timeout)
    client = property(lambda self: self.settings.client)
    dpop = property(lambda self: self.settings.dpop)
    token_field_name = property(lambda self: self.settings.token_field_name)
    retry_on_invalid_token = property(lambda self: self.settings.retry_on_invalid_token)

    # -- the hooks grants implement ---------------------------------------------------

    def _new_token(self, request: Any) -> Generator[Any, Any, Token]:
        """Obtain a new token (see the module docstring for the contract)."""
        raise NotImplementedError
        yield  # pragma: no cover

    def _refresh_token(self, request: Any, refresh_token: str) -> Generator[Any, Any, Token | None]:
        """Exchange ``refresh_token`` for a token; ``None`` when this grant cannot refresh."""
        if self.token_endpoint is None:
            return None
        return (yield from self.token_endpoint.refresh(request, refresh_token, self.settings.token_field_name))

    # -- the flow ---------------------------------------------------------------------

    def auth_flow(self, request: Any) -> Generator[Any, Any, None]:
        token = OAuth2.token_cache.lookup(self.cache_key, early_expiry=self.settings.early_expiry)
        cached = token is not None
        if token is None:
            token = yield from self._acquire(request)
        self._put(request, token)
        response = yield request
        dpop = self.settings.dpop
        if dpop is not None and dpop.nonce_refused(request.url, response, resource=True):
            if rejection.replayable(request):  # a streamed body is never sent twice: the 401 is the answer
                self._put(request, token)  # a new proof, with the nonce the resource server gave
                response = yield request
        if cached and self._rejected(request, response, token):
            self._put(request, (yield from self._acquire(request)))
            yield request

    def _put(self, request: Any, token: Token) -> None:
        """Authenticate ``request`` with ``token``: its header, or DPoP's (RFC 9449 §7.1)."""
        dpop = self.settings.dpop
        if dpop is not None and dpop.is_bound(token.access_token):
            request.headers["Authorization"] = f"DPoP {token.access_token}"
            request.headers["DPoP"] = dpop.proof(request.method, request.url, token.access_token)
        else:
            self._header.put(request, token.access_token)

    def _rejected(self, request: Any, response: Any, token: Token) -> bool:
        """Whether the cached ``token`` was rejected (RFC 6750 §3.1) and ``request`` is
        to be sent again with a new one. A rejected token is forgotten (its refresh
        token kept) even when the request cannot be sent again (see ``rejection``)."""
        if not self.settings.retry_on_invalid_token or not rejection.rejected(request, response):
            return False
        cache = OAuth2.token_cache
        stored = cache.stored(self.cache_key)
        if stored is not None and stored.access_token == token.access_token:  # not replaced meanwhile
            if stored.refresh_token:
                cache.store(self.cache_key, dataclasses.replace(stored, expiry=0.0))
            else:
                cache.discard(self.cache_key)
        if not rejection.claim_retry(request):
            log.info("The server rejected a cached token (invalid_token); the request body cannot be sent again.")
            return False
        log.info("The server rejected a cached token (invalid_token); sending the request again with a new one.")
        return True

    # The drivers below only add a fast path: with a valid cached token there is nothing
    # to drive, so the request is sent without the inner generator (about 1 µs saved per
    # request). Without one, the base drivers run ``auth_flow``. The fast path reads no
    # body: a grant that sets requires_request_body/requires_response_body must not use it.

    def sync_auth_flow(self, request: Any) -> Generator[Any, Any, None]:
        token = OAuth2.token_cache.lookup(self.cache_key, early_expiry=self.settings.early_expiry)
        if token is None or self.settings.dpop is not None:  # DPoP may answer a challenge
            yield from super().sync_auth_flow(request)
            return
        self._header.put(request, token.access_token)
        response = yield request
        if self._rejected(request, response, token):
            yield from super().sync_auth_flow(request)

    async def async_auth_flow(self, request: Any) -> AsyncGenerator[Any, Any]:
        token = OAuth2.token_cache.lookup(self.cache_key, early_expiry=self.settings.early_expiry)
        if token is not None and self.settings.dpop is None:
            self._header.put(request, token.access_token)
            response = yield request
            if not self._rejected(request, response, token):
                return
        flow = super().async_auth_flow(request)
        try:
            outgoing = await flow.__anext__()
            while True:
                try:
                    sent = yield outgoing
                except GeneratorExit:
                    break  # close outside the handler: see _base.CLOSED_BY_CLIENT
                outgoing = await flow.asend(sent)
        except StopAsyncIteration:
            return
        finally:
            await flow.aclose()

    def _acquire(self, request: Any) -> Generator[Any, Any, Token]:
        cache = OAuth2.token_cache
        key = self.cache_key
        early_expiry = self.settings.early_expiry

        def cached() -> Token | None:
            return cache.lookup(key, early_expiry=early_expiry)

        return (
            yield from single_flight.acquire(
                cache, key, cached, partial(self._obtain, request, cache), patience=self._patience()
            )
        )

    def _patience(self) -> float:
        """How long a request waits for another's token acquisition before taking over:
        longer than the slowest acquisition that is still alive (one token request)."""
        return self.settings.timeout + PATIENCE_MARGIN

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
        note_margin_cap(token, self.settings.early_expiry)
        return token

    def _route(self, steps: Generator[Any, Any, Any]) -> Generator[Any, Any, Any]:
        """Run a hook, sending the requests it yields through ``settings.client`` if given."""
        if self.settings.client is None:
            return (yield from steps)
        return (yield from relay(steps, self._via_client))[0]

    def _via_client(self, item: Any) -> Any:
        if isinstance(item, Offload):
            return item
        return Offload(partial(_send_with, self.settings.client, item))

    @classmethod
    def from_issuer(cls, issuer: str, **kwargs: Any) -> Any:
        """This grant, its endpoints read from ``issuer``'s discovery document at the
        first request (OpenID Connect Discovery / RFC 8414); ``kwargs`` are the other
        arguments of the constructor (see ``discovery``)."""
        from httpx_auth._oauth2.discovery import DiscoveredGrant

        return DiscoveredGrant(cls, issuer, kwargs)

    # -- revocation (RFC 7009) ---------------------------------------------------------

    def revoke(self, client: Any) -> None:
        """Revoke the cached refresh and access tokens at ``revocation_url`` and forget
        them; ``client`` (an ``httpx.Client``) sends the requests."""
        revocation.revoke(self, OAuth2.token_cache, client)

    async def arevoke(self, client: Any) -> None:
        """``revoke`` with an ``httpx.AsyncClient``."""
        await revocation.arevoke(self, OAuth2.token_cache, client)

    # -- helpers for reprs ------------------------------------------------------------

    def _repr(self, **fields: Any) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in fields.items())
        return f"{type(self).__name__}({shown})"


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
