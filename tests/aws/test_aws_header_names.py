"""What existing users of the original see: the names of the headers a signature sends,
and ``include_headers`` as a mutable set of the user's names (both backends)."""

from __future__ import annotations

import datetime
from types import ModuleType
from typing import Any

import httpx
import pytest
import time_machine

from httpx_auth import AWS4Auth, InvalidParameter

ACCESS_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
URL = "https://examplebucket.s3.amazonaws.com/test.txt"


def sent(http: ModuleType, auth: Any, **kwargs: Any) -> Any:
    requests: list[Any] = []

    def handle(request: Any) -> Any:
        requests.append(request)
        return http.Response(200)

    with time_machine.travel(datetime.datetime(2013, 5, 24, tzinfo=datetime.timezone.utc), tick=False):
        with http.Client(transport=http.MockTransport(handle)) as client:
            client.get(URL, auth=auth, **kwargs)
    return requests[-1]


def raw_names(request: Any) -> list[bytes]:
    return [name for name, _ in request.headers.raw]


def signed_headers(request: Any) -> list[str]:
    return request.headers["authorization"].split("SignedHeaders=")[1].split(",")[0].split(";")


def test_the_signature_headers_are_sent_lowercase_like_the_original(backend: str, http: ModuleType) -> None:
    request = sent(http, AWS4Auth(ACCESS_ID, SECRET, "us-east-1", "s3", security_token="tok"))
    names = raw_names(request)
    for name in (b"x-amz-date", b"x-amz-content-sha256", b"x-amz-security-token"):
        assert names.count(name) == 1, names
    assert not any(n.startswith(b"X-Amz") for n in names)
    assert names.count(b"Authorization") == 1


def test_a_header_the_user_set_keeps_its_own_spelling(backend: str, http: ModuleType) -> None:
    auth = AWS4Auth(ACCESS_ID, SECRET, "us-east-1", "s3", security_token="new")
    request = sent(http, auth, headers={"X-Amz-Security-Token": "old", "X-Amz-Meta-Colour": "blue"})
    names = raw_names(request)
    assert b"X-Amz-Security-Token" in names and b"x-amz-security-token" not in names
    assert b"X-Amz-Meta-Colour" in names
    assert request.headers.get_list("x-amz-security-token") == ["new"]  # replaced, not repeated
    assert "x-amz-meta-colour" in signed_headers(request)


def test_include_headers_is_a_set_of_the_names_given() -> None:
    assert AWS4Auth(ACCESS_ID, SECRET, "us-east-1", "s3").include_headers == set()
    auth = AWS4Auth(ACCESS_ID, SECRET, "us-east-1", "s3", include_headers=["Range", "x-custom-*"])
    assert type(auth.include_headers) is set
    assert auth.include_headers == {"Range", "x-custom-*"}


def test_changing_include_headers_changes_what_is_signed(backend: str, http: ModuleType) -> None:
    auth = AWS4Auth(ACCESS_ID, SECRET, "us-east-1", "s3")
    headers = {"Range": "bytes=0-1", "X-Custom": "1"}
    assert "range" not in signed_headers(sent(http, auth, headers=headers))
    auth.include_headers.add("range")
    after_add = signed_headers(sent(http, auth, headers=headers))
    assert "range" in after_add and "x-custom" not in after_add
    assert {"host", "x-amz-date", "x-amz-content-sha256"} <= set(after_add)  # defaults on top
    auth.include_headers = {"X-Custom"}
    replaced = signed_headers(sent(http, auth, headers=headers))
    assert "x-custom" in replaced and "range" not in replaced


def test_a_bad_name_added_later_is_refused_when_signing(backend: str) -> None:
    auth = AWS4Auth(ACCESS_ID, SECRET, "us-east-1", "s3")
    auth.include_headers.add("bad name")
    with pytest.raises(InvalidParameter, match="include_headers"):
        auth.sign(httpx.Request("GET", URL))


def test_an_auth_follows_the_backend_active_when_it_signs(http: ModuleType) -> None:
    from httpx_auth import _core

    from backends import BACKENDS

    auth = AWS4Auth(ACCESS_ID, SECRET, "us-east-1", "s3")
    authorizations = set()
    previous = (_core.backend, _core.BACKEND)
    try:
        for name, module in BACKENDS.items():
            _core.use(module, name)
            request = sent(http, auth)
            assert type(auth._bound[3]).__module__.startswith(module.__name__)  # type: ignore[index]
            authorizations.add(request.headers["authorization"])
    finally:
        _core.use(*previous)
    assert len(authorizations) == 1  # the same signature from each backend
