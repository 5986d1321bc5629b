"""OAuth2: the grants, the token caches and what they share.

The module map (one idea per module):

- ``settings``: the frozen option objects built by the public constructors
  (``TokenSettings``, ``RedirectSettings``, ``ClientAuthentication``) and ``OAuth2``.
- ``grant``: ``GrantAuth``, the private base of every OAuth2 auth, and its hook contract.
- ``single_flight``: one token acquisition per missing token, however many requests wait.
- ``cache_key``, ``parameters``, ``token``, ``token_header``, ``token_response``,
  ``token_endpoint``, ``pkce``: the pieces the grants are made of.
- ``client_assertion`` (the client-authentication methods, by name), ``signed_jwt``
  (JWT signing keys, with PyJWT) and ``dpop`` (DPoP keys, nonces and proofs).
- ``caches/``: the token caches (``memory``, ``file``, ``redis`` with ``redis_protocol``).
- ``grants/``: the generic grants (``form`` is the base of the token-endpoint-only ones).
- ``browser/``: the browser grants' base and machinery (imported lazily where heavy).
- ``presets``: the provider presets (Okta, Microsoft Entra, WakaTime).
- ``device_authorization``: the device authorization answer and telling the user (RFC 8628).
- ``rejection``, ``revocation``, ``discovery``, ``id_token``: the token lifecycle and
  OpenID Connect (RFC 6750 §3.1 retry, RFC 7009, ``from_issuer``, ID token checks).
"""

from __future__ import annotations

from httpx_auth._oauth2.browser.display import DisplaySettings
from httpx_auth._oauth2.caches.file import JsonTokenFileCache
from httpx_auth._oauth2.caches.memory import TokenMemoryCache
from httpx_auth._oauth2.caches.redis import RedisTokenCache
from httpx_auth._oauth2.device_authorization import DeviceAuthorization
from httpx_auth._oauth2.dpop import DPoPKey
from httpx_auth._oauth2.grants.authorization_code import OAuth2AuthorizationCode, OAuth2AuthorizationCodePKCE
from httpx_auth._oauth2.grants.client_credentials import OAuth2ClientCredentials
from httpx_auth._oauth2.grants.device_code import OAuth2DeviceCode
from httpx_auth._oauth2.grants.implicit import OAuth2Implicit
from httpx_auth._oauth2.grants.jwt_bearer import OAuth2JwtBearer
from httpx_auth._oauth2.grants.resource_owner_password import OAuth2ResourceOwnerPasswordCredentials
from httpx_auth._oauth2.grants.token_exchange import OAuth2TokenExchange
from httpx_auth._oauth2.presets import (
    AzureActiveDirectoryDeviceCode,
    AzureActiveDirectoryImplicit,
    AzureActiveDirectoryImplicitIdToken,
    OktaAuthorizationCode,
    OktaAuthorizationCodePKCE,
    OktaClientCredentials,
    OktaDeviceCode,
    OktaImplicit,
    OktaImplicitIdToken,
    OktaResourceOwnerPasswordCredentials,
    WakaTimeAuthorizationCode,
)
from httpx_auth._oauth2.settings import OAuth2

# Not public (not in __all__): the pieces the test suite and the benchmarks build grants from.
from httpx_auth._oauth2.cache_key import make_cache_key as make_cache_key
from httpx_auth._oauth2.grant import GrantAuth as GrantAuth
from httpx_auth._oauth2.parameters import scope_text as scope_text
from httpx_auth._oauth2.settings import ClientAuthentication as ClientAuthentication
from httpx_auth._oauth2.settings import RedirectSettings as RedirectSettings
from httpx_auth._oauth2.settings import TokenSettings as TokenSettings
from httpx_auth._oauth2.token import Token as Token
from httpx_auth._oauth2.token_endpoint import TokenEndpoint as TokenEndpoint
from httpx_auth._oauth2.token_endpoint import build_request as build_request
from httpx_auth._oauth2.token_response import token_from_fields as token_from_fields
from httpx_auth._oauth2.token_response import token_from_response as token_from_response

# The public OAuth2 names: ``httpx_auth`` exports exactly these (``from ... import *``).
__all__ = [
    "AzureActiveDirectoryDeviceCode",
    "AzureActiveDirectoryImplicit",
    "AzureActiveDirectoryImplicitIdToken",
    "DPoPKey",
    "DeviceAuthorization",
    "DisplaySettings",
    "JsonTokenFileCache",
    "OAuth2",
    "OAuth2AuthorizationCode",
    "OAuth2AuthorizationCodePKCE",
    "OAuth2ClientCredentials",
    "OAuth2DeviceCode",
    "OAuth2Implicit",
    "OAuth2JwtBearer",
    "OAuth2ResourceOwnerPasswordCredentials",
    "OAuth2TokenExchange",
    "OktaAuthorizationCode",
    "OktaAuthorizationCodePKCE",
    "OktaClientCredentials",
    "OktaDeviceCode",
    "OktaImplicit",
    "OktaImplicitIdToken",
    "OktaResourceOwnerPasswordCredentials",
    "RedisTokenCache",
    "TokenMemoryCache",
    "WakaTimeAuthorizationCode",
]
