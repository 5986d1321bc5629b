"""The base of every auth object: httpx/httpx2 compatibility, the sans-I/O drivers
and combination with ``+`` / ``&``.

An auth's ``auth_flow`` yields requests and receives their responses. Requests it
creates for itself (a token request, say) are registered with ``internal_request``:
their responses are read before being handed back, and a combination of auths sends
them straight out instead of passing them through the auths that follow.

A flow may also yield ``Offload(fn)`` for blocking work (waiting for a browser, or for
another thread's token request): the sync driver calls ``fn()`` in place, the async
driver runs it in a worker thread so the event loop never blocks. The result (or the
exception) is sent back into the flow. ``Offload(fn, fn_async)`` also gives a coroutine
function doing the same work without blocking (say, with an asyncio client): the async
driver awaits ``fn_async()`` on the loop instead of occupying a thread.

``Sleep(seconds)`` is such an item that waits: ``time.sleep`` in sync code,
``anyio.sleep`` in async code (with the event loop; no thread is held).
"""

from __future__ import annotations

import time
import weakref
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator
from typing import Any

import httpx

from httpx_auth._compat import AUTH_BASES, also_httpx2

_internal_requests: weakref.WeakSet[Any] = weakref.WeakSet()


def internal_request(request: Any) -> Any:
    """Mark ``request`` as created by an auth flow for its own use, and return it."""
    _internal_requests.add(request)
    return request


def is_internal(request: Any) -> bool:
    return isinstance(request, Offload) or request in _internal_requests


class Offload:
    """Yielded by a flow: blocking work for the driver to run (off the event loop).

    ``fn_async``, when given, is the same work as a coroutine function: the async
    driver awaits it instead of running ``fn`` in a worker thread."""

    def __init__(self, fn: Callable[[], Any], fn_async: Callable[[], Awaitable[Any]] | None = None) -> None:
        self.fn = fn
        self.fn_async = fn_async


class Sleep(Offload):
    """Yielded by a flow: wait ``seconds`` (with the event loop in async code)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(self._sleep, self._sleep_async)

    def _sleep(self) -> None:
        time.sleep(self.seconds)

    async def _sleep_async(self) -> None:
        import anyio  # imported on first use, like the thread helpers below

        await anyio.sleep(self.seconds)


def _step_sync(flow: Generator[Any, Any, None], item: Offload) -> Any:
    try:
        result = item.fn()
    except Exception as error:
        return flow.throw(error)
    return flow.send(result)


async def _step_async(flow: Generator[Any, Any, None], item: Offload) -> Any:
    import anyio.to_thread  # only async flows that offload need it (imported once)

    try:
        if item.fn_async is not None:
            result = await item.fn_async()
        else:
            result = await anyio.to_thread.run_sync(item.fn, abandon_on_cancel=True)
    except Exception as error:
        return flow.throw(error)
    return flow.send(result)


class SupportMultiAuth:
    """Mixin that lets an auth be combined with others using ``+`` or ``&``.

    The combination applies every auth, in order, to each request.
    """

    def __add__(self, other: Any) -> MultiAuth:
        return MultiAuth(self, other)

    def __and__(self, other: Any) -> MultiAuth:
        return MultiAuth(self, other)

    def __radd__(self, other: Any) -> MultiAuth:
        return MultiAuth(other, self)

    def __rand__(self, other: Any) -> MultiAuth:
        return MultiAuth(other, self)


@also_httpx2("Auth")
class AuthBase(*AUTH_BASES, SupportMultiAuth):  # type: ignore[misc]
    """An ``httpx.Auth`` (and ``httpx2.Auth``) that reads the responses to its own
    internal requests before handing them back to ``auth_flow``."""

    requires_request_body = False
    requires_response_body = False

    def auth_flow(self, request: Any) -> Generator[Any, Any, None]:
        yield request

    def sync_auth_flow(self, request: Any) -> Generator[Any, Any, None]:
        if self.requires_request_body:
            request.read()
        flow = self.auth_flow(request)
        try:
            outgoing = next(flow)
            while True:
                while isinstance(outgoing, Offload):
                    outgoing = _step_sync(flow, outgoing)
                try:
                    response = yield outgoing
                except GeneratorExit:
                    break  # see CLOSED_BY_CLIENT
                if self.requires_response_body or is_internal(outgoing):
                    response.read()
                outgoing = flow.send(response)
        except StopIteration:
            return
        finally:
            flow.close()  # at once, even when the client abandons us: flows clean up in finally

    async def async_auth_flow(self, request: Any) -> AsyncGenerator[Any, Any]:
        if self.requires_request_body:
            await request.aread()
        flow = self.auth_flow(request)
        try:
            outgoing = next(flow)
            while True:
                while isinstance(outgoing, Offload):
                    outgoing = await _step_async(flow, outgoing)
                try:
                    response = yield outgoing
                except GeneratorExit:
                    break  # see CLOSED_BY_CLIENT
                if self.requires_response_body or is_internal(outgoing):
                    await response.aread()
                outgoing = flow.send(response)
        except StopIteration:
            return
        finally:
            flow.close()


# CLOSED_BY_CLIENT: httpx closes an auth flow whose request could not be sent (a
# timeout, a connection error) while that error propagates. A generator that leaves its
# ``except GeneratorExit`` sees that error in ``sys.exc_info()`` (the exception its
# closer handles), on CPython as on PyPy; a single flight's leader hands it to its
# waiters. So every layer that drives a flow catches GeneratorExit, leaves the handler
# (``break``/``return``) and closes what it drives in ``finally``: closed inside the
# handler, the flow would see only that GeneratorExit. (The GeneratorExit's
# ``__context__`` is no substitute: PyPy does not set it.)


def _once(request: Any) -> Generator[Any, Any, None]:
    yield request


class OneStepAuth(AuthBase):
    """An auth that only changes the request: it sends nothing of its own and needs
    nothing back. Unless a subclass changes ``auth_flow``, the general drivers (made for
    flows with requests of their own) are skipped: this is every request's hot path."""

    def _apply(self, request: Any) -> Any:
        """Authenticate ``request`` in place and return it."""
        raise NotImplementedError

    def auth_flow(self, request: Any) -> Generator[Any, Any, None]:
        yield self._apply(request)

    def sync_auth_flow(self, request: Any) -> Generator[Any, Any, None]:
        if type(self).auth_flow is not OneStepAuth.auth_flow:
            return super().sync_auth_flow(request)
        if self.requires_request_body:
            request.read()
        return _once(self._apply(request))

    def async_auth_flow(self, request: Any) -> AsyncGenerator[Any, Any]:
        if type(self).auth_flow is not OneStepAuth.auth_flow:
            return super().async_auth_flow(request)
        return self._apply_async(request)

    async def _apply_async(self, request: Any) -> AsyncGenerator[Any, Any]:
        if self.requires_request_body:
            await request.aread()
        yield self._apply(request)


def _members(auth: Any) -> tuple[Any, ...]:
    if isinstance(auth, MultiAuth):
        return auth.authentications
    if isinstance(auth, tuple):  # httpx's shorthand for Basic authentication
        return (httpx.BasicAuth(*auth),)
    return (auth,)


class MultiAuth(AuthBase):
    """Several auths applied one after the other to every request."""

    def __init__(self, *authentications: Any) -> None:
        members: tuple[Any, ...] = ()
        for auth in authentications:
            members += _members(auth)
        for auth in members:
            if not hasattr(auth, "sync_auth_flow"):
                raise TypeError(f"Cannot combine {type(auth).__name__!r}: it is not an httpx Auth.")
        self.authentications = members

    def __repr__(self) -> str:
        return " + ".join(repr(auth) for auth in self.authentications)

    def auth_flow(self, request: Any) -> Generator[Any, Any, None]:
        yield from _chain_sync(self.authentications, request, lambda a, r: a.auth_flow(r))

    def sync_auth_flow(self, request: Any) -> Generator[Any, Any, None]:
        yield from _chain_sync(self.authentications, request, lambda a, r: a.sync_auth_flow(r))

    def async_auth_flow(self, request: Any) -> AsyncGenerator[Any, Any]:
        return _chain_async(self.authentications, request, outermost=True)


# A chain hands each request the first auth yields to the rest of the chain, and the
# last response the rest received back to the first auth. The async chain cannot
# `return` a value, so it yields a _Done marker carrying the last response instead
# (except the outermost, driven by the client). Flows are closed at once when the chain
# is (their cleanup releases a token flight; the garbage collector may come much later,
# on PyPy), outside any handler (see CLOSED_BY_CLIENT).


def _chain_sync(auths: tuple[Any, ...], request: Any, flow_of: Any) -> Generator[Any, Any, Any]:
    if not auths:
        return (yield request)
    if _is_plain_one_step(auths[0]):
        if auths[0].requires_request_body:
            request.read()
        return (yield from _chain_sync(auths[1:], auths[0]._apply(request), flow_of))
    flow = flow_of(auths[0], request)
    try:
        outgoing = next(flow)
        while True:
            try:
                if is_internal(outgoing):
                    response = yield outgoing
                else:
                    response = yield from _chain_sync(auths[1:], outgoing, flow_of)
            except GeneratorExit:
                return None  # and close below, outside the handler
            try:
                outgoing = flow.send(response)
            except StopIteration:
                return response
    finally:
        flow.close()


def _is_plain_one_step(auth: Any) -> bool:
    # Applied in place, without a generator of its own (see OneStepAuth).
    return isinstance(auth, OneStepAuth) and type(auth).auth_flow is OneStepAuth.auth_flow


class _Done:
    def __init__(self, response: Any) -> None:
        self.response = response


async def _chain_async(auths: tuple[Any, ...], request: Any, outermost: bool = False) -> AsyncGenerator[Any, Any]:
    while auths and _is_plain_one_step(auths[0]):
        if auths[0].requires_request_body:
            await request.aread()
        request, auths = auths[0]._apply(request), auths[1:]
    if not auths:
        response = yield request
        if not outermost:
            yield _Done(response)
        return
    flow = auths[0].async_auth_flow(request)
    try:
        outgoing = await flow.__anext__()
        while True:
            if is_internal(outgoing):
                try:
                    response = yield outgoing
                except GeneratorExit:
                    return  # and close below, outside the handler
            else:
                rest = _chain_async(auths[1:], outgoing)
                try:
                    item = await rest.__anext__()
                    while not isinstance(item, _Done):
                        try:
                            sent = yield item
                        except GeneratorExit:
                            return
                        item = await rest.asend(sent)
                finally:
                    await rest.aclose()
                response = item.response
            try:
                outgoing = await flow.asend(response)
            except StopAsyncIteration:
                if not outermost:
                    yield _Done(response)
                return
    finally:
        await flow.aclose()
