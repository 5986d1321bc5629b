"""The option objects are built from the public constructors' parameters (``of(locals())``)
and the presets pass theirs on (``forwarded``): every option a constructor offers must
arrive where it is used, under whatever name the object gives it."""

from __future__ import annotations

import dataclasses
import inspect
from dataclasses import dataclass, field
from typing import Any, Callable

import pytest

import httpx_auth
from httpx_auth._oauth2.dpop import DPoP
from httpx_auth._oauth2.parameters import forwarded
from httpx_auth._oauth2.settings import ClientAuthentication, FromParameters, RedirectSettings, TokenSettings, parameter


@dataclass(frozen=True)
class Options(FromParameters):
    plain: int = 1
    renamed: str = field(default="a", metadata=parameter("public_name"))
    computed: str = field(init=False, default="c")


def test_of_picks_each_field_by_its_parameter_name() -> None:
    built = Options.of({"plain": 2, "public_name": "b", "renamed": "not this one", "computed": "x", "self": object()})
    assert (built.plain, built.renamed, built.computed) == (2, "b", "c")


def test_of_keeps_the_defaults_of_absent_parameters_and_given_values_win() -> None:
    assert Options.of({}) == Options()
    assert Options.of({"plain": 2, "public_name": "b"}, plain=3) == Options(3, "b")


def test_of_on_the_real_objects() -> None:
    def constructor(redirect_uri_port: int = 5123, timeout: float = 9, client_auth_method: str = "client_secret_post") -> Any:
        return locals()

    given = constructor()
    assert RedirectSettings.of(given) == RedirectSettings(port=5123, timeout=9.0)
    assert TokenSettings.of(given) == TokenSettings(timeout=9.0)
    assert ClientAuthentication.of(given, client_auth=("id", "s")).method == "client_secret_post"


def test_forwarded_takes_the_keyword_only_parameters_of_the_target() -> None:
    def target(url: str, *, a: int = 0, b: int = 0, **kwargs: Any) -> None: ...

    assert forwarded({"url": "u", "a": 1, "b": 2, "c": 3, "kwargs": {}}, target) == {"a": 1, "b": 2}
    assert forwarded({"a": 1}, target) == {"a": 1}


class _Client:
    def send(self, request: Any) -> Any: ...


# A value for each option that differs from every default, and how to read it back.
PROBES: dict[str, tuple[Any, Callable[[Any], Any], Any]] = {
    "header_name": ("X-Probe", lambda a: a.settings.header_name, "X-Probe"),
    "header_value": ("Probe {token}", lambda a: a.settings.header_value, "Probe {token}"),
    "early_expiry": (7, lambda a: a.settings.early_expiry, 7.0),
    "timeout": (11, lambda a: a.settings.timeout, 11.0),
    "token_field_name": ("probe_token", lambda a: a.settings.token_field_name, "probe_token"),
    "retry_on_invalid_token": (False, lambda a: a.settings.retry_on_invalid_token, False),
    "client": (_Client(), lambda a: type(a.settings.client), _Client),
    "dpop": (True, lambda a: type(a.settings.dpop), DPoP),
    "redirect_uri_domain": ("127.0.0.1", lambda a: a.redirect.domain, "127.0.0.1"),
    "redirect_uri_endpoint": ("probe", lambda a: a.redirect.endpoint, "probe"),
    "redirect_uri_port": (5123, lambda a: a.redirect.port, 5123),
    "client_auth_method": ("client_secret_post", lambda a: a.token_endpoint.authentication.method, "client_secret_post"),
}

# The arguments each public OAuth2 class needs, besides the probed option.
URL = "https://as.example/token"
REQUIRED: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {
    "OAuth2ClientCredentials": ((URL, "cid", "secret"), {}),
    "OAuth2ResourceOwnerPasswordCredentials": ((URL, "u", "p"), {"client_auth": ("cid", "s")}),
    "OAuth2TokenExchange": ((URL, "subject", "jwt"), {"client_auth": ("cid", "s")}),
    "OAuth2JwtBearer": ((URL,), {"assertion": lambda: "a", "client_auth": ("cid", "s")}),
    "OAuth2DeviceCode": (("https://as.example/device", URL, "cid"), {"client_secret": "s"}),
    "OAuth2AuthorizationCode": (("https://as.example/auth", URL), {}),
    "OAuth2AuthorizationCodePKCE": (("https://as.example/auth", URL), {}),
    "OAuth2Implicit": (("https://as.example/auth",), {}),
    "OktaAuthorizationCode": (("dev.okta.example", "cid"), {}),
    "OktaAuthorizationCodePKCE": (("dev.okta.example", "cid"), {}),
    "OktaImplicit": (("dev.okta.example", "cid"), {}),
    "OktaImplicitIdToken": (("dev.okta.example", "cid"), {}),
    "AzureActiveDirectoryImplicit": (("tenant", "cid"), {}),
    "AzureActiveDirectoryImplicitIdToken": (("tenant", "cid"), {}),
    "WakaTimeAuthorizationCode": (("cid", "secret", "email"), {}),
    "OktaClientCredentials": (("dev.okta.example", "cid", "s"), {"scope": "s"}),
    "OktaResourceOwnerPasswordCredentials": (("dev.okta.example", "u", "p", "cid", "s"), {}),
    "OktaDeviceCode": (("dev.okta.example", "cid"), {"client_secret": "s"}),
    "AzureActiveDirectoryDeviceCode": (("tenant", "cid"), {"client_secret": "s"}),
}


# The presets whose generic grant's options all travel through their ``**kwargs``.
THROUGH_KWARGS = {
    "OktaClientCredentials": "OAuth2ClientCredentials",
    "OktaResourceOwnerPasswordCredentials": "OAuth2ResourceOwnerPasswordCredentials",
    "OktaDeviceCode": "OAuth2DeviceCode",
    "AzureActiveDirectoryDeviceCode": "OAuth2DeviceCode",
}


def _offered(name: str) -> list[str]:
    """The probed options the class ``name`` takes."""
    signature = inspect.signature(getattr(httpx_auth, THROUGH_KWARGS.get(name, name)))
    options = [option for option in signature.parameters if option in PROBES]
    if name.startswith(("OAuth2AuthorizationCode", "Okta", "WakaTime")) and name not in THROUGH_KWARGS:
        # The code grants' client_auth_method names a JWT method only (see test_code_grant_assertion).
        options = [option for option in options if option != "client_auth_method"]
    return options


def test_every_public_oauth2_class_is_probed() -> None:
    grants = {
        name for name in httpx_auth.__all__
        if inspect.isclass(getattr(httpx_auth, name)) and issubclass(getattr(httpx_auth, name), httpx_auth._oauth2.GrantAuth)
    }
    assert grants == set(REQUIRED)


@pytest.mark.parametrize(("name", "option"), [(name, option) for name in sorted(REQUIRED) for option in _offered(name)])
def test_each_option_reaches_the_object_that_holds_it(name: str, option: str) -> None:
    args, kwargs = REQUIRED[name]
    value, read, expected = PROBES[option]
    assert read(getattr(httpx_auth, name)(*args, **{**kwargs, option: value})) == expected
    assert read(getattr(httpx_auth, name)(*args, **kwargs)) != expected  # not the default: it did travel


def test_the_probes_are_all_used() -> None:
    used = {option for name in REQUIRED for option in _offered(name)}
    assert used == set(PROBES)


def test_every_option_has_a_probe() -> None:
    # A new option needs a probe here, so that the test above follows it through every constructor.
    options = {f.metadata.get("parameter", f.name) for cls in (TokenSettings, RedirectSettings) for f in dataclasses.fields(cls) if f.init}
    assert options <= set(PROBES)
