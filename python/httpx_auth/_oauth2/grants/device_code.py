"""The device authorization grant (RFC 8628); its Okta and Microsoft Entra presets are in ``presets``.

The client asks the device authorization endpoint for a user code, tells the user where
to enter it (on any device), and polls the token endpoint until the user approved,
refused, or the codes expired. Polls wait with ``Sleep``: in async code the event loop
keeps running and no thread is held.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Generator, Mapping
from typing import Any

from httpx_auth import _validation as check
from httpx_auth._base import Sleep
from httpx_auth._errors import InvalidGrantRequest, InvalidParameter, TimeoutOccurred
from httpx_auth._oauth2.cache_key import make_cache_key
from httpx_auth._oauth2.client_assertion import CLIENT_SECRET_JWT, PRIVATE_KEY_JWT
from httpx_auth._oauth2.device_authorization import (
    DeviceAuthorization,
    DisplayHook,
    device_authorization_from_response,
    open_quietly,
    show_on_stderr,
)
from httpx_auth._oauth2.grant import PATIENCE_MARGIN, GrantAuth
from httpx_auth._oauth2.parameters import HIDDEN, absolute_url, extra_parameters, scope_text
from httpx_auth._oauth2.settings import ASSERTION_OPTIONS, CLIENT_SECRET_BASIC, ClientAuthentication, TokenSettings
from httpx_auth._oauth2.token import Token
from httpx_auth._oauth2.token_endpoint import TokenEndpoint

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
SLOW_DOWN_STEP = 5.0  # RFC 8628 §3.5: seconds added to the interval on "slow_down"
MIN_INTERVAL = 1.0  # seconds between polls at least, whatever the server says


class OAuth2DeviceCode(GrantAuth):
    """Device authorization grant (RFC 8628), for devices without a usable browser.

    Parameters:
        device_authorization_url: the device authorization endpoint.
        token_url: the token endpoint.
        client_id: the client identifier.
        scope: the scope requested, a string or a list of strings.
        client_secret: for a confidential client; public clients (the usual case) send
            only their ``client_id``.
        client_auth_method: how the client authenticates: ``"client_secret_basic"`` (the
            default) or ``"client_secret_post"`` with a ``client_secret``,
            ``"client_secret_jwt"`` (a JWT assertion, HMAC of the ``client_secret``) or
            ``"private_key_jwt"`` (a JWT assertion signed with ``private_key``, no secret),
            at the device authorization endpoint and the token endpoint alike.
        private_key, key_id, signing_algorithm, assertion_audience: the JWT client
            assertion, as for ``OAuth2ClientCredentials`` (its ``aud`` is the URL of the
            endpoint called, unless ``assertion_audience`` is given).
        token_field_name: the field of the token response holding the token.
        display: called with the ``DeviceAuthorization`` to tell the user where to go
            and which code to enter (default: a line on stderr and a log record at INFO).
        open_browser: open ``verification_uri_complete`` in the web browser when the
            server gives one (``True``).
        revocation_url: the revocation endpoint used by ``revoke`` (RFC 7009).
        timeout: seconds to wait for the user's approval, and for each request (300).
        header_name, header_value, early_expiry, client, retry_on_invalid_token: see ``TokenSettings``.
        dpop: ``True`` or a ``DPoPKey``: DPoP-bound tokens (RFC 9449). The polls and
            refreshes carry a proof; the device authorization request does not (RFC 9449
            binds at the token endpoint).
        **kwargs: extra body parameters of the device authorization request.
    """

    grant_type = DEVICE_CODE_GRANT
    token_endpoint: TokenEndpoint

    def __init__(
        self,
        device_authorization_url: str,
        token_url: str,
        client_id: str,
        scope: str | list[str] | None = None,
        *,
        client_secret: str | None = None,
        client_auth_method: str = CLIENT_SECRET_BASIC,
        token_field_name: str = "access_token",
        display: DisplayHook | None = None,
        open_browser: bool = True,
        revocation_url: str | None = None,
        header_name: str = "Authorization",
        header_value: str = "Bearer {token}",
        early_expiry: float = 30.0,
        timeout: float = 300.0,
        client: Any = None,
        retry_on_invalid_token: bool = True,
        dpop: Any = None,
        private_key: Any = None,
        key_id: str | None = None,
        signing_algorithm: str | None = None,
        assertion_audience: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.device_authorization_url = absolute_url("device_authorization_url", device_authorization_url)
        self.token_url = absolute_url("token_url", token_url)
        self.client_id = check.text("client_id", client_id)
        self.scope = scope_text(scope)
        if display is not None and not callable(display):
            raise InvalidParameter(f"display must be a callable taking a DeviceAuthorization, not {type(display).__name__}.")
        self.display: DisplayHook = display or show_on_stderr
        self.open_browser = bool(open_browser)
        self.revocation_url = None if revocation_url is None else absolute_url("revocation_url", revocation_url)
        if client_secret is not None:
            client_secret = check.text("client_secret", client_secret)
        self._extra = extra_parameters(kwargs)
        settings = TokenSettings.of(locals())
        authentication = ClientAuthentication.of(locals(), client_auth=_client_auth(locals()))
        super().__init__(
            make_cache_key(
                self.grant_type,
                self.token_url,
                {
                    "device_authorization_url": self.device_authorization_url,
                    "client_id": self.client_id,
                    "scope": self.scope,
                    "token_field_name": settings.token_field_name,
                    "extra": self._extra,
                    **authentication.identity,
                },
                {"client_secret": client_secret, **authentication.secret_identity},
            ),
            settings,
        )
        # A public client names itself in every request; a confidential one authenticates.
        self._public = authentication.applied is None
        self._hidden_secret = client_secret is not None
        self.client_identification = {"client_id": self.client_id} if self._public else {}
        self.token_endpoint = TokenEndpoint(self.token_url, settings, authentication)
        # The same client authentication as the token requests, without DPoP proofs.
        self.device_endpoint = TokenEndpoint(
            self.device_authorization_url, dataclasses.replace(settings, dpop=None), authentication
        )
        # The device authorization request names the client even when it authenticates
        # (RFC 8628 §3.1; servers such as django-oauth-toolkit require it).
        self._device_form = {"client_id": self.client_id, **self._extra}
        if self.scope:
            self._device_form["scope"] = self.scope

    def __repr__(self) -> str:
        fields: dict[str, Any] = {
            "device_authorization_url": self.device_authorization_url,
            "token_url": self.token_url,
            "client_id": self.client_id,
            "scope": self.scope,
        }
        if self._hidden_secret:
            fields["client_secret"] = HIDDEN
        return self._repr(**fields, extra_parameters=sorted(self._extra))

    def _patience(self) -> float:
        # The leader polls for up to ``timeout``, its last request may take as long again.
        return 2 * self.settings.timeout + PATIENCE_MARGIN

    def _new_token(self, request: Any) -> Generator[Any, Any, Token]:
        response = yield from self.device_endpoint.post(request, self._device_form)
        authorization = device_authorization_from_response(response)
        if self.open_browser and authorization.verification_uri_complete:
            open_quietly(authorization.verification_uri_complete)
        self.display(authorization)
        return (yield from self._poll(request, authorization))

    def _poll(self, request: Any, authorization: DeviceAuthorization) -> Generator[Any, Any, Token]:
        """Poll the token endpoint until the user decided (RFC 8628 §3.4, §3.5)."""
        limit = min(authorization.expires_in, self.settings.timeout)
        deadline = time.time() + limit
        interval = max(authorization.interval, MIN_INTERVAL)
        data = {"grant_type": DEVICE_CODE_GRANT, "device_code": authorization.device_code, **self.client_identification}
        while True:
            yield Sleep(interval)
            response = yield from self.token_endpoint.post(request, data)
            try:
                return self.token_endpoint.token_of(response, self.settings.token_field_name)
            except InvalidGrantRequest as error:
                if error.error == "slow_down":
                    interval += SLOW_DOWN_STEP
                elif error.error != "authorization_pending":
                    raise
            if time.time() + interval > deadline:
                raise TimeoutOccurred(limit)

    def _refresh_token(self, request: Any, refresh_token: str) -> Generator[Any, Any, Token | None]:
        data = {"grant_type": "refresh_token", "refresh_token": refresh_token, **self.client_identification}
        token = yield from self.token_endpoint.request_token(request, data, self.settings.token_field_name)
        return token.keeping(refresh_token)


def _client_auth(parameters: Mapping[str, Any]) -> tuple[str, str | None] | None:
    """What ``ClientAuthentication`` gets as ``client_auth`` from the device grant's
    constructor ``parameters``: nothing for a public client (no secret, no JWT client
    assertion asked for), else the ``(client_id, client_secret)`` pair, whose missing
    secret ``ClientAuthentication`` refuses for the methods that need one."""
    wants_assertion = parameters["client_auth_method"] in (CLIENT_SECRET_JWT, PRIVATE_KEY_JWT) or any(
        parameters[name] is not None for name in ASSERTION_OPTIONS
    )
    if parameters["client_secret"] is None and not wants_assertion:
        return None
    return parameters["client_id"], parameters["client_secret"]
