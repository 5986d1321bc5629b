"""Token revocation (RFC 7009): ``auth.revoke(client)`` / ``await auth.arevoke(client)``.

The cached refresh token is revoked first (a server then revokes the access tokens
issued with it, RFC 7009 §2.1), then the access token; the tokens are forgotten once
the server accepted. The requests go through the grant's client authentication (the
same path as its token requests) and are sent by the ``client`` given.
"""

from __future__ import annotations

import dataclasses
import inspect
import logging
from collections.abc import Generator, Mapping
from typing import Any

from httpx_auth._base import Offload, _step_async, _step_sync
from httpx_auth._errors import InvalidGrantRequest, InvalidParameter, InvalidTokenResponse
from httpx_auth._oauth2.caches.memory import TokenMemoryCache
from httpx_auth._oauth2.settings import ClientAuthentication
from httpx_auth._oauth2.token_endpoint import TokenEndpoint
from httpx_auth._oauth2.token_response import answer_fields

log = logging.getLogger("httpx_auth")


def _client_identification(auth: Any) -> Mapping[str, str]:
    """What a public client sends to name itself (``client_id``), when it does not authenticate."""
    identification = getattr(auth, "client_identification", None)
    if identification is not None:
        return dict(identification)
    endpoint = getattr(auth, "token_endpoint", None)
    body = getattr(auth, "_body", None) or {}
    if (endpoint is None or endpoint.authentication.client_auth is None) and "client_id" in body:
        return {"client_id": body["client_id"]}
    return {}


def _check(response: Any, hint: str) -> None:
    try:
        answer_fields(response, "the revocation endpoint")
    except InvalidTokenResponse:
        if 200 <= response.status_code < 300:
            return  # RFC 7009 §2.2: the body of a successful answer says nothing
        raise
    except InvalidGrantRequest as error:
        if hint != "access_token" or error.error != "unsupported_token_type":
            raise
        # RFC 7009 §2.2.1: this server revokes only refresh tokens.
        log.info("The revocation endpoint does not revoke access tokens (unsupported_token_type).")


def revocation_steps(auth: Any, cache: TokenMemoryCache, client: Any) -> Generator[Any, Any, None]:
    """The requests revoking ``auth``'s cached tokens (sans-I/O, like a token request)."""
    url = getattr(auth, "revocation_url", None)
    if not url:
        raise InvalidParameter(
            f"{type(auth).__name__} has no revocation endpoint: set its revocation_url "
            "(or create it with from_issuer, when the server advertises one)."
        )
    token = cache.stored(auth.cache_key)
    if token is None:
        return
    grant_endpoint = auth.token_endpoint
    endpoint = TokenEndpoint(
        url,
        dataclasses.replace(auth.settings, client=client),
        ClientAuthentication() if grant_endpoint is None else grant_endpoint.authentication,
    )
    identification = _client_identification(auth)
    for value, hint in ((token.refresh_token, "refresh_token"), (token.access_token, "access_token")):
        if value:
            response = yield from endpoint.post(client, {"token": value, "token_type_hint": hint, **identification})
            _check(response, hint)
    if cache.stored(auth.cache_key) == token:  # not replaced meanwhile
        cache.discard(auth.cache_key)


def _is_async(client: Any) -> bool:
    if not hasattr(client, "send"):
        raise InvalidParameter(f"client must be an httpx Client or AsyncClient, not {type(client).__name__}.")
    return inspect.iscoroutinefunction(client.send)


def revoke(auth: Any, cache: TokenMemoryCache, client: Any) -> None:
    """Revoke ``auth``'s cached tokens with the sync ``client``."""
    run_sync(client, revocation_steps(auth, cache, client))


async def arevoke(auth: Any, cache: TokenMemoryCache, client: Any) -> None:
    """Revoke ``auth``'s cached tokens with the async ``client``."""
    await run_async(client, revocation_steps(auth, cache, client))


def run_sync(client: Any, steps: Generator[Any, Any, None]) -> None:
    """Run ``steps`` outside an auth flow: the sync ``client`` sends what they yield."""
    if _is_async(client):
        raise InvalidParameter("client is an AsyncClient: use 'await auth.arevoke(client)'.")
    try:
        item = next(steps)
        while True:
            if isinstance(item, Offload):
                item = _step_sync(steps, item)
            else:
                item = steps.send(client.send(item, auth=None))
    except StopIteration:
        return
    finally:
        steps.close()  # at once when a request failed, not when collected


async def run_async(client: Any, steps: Generator[Any, Any, None]) -> None:
    """Run ``steps`` outside an auth flow: the async ``client`` sends what they yield."""
    if not _is_async(client):
        raise InvalidParameter("client is a sync Client: use 'auth.revoke(client)'.")
    try:
        item = next(steps)
        while True:
            if isinstance(item, Offload):
                item = await _step_async(steps, item)
            else:
                item = steps.send(await client.send(item, auth=None))
    except StopIteration:
        return
    finally:
        steps.close()
