"""Reading token endpoint answers: formats, RFC 6749 §5.2 errors, garbage, expiry."""

from __future__ import annotations

import time
from types import ModuleType
from typing import Any

import pytest
import time_machine

from httpx_auth import (
    GrantNotProvided,
    HttpxAuthException,
    InvalidGrantRequest,
    InvalidToken,
    InvalidTokenResponse,
    TokenExpiryNotProvided,
)
from httpx_auth._oauth2 import token_from_fields, token_from_response
from httpx_auth._oauth2.token import MAX_LIFETIME, Token, expiry_from_expires_in
from oauth2_fakes import jwt

NOW = 1_700_000_000.0


def response(http: ModuleType, content: bytes | str, content_type: str | None, status: int = 200) -> Any:
    headers = {"content-type": content_type} if content_type else {}
    return http.Response(status, content=content.encode() if isinstance(content, str) else content, headers=headers)


@time_machine.travel(NOW, tick=False)
def test_json_answer(http: ModuleType) -> None:
    answer = http.Response(200, json={"access_token": "abc", "expires_in": 3600, "refresh_token": "r", "token_type": "Bearer"})
    assert token_from_response(answer) == Token("abc", NOW + 3600, "r", lifetime=3600)


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "text/plain; charset=utf-8", "text/html"])
def test_form_answers(http: ModuleType, content_type: str) -> None:
    answer = response(http, "access_token=abc&expires_in=60&scope=a+b", content_type)
    assert token_from_response(answer) == Token("abc", NOW + 60, lifetime=60)


def test_json_without_content_type(http: ModuleType) -> None:
    assert token_from_response(response(http, '{"access_token": "abc"}', None)).access_token == "abc"


def test_vendor_json_content_type(http: ModuleType) -> None:
    answer = response(http, '{"access_token": "abc"}', "application/vnd.example+json")
    assert token_from_response(answer).access_token == "abc"


def test_custom_token_field(http: ModuleType) -> None:
    answer = http.Response(200, json={"id_token": "the-id", "access_token": "other"})
    assert token_from_response(answer, "id_token").access_token == "the-id"


def test_no_expiry_means_kept_until_replaced(http: ModuleType) -> None:
    token = token_from_response(http.Response(200, json={"access_token": "abc"}))
    assert token.expiry is None
    assert not token.expires_within(10 * 365 * 24 * 3600)


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("expires_in", [0, 10, 10.5, "3600", " 42 ", "1e3"])
def test_expires_in_numbers_and_numeric_strings(http: ModuleType, expires_in: Any) -> None:
    token = token_from_response(http.Response(200, json={"access_token": "abc", "expires_in": expires_in}))
    assert token.expiry == NOW + float(expires_in)


@pytest.mark.parametrize(
    "expires_in", [-1, "-5", "soon", True, [3600], {"s": 1}, MAX_LIFETIME + 1, 1e308, "nan", "inf"]
)
def test_implausible_expires_in_is_refused(http: ModuleType, expires_in: Any) -> None:
    answer = http.Response(200, json={"access_token": "secret-token", "expires_in": expires_in})
    with pytest.raises(InvalidTokenResponse, match="expires_in") as error:
        token_from_response(answer)
    assert "secret-token" not in str(error.value)


def test_rfc6749_error_response(http: ModuleType) -> None:
    answer = http.Response(
        400,
        json={"error": "invalid_client", "error_description": "Unknown client.", "error_uri": "https://as/doc"},
    )
    with pytest.raises(InvalidGrantRequest) as error:
        token_from_response(answer)
    assert (error.value.error, error.value.error_description, error.value.error_uri) == (
        "invalid_client",
        "Unknown client.",
        "https://as/doc",
    )
    assert error.value.status_code == 400
    assert "Unknown client." in str(error.value) and "https://as/doc" in str(error.value)


def test_error_without_description_uses_the_standard_one(http: ModuleType) -> None:
    with pytest.raises(InvalidGrantRequest, match="Client authentication failed") as error:
        token_from_response(http.Response(401, json={"error": "invalid_client"}))
    assert error.value.error_description is None and error.value.error_uri is None


def test_form_encoded_error(http: ModuleType) -> None:
    answer = response(http, "error=invalid_scope&error_description=nope", "application/x-www-form-urlencoded", 400)
    with pytest.raises(InvalidGrantRequest) as error:
        token_from_response(answer)
    assert (error.value.error, error.value.error_description) == ("invalid_scope", "nope")


def test_error_in_a_2xx_answer_is_still_an_error(http: ModuleType) -> None:
    with pytest.raises(InvalidGrantRequest):
        token_from_response(http.Response(200, json={"error": "access_denied"}))


def test_missing_token_names_the_fields_received_not_their_values(http: ModuleType) -> None:
    answer = http.Response(200, json={"token_type": "Bearer", "refresh_token": "very-secret"})
    with pytest.raises(GrantNotProvided) as error:
        token_from_response(answer)
    message = str(error.value)
    assert "access_token" in message and "refresh_token" in message and "token_type" in message
    assert "very-secret" not in message


def test_empty_token_is_missing(http: ModuleType) -> None:
    with pytest.raises(GrantNotProvided):
        token_from_response(http.Response(200, json={"access_token": ""}))


@pytest.mark.parametrize("value", [42, ["a"], {"a": 1}, None, True])
def test_token_of_the_wrong_type(http: ModuleType, value: Any) -> None:
    expected = GrantNotProvided if value is None else InvalidTokenResponse
    with pytest.raises(expected):
        token_from_response(http.Response(200, json={"access_token": value}))


@pytest.mark.parametrize("value", ["abc\r\nX-Injected: 1", "abc\n", " abc", "abc\x00"])
def test_token_that_would_break_a_header(http: ModuleType, value: str) -> None:
    with pytest.raises(InvalidTokenResponse):
        token_from_response(http.Response(200, json={"access_token": value}))


def test_refresh_token_of_the_wrong_type(http: ModuleType) -> None:
    with pytest.raises(InvalidTokenResponse, match="refresh_token"):
        token_from_response(http.Response(200, json={"access_token": "a", "refresh_token": 12}))


@pytest.mark.parametrize(
    ("content", "content_type", "status", "match"),
    [
        ("<html><body>Bad gateway</body></html>", "text/html", 200, "HTML page"),
        ("{not json", "application/json", 200, "not valid JSON"),
        ('["access_token"]', "application/json", 200, "list, not an object"),
        ("", "application/json", 200, "empty"),
        ("access_token", "text/plain", 200, "neither JSON nor form data"),
        ("\xff\xfe", "application/octet-stream", 200, "unexpected content type"),
        ('{"access_token": NaN}', "application/json", 200, "not valid JSON"),
        ("<html>Internal error</html>", "text/html", 500, "HTTP 500 without an OAuth2 error"),
        ('{"message": "rate limited"}', "application/json", 429, "HTTP 429 without an OAuth2 error"),
    ],
)
def test_garbage_answers(http: ModuleType, content: str, content_type: str, status: int, match: str) -> None:
    with pytest.raises(InvalidTokenResponse, match=match) as error:
        token_from_response(response(http, content, content_type, status))
    assert isinstance(error.value, HttpxAuthException)
    assert error.value.status_code == status


def test_body_that_is_not_text(http: ModuleType) -> None:
    with pytest.raises(InvalidTokenResponse, match="not text"):
        token_from_response(response(http, b"\xff\xfe\xfa", "application/json; charset=utf-8"))


def test_garbage_never_echoes_the_body(http: ModuleType) -> None:
    with pytest.raises(InvalidTokenResponse) as error:
        token_from_response(response(http, "<html>password=hunter2</html>", "text/html", 502))
    assert "hunter2" not in str(error.value)


# -- JWT expiry, read by the core (both backends) ---------------------------------------


def test_jwt_exp_when_the_grant_requires_it(backend: str) -> None:
    token = jwt({"exp": NOW + 120, "sub": "me"})
    assert token_from_fields({"id_token": token}, "id_token", expiry_from_token=True).expiry == NOW + 120


def test_expires_in_wins_over_jwt_exp(backend: str) -> None:
    with time_machine.travel(NOW, tick=False):
        token = token_from_fields({"access_token": jwt({"exp": NOW + 120}), "expires_in": 60}, expiry_from_token=True)
    assert token.expiry == NOW + 60


def test_jwt_without_exp_when_required(backend: str) -> None:
    with pytest.raises(TokenExpiryNotProvided):
        token_from_fields({"id_token": jwt({"sub": "me"})}, "id_token", expiry_from_token=True)


@pytest.mark.parametrize("token", ["opaque", "a.b", "a.!!!.c", "e30.bm90IGpzb24.c"])
def test_unreadable_jwt_when_required(backend: str, token: str) -> None:
    with pytest.raises(InvalidToken) as error:
        token_from_fields({"id_token": token}, "id_token", expiry_from_token=True)
    assert token not in str(error.value)


def test_jwt_with_a_non_numeric_exp_when_required(backend: str) -> None:
    with pytest.raises(InvalidToken):
        token_from_fields({"id_token": jwt({"exp": "tomorrow"})}, "id_token", expiry_from_token=True)


def test_access_token_that_is_a_jwt_uses_its_exp(backend: str) -> None:
    exp = time.time() + 600
    assert token_from_fields({"access_token": jwt({"exp": exp})}).expiry == exp


def test_access_token_jwt_with_a_past_exp_is_expired(backend: str) -> None:
    assert token_from_fields({"access_token": jwt({"exp": 1000.0})}).expiry == 1000.0


@pytest.mark.parametrize("claims", [{"sub": "me"}, {"exp": "soon"}])
def test_access_token_jwt_without_a_usable_exp_never_expires(backend: str, claims: dict[str, Any]) -> None:
    assert token_from_fields({"access_token": jwt(claims)}).expiry is None


def test_opaque_token_with_dots_never_expires(backend: str) -> None:
    assert token_from_fields({"access_token": "not.a.jwt"}).expiry is None


def test_expiry_from_expires_in_rejects_secrets_free() -> None:
    with pytest.raises(ValueError) as error:
        expiry_from_expires_in("s3cr3t")
    assert "s3cr3t" not in str(error.value)


def test_token_repr_hides_secrets() -> None:
    shown = repr(Token("the-access-token", 12.0, "the-refresh-token"))
    assert "the-access-token" not in shown and "the-refresh-token" not in shown and "12.0" in shown
