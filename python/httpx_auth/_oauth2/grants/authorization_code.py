"""The authorization code grant (RFC 6749 §4.1), with or without PKCE (RFC 7636).

The user authorizes in the browser; the code in the reply is exchanged for a token at
the token endpoint. A refresh token in the answer renews the token without the browser.
With PKCE, each authorization draws a new code verifier; the browser only carries its
S256 challenge, and the verifier goes to the token endpoint with the code.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar

from httpx_auth import _validation as check
from httpx_auth._errors import InvalidParameter
from httpx_auth._oauth2 import pkce
from httpx_auth._oauth2.browser.grant import BrowserGrant
from httpx_auth._oauth2.client_assertion import CLIENT_SECRET_JWT, PRIVATE_KEY_JWT
from httpx_auth._oauth2.parameters import HIDDEN, split_extra
from httpx_auth._oauth2.settings import ASSERTION_OPTIONS, ClientAuthentication, RedirectSettings, TokenSettings
from httpx_auth._oauth2.token import Token
from httpx_auth._oauth2.token_endpoint import TokenEndpoint


@dataclass(frozen=True)
class CodeLayout:
    """Where a code grant's parameters go.

    ``query`` goes to the authorization URL, ``body`` to every token request (code
    exchange and refresh), ``hidden_body`` too but kept out of reprs; with
    ``generate_nonce`` each authorization sends a new ``nonce`` (unless ``query`` has one).
    """

    query: Mapping[str, str]
    body: Mapping[str, str]
    hidden_body: Mapping[str, str]
    generate_nonce: bool = False

    @classmethod
    def of(cls, extra: Mapping[str, Any]) -> CodeLayout:
        """The generic grants' layout: public extra parameters everywhere, secrets in the body."""
        public, hidden = split_extra(extra)
        return cls(public, public, hidden)


class CodeGrant(BrowserGrant):
    """The code grants, with (``use_pkce``) or without Proof Key for Code Exchange.

    ``client_auth`` is a (user name, password) pair sent with HTTP Basic to the token
    endpoint. ``parameters`` are the public constructor's (its ``locals()``):
    ``response_type``, ``code_field_name``, the options of ``TokenSettings``,
    ``RedirectSettings`` and the JWT client assertion, and ``kwargs``, the extra keyword
    arguments, which ``_layout`` places. Subclasses (the provider presets) lay their
    parameters out differently by overriding ``_layout``.
    """

    use_pkce: ClassVar[bool] = False

    def __init__(
        self, authorization_url: str, token_url: str, client_auth: tuple[str, str] | None, parameters: Mapping[str, Any]
    ) -> None:
        self.token_url = check.text("token_url", token_url)
        self.code_field_name = check.text("code_field_name", parameters["code_field_name"])
        settings = TokenSettings.of(parameters)
        layout, authentication = _client_authentication(self._layout(parameters["kwargs"]), client_auth, parameters)
        if settings.dpop is not None:  # RFC 9449 §10: the code is bound to the DPoP key
            layout = dataclasses.replace(layout, query={**layout.query, "dpop_jkt": settings.dpop.key.thumbprint})
        self._body = {**layout.body, **layout.hidden_body}
        self._body_names = sorted(self._body)
        self.username = client_auth[0] if client_auth else None
        super().__init__(
            authorization_url,
            identity={
                "token_url": self.token_url,
                "token_field_name": settings.token_field_name,
                "body": dict(layout.body),
                "username": self.username,
                **authentication.identity,
            },
            secret_identity={
                "body": dict(layout.hidden_body),
                "password": client_auth[1] if client_auth else None,
                **authentication.secret_identity,
            },
            grant_field=self.code_field_name,
            response_type=parameters["response_type"],
            query=layout.query,
            generate_nonce=layout.generate_nonce,
            redirect=RedirectSettings.of(parameters),
            settings=settings,
        )
        self.token_endpoint = TokenEndpoint(self.token_url, settings, authentication)

    def _layout(self, extra: Mapping[str, Any]) -> CodeLayout:
        """Where the constructor's extra keyword arguments go (the presets override it)."""
        return CodeLayout.of(extra)

    def __repr__(self) -> str:
        fields: dict[str, Any] = {
            "authorization_url": self.authorization_url,
            "token_url": self.token_url,
            "redirect_uri": self.redirect_uri,
            "response_type": self.response_type,
        }
        if self.username is not None:
            fields.update(username=self.username, password=HIDDEN)
        fields["token_parameters"] = self._body_names
        return self._repr(**fields)

    @property
    def token_data(self) -> dict[str, str]:
        """The body of the code exchange, before the code (and PKCE verifier) are added."""
        return {"grant_type": "authorization_code", "redirect_uri": self.redirect_uri, **self._body}

    @property
    def refresh_data(self) -> dict[str, str]:
        """The body of a refresh, before the refresh token is added."""
        return {**self._body, "grant_type": "refresh_token"}

    def _new_token(self, request: Any) -> Generator[Any, Any, Token]:
        extra: dict[str, str] = {}
        data = self.token_data
        if self.use_pkce:
            # A new verifier for each authorization; only its challenge goes through the browser.
            verifier = pkce.new_code_verifier()
            extra = {"code_challenge": pkce.code_challenge(verifier), "code_challenge_method": "S256"}
            data["code_verifier"] = verifier
        fields = yield from self._authorize(extra, origin=request)
        data["code"] = fields[self.code_field_name]
        assert self.token_endpoint is not None
        return (yield from self.token_endpoint.request_token(request, data, self.settings.token_field_name))

    def _refresh_token(self, request: Any, refresh_token: str) -> Generator[Any, Any, Token | None]:
        # Like the code exchange, the refresh carries the extra parameters (client_id...).
        assert self.token_endpoint is not None
        data = {**self.refresh_data, "refresh_token": refresh_token}
        token = yield from self.token_endpoint.request_token(request, data, self.settings.token_field_name)
        return token.keeping(refresh_token)


def _client_authentication(
    layout: CodeLayout, client_auth: tuple[str, str] | None, parameters: Mapping[str, Any]
) -> tuple[CodeLayout, ClientAuthentication]:
    """How a code grant authenticates at its token endpoint: HTTP Basic with ``client_auth``
    (and ``client_id`` / ``client_secret`` in the body if given, as before), or a JWT client
    assertion when ``parameters`` name one (``client_auth_method`` and its options): then
    the ``client_id`` of the extra parameters is the assertion's, and for
    ``client_secret_jwt`` the ``client_secret`` signs it instead of being sent."""
    method = parameters.get("client_auth_method")
    if method is None:
        given = sorted(name for name in ASSERTION_OPTIONS if parameters.get(name) is not None)
        if given:
            raise InvalidParameter(f"{', '.join(given)} need client_auth_method='private_key_jwt' or 'client_secret_jwt'.")
        return layout, ClientAuthentication(client_auth)
    if method not in (CLIENT_SECRET_JWT, PRIVATE_KEY_JWT):
        raise InvalidParameter(f"client_auth_method must be 'private_key_jwt' or 'client_secret_jwt' here, not {method!r}.")
    if client_auth is not None:
        raise InvalidParameter(f"client_auth_method={method!r} replaces username and password: give one or the other.")
    client_id = layout.body.get("client_id")
    if client_id is None:
        raise InvalidParameter(f"client_auth_method={method!r} needs a client_id.")
    hidden = dict(layout.hidden_body)
    secret = hidden.pop("client_secret", None)
    if method == CLIENT_SECRET_JWT and secret is None:
        raise InvalidParameter("client_auth_method='client_secret_jwt' needs a client_secret.")
    auth: Any = client_id if method == PRIVATE_KEY_JWT else (client_id, secret)
    if method == PRIVATE_KEY_JWT and secret is not None:
        raise InvalidParameter("client_auth_method='private_key_jwt' signs with private_key: give no client_secret.")
    layout = dataclasses.replace(layout, hidden_body=hidden)
    return layout, ClientAuthentication.of(parameters, client_auth=auth)


def basic_credentials(username: str | None, password: str | None) -> tuple[str, str] | None:
    """The (user name, password) pair for the token endpoint, if any."""
    if username is None and password is None:
        return None
    if username is None or password is None:
        raise InvalidParameter("username and password go together: give both, or neither.")
    username = check.text("username", username)
    if ":" in username:
        raise InvalidParameter("username must not contain ':' (RFC 7617).")
    return username, check.text("password", password, allow_empty=True)


class OAuth2AuthorizationCode(CodeGrant):
    """Authorization code grant (RFC 6749 §4.1).

    Parameters:
        authorization_url: the authorization endpoint.
        token_url: the token endpoint.
        redirect_uri_domain: host name of the redirect URI (``localhost``).
        redirect_uri_endpoint: path of the redirect URI (empty).
        redirect_uri_port: port of the redirect URI, where the reply is awaited (5000).
        timeout: seconds to wait for the reply, and for each token request (60).
        header_name: header carrying the token (``Authorization``).
        header_value: its value, ``{token}`` being replaced (``Bearer {token}``).
        response_type: sent unless the authorization URL has one (``code``).
        token_field_name: field of the token response holding the token (``access_token``).
        early_expiry: seconds before expiry from which a token is renewed (30).
        code_field_name: field of the reply holding the code (``code``).
        username, password: sent with HTTP Basic to the token endpoint, when given.
        client: an httpx client that sends the token requests.
        client_auth_method: ``"private_key_jwt"`` or ``"client_secret_jwt"`` to authenticate
            at the token endpoint with a JWT client assertion (the ``client_id`` given
            below is its issuer); ``None`` (the default) sends ``client_id`` and
            ``client_secret`` as body parameters.
        private_key, key_id, signing_algorithm, assertion_audience: the JWT client
            assertion (see ``docs/service-auth.md``).
        dpop: ``True`` or a ``DPoPKey``: DPoP-bound tokens (see ``GrantAuth``).
        retry_on_invalid_token: on a cached token answered 401 invalid_token (RFC 6750), get a
            new token and send the request once more (``True``).
        **kwargs: sent in the authorization URL and in the token requests (``client_id``,
            ``nonce``...); ``scope`` may be a list. Secrets (``client_secret``) go to the
            token endpoint only, never through the browser.
    """

    grant_type = "authorization_code"

    def __init__(
        self,
        authorization_url: str,
        token_url: str,
        *,
        redirect_uri_domain: str = "localhost",
        redirect_uri_endpoint: str = "",
        redirect_uri_port: int = 5000,
        timeout: float = 60,
        header_name: str = "Authorization",
        header_value: str = "Bearer {token}",
        response_type: str = "code",
        token_field_name: str = "access_token",
        early_expiry: float = 30.0,
        code_field_name: str = "code",
        username: str | None = None,
        password: str | None = None,
        client: Any = None,
        client_auth_method: str | None = None,
        private_key: Any = None,
        key_id: str | None = None,
        signing_algorithm: str | None = None,
        assertion_audience: str | None = None,
        dpop: Any = None,
        retry_on_invalid_token: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(authorization_url, token_url, basic_credentials(username, password), locals())


class OAuth2AuthorizationCodePKCE(CodeGrant):
    """Authorization code grant with PKCE (RFC 7636, S256 challenge).

    Parameters: as ``OAuth2AuthorizationCode``, without ``username`` and ``password``
    (``client_auth_method``, ``private_key``... and ``dpop`` included).
    """

    grant_type = "authorization_code_pkce"
    use_pkce = True

    def __init__(
        self,
        authorization_url: str,
        token_url: str,
        *,
        redirect_uri_domain: str = "localhost",
        redirect_uri_endpoint: str = "",
        redirect_uri_port: int = 5000,
        timeout: float = 60,
        header_name: str = "Authorization",
        header_value: str = "Bearer {token}",
        response_type: str = "code",
        token_field_name: str = "access_token",
        early_expiry: float = 30.0,
        code_field_name: str = "code",
        client: Any = None,
        client_auth_method: str | None = None,
        private_key: Any = None,
        key_id: str | None = None,
        signing_algorithm: str | None = None,
        assertion_audience: str | None = None,
        dpop: Any = None,
        retry_on_invalid_token: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(authorization_url, token_url, None, locals())
