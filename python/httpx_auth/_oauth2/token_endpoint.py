"""Asking a token endpoint for tokens: the POST request, client authentication, refresh.

Everything here is a generator step of an auth flow: requests are yielded (registered
as internal) and their responses received back, so the caller's client sends them.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping
from typing import Any, Union

from httpx_auth import _compat
from httpx_auth import _validation as check
from httpx_auth._base import Offload, internal_request
from httpx_auth._oauth2.settings import ClientAuthentication, TokenSettings
from httpx_auth._oauth2.token import Token
from httpx_auth._oauth2.token_response import response_fields, token_from_response

# A token request's form: a list value repeats its parameter; a callable makes it anew
# for each attempt (a retry with a DPoP nonce needs fresh single-use assertions).
Form = Union[Mapping[str, Union[str, list[str]]], Callable[[], Mapping[str, Union[str, list[str]]]]]


def build_request(
    origin: Any,
    client: Any,
    method: str,
    url: str,
    *,
    timeout: float,
    data: Mapping[str, str | list[str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Any:
    """A request for an auth flow's own use, registered as internal.

    Built by ``client`` when given (its base headers and settings apply), else with
    the library of ``origin``, the request being authenticated; ``timeout`` applies to
    every phase (connect, write, read, pool).
    """
    all_headers = {"Accept": "application/json", **(headers or {})}
    if client is not None:
        request = client.build_request(method, url, data=data, headers=all_headers, timeout=timeout)
    else:
        lib = _compat.library_of(origin)
        request = lib.Request(
            method, url, data=data, headers=all_headers, extensions={"timeout": lib.Timeout(timeout).as_dict()}
        )
    return internal_request(request)


class TokenEndpoint:
    """A token endpoint, and how the client authenticates to it.

    ``settings`` gives the ``timeout`` of each token request and the ``client`` that
    builds it (see ``TokenSettings``); ``authentication`` says how the client
    authenticates (see ``ClientAuthentication``; a public client by default).
    """

    def __init__(
        self, url: str, settings: TokenSettings, authentication: ClientAuthentication = ClientAuthentication()
    ) -> None:
        self.url = check.text("token_url", url)
        self.settings = settings
        self.authentication = authentication

    def post(self, origin: Any, data: Form) -> Generator[Any, Any, Any]:
        """POST the form ``data`` with client authentication; returns the (read) response.

        With DPoP (``settings.dpop``) the request carries a proof, and one refused for
        want of the server's nonce (``use_dpop_nonce``) is sent again, once, with it (a
        callable ``data`` is called again, so the retry has fresh assertions).
        """
        dpop = self.settings.dpop
        response = yield from self._post_once(origin, data)
        if dpop is not None and dpop.nonce_refused(self.url, response, resource=False):
            response = yield from self._post_once(origin, data)
        return response

    def _post_once(self, origin: Any, data: Form) -> Generator[Any, Any, Any]:
        body = dict(data() if callable(data) else data)
        headers: dict[str, str] = {}
        auth = self.authentication.client_auth
        if self.authentication.applied is not None:
            self.authentication.applied.apply(self.url, body, headers)
            auth = None
        if self.settings.dpop is not None:
            headers["DPoP"] = self.settings.dpop.proof("POST", self.url)
        request = build_request(
            origin, self.settings.client, "POST", self.url, timeout=self.settings.timeout, data=body, headers=headers
        )
        if auth is None:
            return (yield request)
        return (yield from apply_auth(auth, request))

    def request_token(
        self, origin: Any, data: Form, token_field_name: str = "access_token", *, expiry_from_token: bool = False
    ) -> Generator[Any, Any, Token]:
        """POST ``data`` and read the token of the answer (see ``token_of``)."""
        response = yield from self.post(origin, data)
        return self.token_of(response, token_field_name, expiry_from_token=expiry_from_token)

    def token_of(self, response: Any, token_field_name: str = "access_token", *, expiry_from_token: bool = False) -> Token:
        """The token of an answer of this endpoint (see ``token_from_response``); with DPoP,
        whether the server bound it to the key (its ``token_type``) is noted."""
        token = token_from_response(response, token_field_name, expiry_from_token=expiry_from_token)
        if self.settings.dpop is not None:
            self.settings.dpop.note_token_type(token.access_token, response_fields(response).get("token_type"))
        return token

    def refresh(
        self,
        origin: Any,
        refresh_token: str,
        token_field_name: str = "access_token",
        *,
        scope: str | None = None,
        expiry_from_token: bool = False,
    ) -> Generator[Any, Any, Token]:
        """Exchange ``refresh_token`` for a new token (RFC 6749 §6).

        The result keeps ``refresh_token`` when the server did not rotate it.
        """
        data = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        if scope:
            data["scope"] = scope
        token = yield from self.request_token(origin, data, token_field_name, expiry_from_token=expiry_from_token)
        return token.keeping(refresh_token)


def apply_auth(auth: Any, request: Any) -> Generator[Any, Any, Any]:
    """Send ``request`` through the flow of the httpx Auth ``auth`` (which may answer a
    challenge with another request); returns the last response."""
    return (yield from relay(auth.auth_flow(request), _mark_internal))[1]


def _mark_internal(item: Any) -> Any:
    return item if isinstance(item, Offload) else internal_request(item)


def relay(flow: Generator[Any, Any, Any], outgoing: Callable[[Any], Any]) -> Generator[Any, Any, tuple[Any, Any]]:
    """``yield from flow``, with each yielded item passed through ``outgoing`` first.

    Returns what ``flow`` returned and the last value sent into it. Exceptions thrown
    in (an ``Offload`` that failed) are thrown into ``flow``; closing closes it (outside
    the handler, see ``_base.CLOSED_BY_CLIENT``).
    """
    last: Any = None
    try:
        item = next(flow)
        while True:
            try:
                last = yield outgoing(item)
            except GeneratorExit:
                break
            except BaseException as error:
                item = flow.throw(error)
            else:
                item = flow.send(last)
    except StopIteration as done:
        return done.value, last
    finally:
        flow.close()
    raise GeneratorExit  # closed: the flow above us is being closed too
