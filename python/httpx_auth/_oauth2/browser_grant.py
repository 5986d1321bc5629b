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
from httpx_auth._oauth2 import id_token, redirect_server
from httpx_auth._oauth2.display import DisplaySettings
from httpx_auth._oauth2.grant import PATIENCE_MARGIN, GrantAuth, OAuth2, extra_parameters, make_cache_key, scope_text
from httpx_auth._oauth2.reply import AuthorizationRequest

# Parameters the grant itself sets in the authorization URL, whatever the URL held.
_OWN_PARAMETERS = ("state", "redirect_uri")
# Parameters that extra keyword arguments must not set: the grant sets them.
_RESERVED = (*_OWN_PARAMETERS, "code_challenge", "code_challenge_method", "code_verifier", "grant_type", "code")


def is_secret(name: str) -> bool:
    """Whether an extra parameter named ``name`` holds a secret (kept out of URLs and reprs)."""
    lowered = name.lower()
    return "secret" in lowered or "password" in lowered or lowered == "client_assertion"


def absolute_url(name: str, value: Any) -> str:
    url = check.text(name, value)
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise InvalidParameter(f"{name} must be an absolute http or https URL.")
    return url


def redirect_uri(domain: Any, endpoint: Any, port: Any) -> str:
    """``http://<domain>:<port>/<endpoint>``, after checking each part."""
    domain = check.text("redirect_uri_domain", domain)
    if any(c in domain for c in "/?#@:[] \t\r\n"):
        raise InvalidParameter(
            "redirect_uri_domain must be a host name (like 'localhost'), without scheme, port or path."
        )
    endpoint = check.text("redirect_uri_endpoint", endpoint, allow_empty=True)
    if any(c in endpoint for c in "?# \t\r\n"):
        raise InvalidParameter("redirect_uri_endpoint must be a path, without query, fragment or spaces.")
    if isinstance(port, bool) or not isinstance(port, int):
        raise InvalidParameter(f"redirect_uri_port must be an integer, not {type(port).__name__}.")
    if not 0 < port < 65536:
        raise InvalidParameter("redirect_uri_port must be between 1 and 65535.")
    return f"http://{domain}:{port}/{endpoint.lstrip('/')}"


def split_extra(kwargs: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """Extra keyword arguments as parameters: (the public ones, the secret ones).

    ``scope`` may be a list of scopes (joined with spaces)."""
    values = dict(kwargs)
    if "scope" in values:
        scope = scope_text(values.pop("scope"))
        if scope:
            values["scope"] = scope
    parameters = extra_parameters(values)
    public = {name: value for name, value in parameters.items() if not is_secret(name)}
    hidden = {name: value for name, value in parameters.items() if is_secret(name)}
    return public, hidden


def provider_query(client_id: Any, scope: Any, nonce: str | None, extra: Mapping[str, str]) -> dict[str, str]:
    """The authorization URL parameters of a provider preset: ``client_id``, the ``extra``
    parameters, then ``scope`` (a string or a list) and ``nonce`` when given."""
    query = {"client_id": check.text("client_id", client_id), **extra}
    scope = scope_text(scope)
    if scope:
        query["scope"] = scope
    if nonce is not None:
        query["nonce"] = check.text("nonce", nonce)
    return query


def okta_endpoint(instance: Any, authorization_server: Any, name: str) -> str:
    """An endpoint (``authorize``, ``token``) of an Okta authorization server."""
    instance = check.text("instance", instance)
    if any(c in instance for c in "/?#@ \t\r\n"):
        raise InvalidParameter("instance must be an Okta domain, like 'testserver.okta-emea.com'.")
    authorization_server = check.text("authorization_server", authorization_server)
    return f"https://{instance}/oauth2/{quote(authorization_server, safe='')}/v1/{name}"


def _wait(request: AuthorizationRequest) -> dict[str, str]:
    # Looked up at each call, so that httpx_auth.testing can stand in for the browser.
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
        redirect_uri_domain, redirect_uri_endpoint, redirect_uri_port: the redirect URI.
        Others: see ``GrantAuth``.
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
        redirect_uri_domain: str,
        redirect_uri_endpoint: str,
        redirect_uri_port: int,
        header_name: str,
        header_value: str,
        early_expiry: float,
        timeout: float,
        client: Any = None,
    ) -> None:
        self.authorization_url = absolute_url("authorization_url", authorization_url)
        self.redirect_uri = redirect_uri(redirect_uri_domain, redirect_uri_endpoint, redirect_uri_port)
        self.redirect_uri_port: int = redirect_uri_port
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
            header_name=header_name,
            header_value=header_value,
            early_expiry=early_expiry,
            timeout=timeout,
            client=client,
        )

    def _patience(self) -> float:
        # The sign-in in the browser (up to ``timeout``) comes before the token request.
        return 2 * self.timeout + PATIENCE_MARGIN

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
            port=self.redirect_uri_port,
            timeout=self.timeout,
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
