"""``from_issuer``: a grant whose endpoints come from its issuer's discovery document.

At the first request, ``<issuer>/.well-known/openid-configuration`` (OpenID Connect
Discovery 1.0 §4) is read through the caller's client (or the grant's ``client=``).
When it lacks an endpoint the grant needs, or the revocation endpoint, the RFC 8414
documents are read too (``/.well-known/oauth-authorization-server`` inserted before
the issuer's path, then appended to it, as some servers serve it). Every document must
name the issuer given, exactly (RFC 8414 §3.3); a JSON answer without ``issuer`` is not
taken for metadata. Documents are cached per URL for the
life of the process: one issuer is discovered once, whatever the grants built on it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Generator, Mapping
from functools import partial
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from httpx_auth._base import AuthBase, Offload
from httpx_auth._errors import InvalidDiscoveryDocument, InvalidParameter
from httpx_auth._oauth2.parameters import absolute_url

OIDC_SUFFIX = "/.well-known/openid-configuration"
RFC8414_SUFFIX = "/.well-known/oauth-authorization-server"

_lock = threading.Lock()
_documents: dict[str, dict[str, Any] | None] = {}  # URL -> fields (None: no document there)


def forget_documents() -> None:
    """Forget every discovery document read so far (they are read again when needed)."""
    with _lock:
        _documents.clear()


def endpoint_parameters(grant_class: type) -> dict[str, str]:
    """The constructor parameters of ``grant_class`` that discovery fills, and the
    metadata field each comes from."""
    from httpx_auth._oauth2.grants.authorization_code import OAuth2AuthorizationCode, OAuth2AuthorizationCodePKCE
    from httpx_auth._oauth2.grants.client_credentials import OAuth2ClientCredentials
    from httpx_auth._oauth2.grants.device_code import OAuth2DeviceCode
    from httpx_auth._oauth2.grants.implicit import OAuth2Implicit
    from httpx_auth._oauth2.grants.resource_owner_password import OAuth2ResourceOwnerPasswordCredentials

    token = {"token_url": "token_endpoint"}
    code = {"authorization_url": "authorization_endpoint", **token}
    table: dict[type, dict[str, str]] = {
        OAuth2ClientCredentials: token,
        OAuth2ResourceOwnerPasswordCredentials: token,
        OAuth2AuthorizationCode: code,
        OAuth2AuthorizationCodePKCE: code,
        OAuth2Implicit: {"authorization_url": "authorization_endpoint"},
        OAuth2DeviceCode: {"device_authorization_url": "device_authorization_endpoint", **token},
    }
    if grant_class not in table:
        generic = ", ".join(sorted(c.__name__ for c in table))
        raise InvalidParameter(f"from_issuer is for the generic grants ({generic}), not {grant_class.__name__}.")
    return table[grant_class]


def document_urls(issuer: str) -> list[str]:
    """Where the metadata of ``issuer`` may be, in the order they are tried."""
    parts = urlsplit(issuer)
    path = parts.path.rstrip("/")
    inserted = urlunsplit((parts.scheme, parts.netloc, RFC8414_SUFFIX + path, "", ""))
    urls = [issuer.rstrip("/") + OIDC_SUFFIX, inserted, issuer.rstrip("/") + RFC8414_SUFFIX]
    return list(dict.fromkeys(urls))  # an issuer without a path has two, not three


def _fields(issuer: str, url: str, response: Any) -> dict[str, Any] | None:
    """The metadata in ``response`` (None when there is no document at ``url``)."""
    if response.status_code != 200:
        return None
    try:
        fields = json.loads(response.content)
    except ValueError:
        raise InvalidDiscoveryDocument(issuer, f"{url} is not JSON.") from None
    if not isinstance(fields, dict):
        raise InvalidDiscoveryDocument(issuer, f"{url} holds a JSON {type(fields).__name__}, not an object.")
    if "issuer" not in fields:
        return None  # some other JSON answer: no metadata here
    if fields.get("issuer") != issuer:
        raise InvalidDiscoveryDocument(
            issuer, f"{url} names the issuer {fields.get('issuer')!r}: a document must name the issuer it describes."
        )
    return fields


def metadata(
    issuer: str, wanted: list[str], origin: Any, client: Any, timeout: float
) -> Generator[Any, Any, dict[str, Any]]:
    """The metadata of ``issuer`` (merged from its documents, the first one winning),
    read until every ``wanted`` field is known or every document was tried."""
    from httpx_auth._oauth2.grant import _send_with
    from httpx_auth._oauth2.token_endpoint import build_request

    merged: dict[str, Any] = {}
    found = False
    for url in document_urls(issuer):
        if all(name in merged for name in wanted):
            break
        with _lock:
            known, fields = url in _documents, _documents.get(url)
        if not known:
            request = build_request(origin, client, "GET", url, timeout=timeout)
            response = yield (request if client is None else Offload(partial(_send_with, client, request)))
            fields = _fields(issuer, url, response)
            with _lock:
                _documents[url] = fields
        if fields is not None:
            found = True
            merged = {**fields, **merged}
    if not found:
        raise InvalidDiscoveryDocument(issuer, f"no discovery document at {document_urls(issuer)[0]}.")
    return merged


class DiscoveredGrant(AuthBase):
    """A grant built at the first request from its issuer's metadata (see ``from_issuer``).

    ``grant`` is the grant once built (``None`` before). Its endpoint parameters come
    from the metadata unless given; the other arguments are checked at once.
    ``verify_id_token`` (a keyword of ``from_issuer``, ``True`` by default) says whether
    the signature of the ID tokens is verified with the issuer's ``jwks_uri``.
    """

    def __init__(self, grant_class: type, issuer: str, kwargs: Mapping[str, Any]) -> None:
        self.grant_class = grant_class
        self.issuer = absolute_url("issuer", issuer)
        kwargs = dict(kwargs)
        self.verify_id_token = kwargs.pop("verify_id_token", True)
        if not isinstance(self.verify_id_token, bool):
            raise InvalidParameter(f"verify_id_token must be True or False, not {type(self.verify_id_token).__name__}.")
        self._parameters = {
            name: field for name, field in endpoint_parameters(grant_class).items() if name not in kwargs
        }
        self._kwargs = dict(kwargs)
        placeholders = {name: self.issuer for name in self._parameters}
        trial = grant_class(**placeholders, **self._kwargs)  # bad arguments fail here, not at the first request
        self.client, self.timeout = trial.client, trial.timeout
        self.grant: Any = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"{self.grant_class.__name__}.from_issuer({self.issuer!r})"

    def _wanted(self) -> list[str]:
        wanted = list(self._parameters.values())
        if self._kwargs.get("revocation_url") is None:
            wanted.append("revocation_endpoint")
        return wanted

    def _built(self, fields: Mapping[str, Any]) -> Any:
        missing = [field for field in self._parameters.values() if not fields.get(field)]
        if missing:
            raise InvalidDiscoveryDocument(self.issuer, f"the metadata lacks {', '.join(missing)}.")
        try:
            endpoints = {name: absolute_url(field, fields[field]) for name, field in self._parameters.items()}
        except InvalidParameter as error:
            raise InvalidDiscoveryDocument(self.issuer, str(error)) from None
        grant = self.grant_class(**endpoints, **self._kwargs)
        if self._kwargs.get("revocation_url") is None and isinstance(fields.get("revocation_endpoint"), str):
            grant.revocation_url = fields["revocation_endpoint"]
        grant.issuer = self.issuer
        grant.verify_id_token = self.verify_id_token
        grant.jwks_uri = fields.get("jwks_uri") if isinstance(fields.get("jwks_uri"), str) else None
        with self._lock:
            if self.grant is None:
                self.grant = grant
            return self.grant

    def discovered(self, origin: Any, client: Any) -> Generator[Any, Any, Any]:
        """The grant, reading the metadata first if needed (requests sent by ``client``
        when given, else yielded to the caller's)."""
        if self.grant is not None:
            return self.grant
        fields = yield from metadata(self.issuer, self._wanted(), origin, client, self.timeout)
        return self._built(fields)

    def auth_flow(self, request: Any) -> Generator[Any, Any, None]:
        grant = yield from self.discovered(request, self.client)
        yield from grant.auth_flow(request)

    def sync_auth_flow(self, request: Any) -> Generator[Any, Any, None]:
        if self.grant is not None:
            return self.grant.sync_auth_flow(request)  # type: ignore[no-any-return]
        return super().sync_auth_flow(request)

    def async_auth_flow(self, request: Any) -> Any:
        if self.grant is not None:
            return self.grant.async_auth_flow(request)
        return super().async_auth_flow(request)

    def revoke(self, client: Any) -> None:
        """``revoke`` of the grant (discovering its endpoints first if needed)."""
        from httpx_auth._oauth2 import revocation
        from httpx_auth._oauth2.settings import OAuth2

        revocation.run_sync(client, self._revocation(client, OAuth2.token_cache))

    async def arevoke(self, client: Any) -> None:
        """``arevoke`` of the grant (discovering its endpoints first if needed)."""
        from httpx_auth._oauth2 import revocation
        from httpx_auth._oauth2.settings import OAuth2

        await revocation.run_async(client, self._revocation(client, OAuth2.token_cache))

    def _revocation(self, client: Any, cache: Any) -> Generator[Any, Any, None]:
        from httpx_auth._oauth2 import revocation

        grant = yield from self.discovered(client, None)
        yield from revocation.revocation_steps(grant, cache, client)
