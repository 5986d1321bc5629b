"""Basic, HeaderApiKey and QueryApiKey with httpx and httpx2, sync and async."""

from __future__ import annotations

import base64
from types import ModuleType
from typing import Any

import pytest

import httpx_auth
from httpx_auth import HttpxAuthException, InvalidParameter


def send(http: ModuleType, echo: Any, auth: Any, url: str = "https://example.com/path") -> dict[str, Any]:
    with http.Client(transport=echo) as client:
        return client.get(url, auth=auth).json()  # type: ignore[no-any-return]


async def send_async(http: ModuleType, echo: Any, auth: Any, url: str = "https://example.com/path") -> dict[str, Any]:
    async with http.AsyncClient(transport=echo) as client:
        return (await client.get(url, auth=auth)).json()  # type: ignore[no-any-return]


def test_basic_sets_the_authorization_header(http: ModuleType, echo: Any) -> None:
    sent = send(http, echo, httpx_auth.Basic("aladdin", "opensesame"))
    assert sent["headers"]["authorization"] == "Basic YWxhZGRpbjpvcGVuc2VzYW1l"  # RFC 7617 §2


async def test_basic_with_async_client(http: ModuleType, echo: Any) -> None:
    sent = await send_async(http, echo, httpx_auth.Basic("aladdin", "opensesame"))
    assert sent["headers"]["authorization"] == "Basic YWxhZGRpbjpvcGVuc2VzYW1l"


def test_basic_encodes_unicode_as_utf8(http: ModuleType, echo: Any) -> None:
    sent = send(http, echo, httpx_auth.Basic("test", "123£"))
    assert sent["headers"]["authorization"] == "Basic " + base64.b64encode("test:123£".encode()).decode()


def test_basic_allows_an_empty_password(http: ModuleType, echo: Any) -> None:
    sent = send(http, echo, httpx_auth.Basic("token", ""))
    assert sent["headers"]["authorization"] == "Basic dG9rZW46"


def test_header_api_key_default_header(http: ModuleType, echo: Any) -> None:
    sent = send(http, echo, httpx_auth.HeaderApiKey("my_key"))
    assert sent["headers"]["x-api-key"] == "my_key"


async def test_header_api_key_custom_header_async(http: ModuleType, echo: Any) -> None:
    sent = await send_async(http, echo, httpx_auth.HeaderApiKey("my_key", header_name="X-Secret"))
    assert sent["headers"]["x-secret"] == "my_key"
    assert "x-api-key" not in sent["headers"]


def test_query_api_key_default_parameter(http: ModuleType, echo: Any) -> None:
    sent = send(http, echo, httpx_auth.QueryApiKey("my_key"))
    assert sent["url"] == "https://example.com/path?api_key=my_key"


async def test_query_api_key_custom_parameter_async(http: ModuleType, echo: Any) -> None:
    sent = await send_async(http, echo, httpx_auth.QueryApiKey("my_key", query_parameter_name="token"))
    assert sent["url"] == "https://example.com/path?token=my_key"


def test_query_api_key_keeps_the_existing_query_byte_for_byte(http: ModuleType, echo: Any) -> None:
    sent = send(http, echo, httpx_auth.QueryApiKey("k&y=z"), url="https://example.com/?a=%2F&b=1+2&c")
    assert sent["url"] == "https://example.com/?a=%2F&b=1+2&c&api_key=k%26y%3Dz"


@pytest.mark.parametrize(
    ("factory", "parameter"),
    [
        (lambda: httpx_auth.HeaderApiKey(""), "api_key"),
        (lambda: httpx_auth.HeaderApiKey(None), "api_key"),  # type: ignore[arg-type]
        (lambda: httpx_auth.HeaderApiKey("key", header_name=""), "header_name"),
        (lambda: httpx_auth.HeaderApiKey("key", header_name=42), "header_name"),  # type: ignore[arg-type]
        (lambda: httpx_auth.HeaderApiKey("key", header_name="X Key"), "header_name"),
        (lambda: httpx_auth.HeaderApiKey("key\r\nX-Injected: 1"), "api_key"),
        (lambda: httpx_auth.QueryApiKey(""), "api_key"),
        (lambda: httpx_auth.QueryApiKey("key", query_parameter_name=""), "query_parameter_name"),
        (lambda: httpx_auth.Basic(None, "password"), "username"),  # type: ignore[arg-type]
        (lambda: httpx_auth.Basic("", "password"), "username"),
        (lambda: httpx_auth.Basic("user:name", "password"), "username"),
        (lambda: httpx_auth.Basic("user", None), "password"),  # type: ignore[arg-type]
    ],
)
def test_bad_arguments_raise_an_error_naming_the_parameter(factory: Any, parameter: str) -> None:
    with pytest.raises(InvalidParameter, match=parameter) as error:
        factory()
    assert isinstance(error.value, HttpxAuthException)
    assert isinstance(error.value, (TypeError, ValueError))


def test_wrong_types_are_type_errors() -> None:
    with pytest.raises(TypeError, match="api_key must be a string, not int"):
        httpx_auth.HeaderApiKey(12)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "auth",
    [
        httpx_auth.Basic("user", "s3cr3t-value"),
        httpx_auth.HeaderApiKey("s3cr3t-value"),
        httpx_auth.QueryApiKey("s3cr3t-value"),
        httpx_auth.HeaderApiKey("s3cr3t-value") + httpx_auth.Basic("user", "s3cr3t-value"),
    ],
)
def test_secrets_never_show_in_repr(auth: Any) -> None:
    assert "s3cr3t-value" not in repr(auth)
    assert "s3cr3t-value" not in str(auth)


def test_repr_shows_what_is_not_secret() -> None:
    assert repr(httpx_auth.Basic("user", "pw")) == "Basic(username='user', password=<hidden>)"
    assert "X-Secret" in repr(httpx_auth.HeaderApiKey("k", header_name="X-Secret"))


def test_every_auth_is_accepted_by_both_libraries(http: ModuleType) -> None:
    for auth in (httpx_auth.Basic("u", "p"), httpx_auth.HeaderApiKey("k"), httpx_auth.QueryApiKey("k")):
        assert isinstance(auth, http.Auth)


@pytest.mark.parametrize("value", [b"\xff\xfe", "key\ud800"])
def test_text_that_is_not_utf8_is_refused_without_echoing_it(value: Any) -> None:
    with pytest.raises(InvalidParameter, match="api_key must be UTF-8 text") as error:
        httpx_auth.HeaderApiKey(value)
    assert "\\xff" not in str(error.value) and "\\ud800" not in str(error.value)
