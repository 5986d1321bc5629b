"""Every error httpx_auth raises. None of them ever carries a secret."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from httpx_auth._compat import HTTP_ERROR_BASES, also_httpx2

# RFC 6749 §5.2 and §4.1.2.1 standard error codes, explained for humans.
_STANDARD_ERRORS = {
    "invalid_request": "The request is missing a required parameter, includes an "
    "unsupported parameter value (other than grant type), repeats a parameter, "
    "includes multiple credentials, utilizes more than one mechanism for "
    "authenticating the client, or is otherwise malformed.",
    "invalid_client": "Client authentication failed (e.g., unknown client, no client "
    "authentication included, or unsupported authentication method).",
    "invalid_grant": "The provided authorization grant (e.g., authorization code, "
    "resource owner credentials) or refresh token is invalid, expired, revoked, does "
    "not match the redirection URI used in the authorization request, or was issued "
    "to another client.",
    "unauthorized_client": "The authenticated client is not authorized to use this "
    "authorization grant type.",
    "unsupported_grant_type": "The authorization grant type is not supported by the "
    "authorization server.",
    "invalid_scope": "The requested scope is invalid, unknown, malformed, or exceeds "
    "the scope granted by the resource owner.",
    "access_denied": "The resource owner or authorization server denied the request.",
    "unsupported_response_type": "The authorization server does not support obtaining "
    "an authorization code or an access token using this method.",
    "server_error": "The authorization server encountered an unexpected condition that "
    "prevented it from fulfilling the request.",
    "temporarily_unavailable": "The authorization server is currently unable to handle "
    "the request due to a temporary overloading or maintenance of the server.",
    # RFC 8628 §3.5 (device authorization grant).
    "expired_token": "The device code expired before the user approved the request: "
    "start the device authorization again.",
}


def _names(fields: Iterable[str]) -> str:
    # Only the names of what was received: values may be secrets.
    return ", ".join(sorted(fields)) or "nothing"


@also_httpx2("HTTPError")
class HttpxAuthException(*HTTP_ERROR_BASES):  # type: ignore[misc]
    """Base class of every httpx_auth error (an ``httpx.HTTPError``)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


class InvalidParameter(HttpxAuthException, ValueError):
    """An auth object was given a missing, empty or malformed argument."""


class GrantNotProvided(HttpxAuthException):
    """The authorization server's answer did not contain the expected field."""

    def __init__(self, grant_name: str, received_fields: Iterable[str] = ()) -> None:
        self.grant_name = grant_name
        super().__init__(f"{grant_name} not provided within the reply ({_names(received_fields)}).")


class TimeoutOccurred(HttpxAuthException):
    """No authorization reply arrived in time."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        super().__init__(f"User authentication was not received within {timeout} seconds.")


class AuthenticationFailed(HttpxAuthException):
    """The user could not be authenticated."""

    def __init__(self, reason: str = "User was not authenticated.") -> None:
        super().__init__(reason)


class StateNotProvided(HttpxAuthException):
    """The authorization reply carried no (or the wrong) ``state``."""

    def __init__(self, received_fields: Iterable[str] = (), reason: str | None = None) -> None:
        super().__init__(reason or f"state not provided within the reply ({_names(received_fields)}).")


class InvalidToken(HttpxAuthException):
    """A token could not be read (for example, a malformed JWT)."""

    def __init__(self, token_name: str, reason: str = "") -> None:
        self.token_name = token_name
        super().__init__(f"{token_name} is invalid." + (f" {reason}" if reason else ""))


class TokenExpiryNotProvided(HttpxAuthException):
    """A token's expiry could not be determined."""

    def __init__(self, received_fields: Iterable[str] = ()) -> None:
        super().__init__(f"Expiry (exp) is not provided in the token ({_names(received_fields)}).")


class InvalidGrantRequest(HttpxAuthException):
    """The authorization server refused the request (RFC 6749 §5.2 / §4.1.2.1).

    ``error`` is the error code; like the original library, the first argument may also
    be the server's answer (an httpx response) or its fields (a mapping), from which the
    code, description and URI are read.
    """

    def __init__(
        self,
        error: Any,
        error_description: str | None = None,
        error_uri: str | None = None,
        status_code: int | None = None,
    ) -> None:
        if not isinstance(error, str):
            status_code = getattr(error, "status_code", status_code)
            fields = error if isinstance(error, Mapping) else _answer_fields(error)
            error = str(fields.get("error") or "invalid_request")
            error_description = _field(fields, "error_description", error_description)
            error_uri = _field(fields, "error_uri", error_uri)
        self.error = error
        self.error_description = error_description
        self.error_uri = error_uri
        self.status_code = status_code
        message = f"{error}: {error_description or _STANDARD_ERRORS.get(error, 'no description given.')}"
        if error_uri:
            message += f"\nMore information can be found on {error_uri}"
        super().__init__(message)


def _field(fields: Mapping[str, Any], name: str, default: str | None) -> str | None:
    value = fields.get(name)
    return default if value is None else str(value)


def _answer_fields(response: Any) -> Mapping[str, Any]:
    """The fields of a token endpoint's answer, or none when it is unreadable."""
    from httpx_auth._oauth2.token_response import response_fields  # it imports this module

    try:
        return response_fields(response)
    except Exception:  # unreadable or unread: an answer without fields
        return {}


class RedirectPortUnavailable(HttpxAuthException):
    """The local server that receives the authorization reply could not listen on its port."""

    def __init__(self, port: int, reason: str) -> None:
        self.port = port
        super().__init__(
            f"Cannot listen on port {port} for the authorization reply: {reason}. "
            "Choose another redirect_uri_port (and register the matching redirect URI "
            "with the authorization server), or stop the program using this port."
        )


class InvalidTokenResponse(InvalidGrantRequest):
    """The token endpoint's answer is not a usable token response (an HTML error page,
    invalid JSON, a field of the wrong type, an implausible ``expires_in``...).

    An ``InvalidGrantRequest`` too, so that code catching the refusals of the original
    library catches these answers as before; its ``error`` is
    ``"invalid_token_response"`` (no RFC 6749 code: the answer carried none)."""

    def __init__(self, reason: str, status_code: int | None = None) -> None:
        self.reason = reason
        self.error = "invalid_token_response"
        self.error_description = reason
        self.error_uri = None
        self.status_code = status_code
        HttpxAuthException.__init__(self, f"Invalid token response: {reason}")


class InvalidDiscoveryDocument(HttpxAuthException):
    """An issuer's discovery document (OpenID Connect Discovery / RFC 8414) is missing,
    unreadable, names another issuer, or lacks an endpoint the grant needs."""

    def __init__(self, issuer: str, reason: str) -> None:
        self.issuer = issuer
        self.reason = reason
        super().__init__(f"Discovery of {issuer} failed: {reason}")
