"""What the browser grants share: the redirect URI, the authorization URL with a fresh
``state`` (and ``nonce``), and the wait for the reply.

``state`` is new for every authorization (256 bits from ``secrets``), and so is the
``nonce`` when the grant generates one, so neither enters the cache key: the key
describes the configuration only, and stays the same from one run to the next.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Generator, Mapping
from functools import partial
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from httpx_auth import _validation as check
from httpx_auth._base import Offload
from httpx_auth._errors import InvalidParameter
from httpx_auth._oauth2 import id_token
from httpx_auth._oauth2.browser.display import DisplaySettings
from httpx_auth._oauth2.browser.reply import AuthorizationRequest
from httpx_auth._oauth2.cache_key import make_cache_key
from httpx_auth._oauth2.grant import PATIENCE_MARGIN, GrantAuth
from httpx_auth._oauth2.parameters import absolute_url
from httpx_auth._oauth2.settings import OAuth2, RedirectSettings, TokenSettings

# Parameters the grant itself sets in the authorization URL, whatever the URL held.
_OWN_PARAMETERS = ("state", "redirect_uri")
# Parameters that extra keyword arguments must not set: the grant sets them.
_RESERVED = (*_OWN_PARAMETERS, "code_challenge", "code_challenge_method", "code_verifier", "grant_type", "code")


def _wait(request: AuthorizationRequest) -> dict[str, str]:
    # Imported at the first authorization only (``import httpx_auth`` loads neither
    # http.server nor webbrowser), and looked up at each call so that
    # httpx_auth.testing can stand in for the browser.
    from httpx_auth._oauth2.browser import redirect_server

    return redirect_server.wait_for_reply(request)


class BrowserGrant(GrantAuth):
    """Base of the grants where a person authorizes in the browser.

    Parameters:
        authorization_url: the authorization endpoint (it may hold query parameters).
        identity, secret_identity: what else identifies the configuration in the cache
            key (secrets enter it only as digests; see ``make_cache_key``).
        grant_field: the field of the reply holding what is asked for.
        response_type: sent unless ``authorization_url`` already has one.
        query: other parameters of the authorization URL.
        generate_nonce: send a new UUID as ``nonce`` with each authorization, unless
            ``query`` holds one.
        redirect: where the reply is awaited, and for how long.
        settings: see ``TokenSettings``.
    """

    def __init__(
        self,
        authorization_url: str,
        *,
        identity: Mapping[str, Any],
        secret_identity: Mapping[str, Any],
        grant_field: str,
        response_type: str,
        query: Mapping[str, str],
        generate_nonce: bool,
        redirect: RedirectSettings,
        settings: TokenSettings,
    ) -> None:
        self.authorization_url = absolute_url("authorization_url", authorization_url)
        self.redirect = redirect
        self.redirect_uri = redirect.uri
        self.grant_field = grant_field
        for name in _RESERVED:
            if name in query:
                hint = " (use redirect_uri_domain, _endpoint and _port)" if name == "redirect_uri" else ""
                raise InvalidParameter(
                    f"{name} is set by the grant itself and cannot be given as an extra parameter{hint}."
                )
        parts = urlsplit(self.authorization_url)
        own = set(_OWN_PARAMETERS) | set(query)
        self._url_parts = parts
        self._url_query = [(n, v) for n, v in parse_qsl(parts.query, keep_blank_values=True) if n not in own]
        given = dict(self._url_query).get("response_type")
        self.response_type = given if given is not None else check.text("response_type", response_type)
        self._query = {**({} if given is not None else {"response_type": self.response_type}), **query}
        self._generate_nonce = generate_nonce and "nonce" not in query
        super().__init__(
            make_cache_key(
                self.grant_type,
                self.authorization_url,
                {**identity, "redirect_uri": self.redirect_uri, "query": self._query, "grant_field": grant_field},
                secret_identity,
            ),
            settings,
        )

    def _patience(self) -> float:
        # The sign-in in the browser comes before the token request.
        return self.redirect.timeout + self.settings.timeout + PATIENCE_MARGIN

    def authorization_request(self, extra: Mapping[str, str] | None = None) -> AuthorizationRequest:
        """A new authorization: fresh ``state`` (and ``nonce``), the URL to open."""
        state = secrets.token_urlsafe(32)
        parameters = dict(self._query)
        if self._generate_nonce:
            parameters["nonce"] = str(uuid.uuid4())
        elif id_token.asks_for_id_token(self.response_type) and "nonce" not in parameters:
            parameters["nonce"] = id_token.new_nonce()  # checked in the ID token that comes back
        parameters.update(extra or {})
        pairs = [*self._url_query, *parameters.items(), ("redirect_uri", self.redirect_uri), ("state", state)]
        url = urlunsplit(self._url_parts._replace(query=urlencode(pairs, quote_via=quote), fragment=""))
        display = OAuth2.display if isinstance(OAuth2.display, DisplaySettings) else DisplaySettings()
        return AuthorizationRequest(
            url=url,
            redirect_uri=self.redirect_uri,
            state=state,
            grant_field=self.grant_field,
            port=self.redirect.port,
            timeout=self.redirect.timeout,
            display=display,
        )

    def _authorize(
        self, extra: Mapping[str, str] | None = None, origin: Any = None
    ) -> Generator[Any, Any, dict[str, str]]:
        """Have the user authorize in the browser; returns the fields of the reply, whose
        ID token (if the response type asks for one) was checked (see ``id_token``).

        The wait blocks, so it is an ``Offload`` step: async clients run it in a thread.
        ``origin`` (the user's request) picks the HTTP library of the key set request."""
        authorization = self.authorization_request(extra)
        fields: dict[str, str] = yield Offload(partial(_wait, authorization))
        yield from id_token.check_reply(self, fields, authorization.url, origin)
        return fields
