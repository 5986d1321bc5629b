"""AWS4Auth credentials: providers, subclasses refreshing them, bad input, and secrets that
never show (repr, errors, logs). Both backends, httpx and httpx2, sync and async."""

from __future__ import annotations

import logging
from types import ModuleType
from typing import Any

import httpx
import pytest
from botocore.credentials import Credentials, ReadOnlyCredentials

import httpx_auth
from httpx_auth import AWS4Auth, HttpxAuthException, InvalidParameter

from test_aws4auth import ACCESS_ID, SECRET, TOKEN, async_chunks, botocore_authorization, frozen, s3, send, send_async


# --- credentials that change ---------------------------------------------------------

def test_a_credentials_provider_is_asked_for_every_request(backend: str, http: ModuleType) -> None:
    issued = iter([("AKID1", "secret-one", None), ["AKID2", "secret-two", "token-two"], ("AKID3", "secret-three")])
    auth = AWS4Auth(region="eu-west-1", service="s3", credentials=lambda: next(issued))
    sent = [send(http, auth) for _ in range(3)]
    assert [s.header("authorization").split("Credential=")[1].split("/")[0] for s in sent] == ["AKID1", "AKID2", "AKID3"]
    assert "x-amz-security-token" not in sent[0].last.headers
    assert sent[1].header("x-amz-security-token") == "token-two"
    assert "x-amz-security-token" not in sent[2].last.headers


async def test_a_credentials_provider_with_botocore_credentials_async(backend: str, http: ModuleType) -> None:
    current = [ReadOnlyCredentials(ACCESS_ID, SECRET, TOKEN)]
    auth = AWS4Auth(region="us-east-1", service="s3", credentials=lambda: current[0])
    with frozen():
        sent = await send_async(http, auth)
        current[0] = Credentials("AKIDROTATED", "rotated-secret")  # an object with attributes
        rotated = await send_async(http, auth)
        expected = botocore_authorization("https://examplebucket.s3.amazonaws.com/test.txt", token=TOKEN)
    assert sent.header("authorization") == expected
    assert "Credential=AKIDROTATED/20130524/" in rotated.header("authorization")
    assert "x-amz-security-token" not in rotated.last.headers


class RefreshingAuth(AWS4Auth):
    """The pattern the API reference shows: refresh the attributes, then sign."""

    def __init__(self, region: str, service: str = "s3", **kwargs: Any) -> None:
        self.issued = iter([("AKIDA", "secret-a", "token-a"), ("AKIDB", "secret-b", None)])
        AWS4Auth.__init__(
            self, access_id=kwargs.pop("access_id", "_"), secret_key=kwargs.pop("secret_key", "_"),
            region=region, service=service, **kwargs,
        )

    def auth_flow(self, request: Any) -> Any:
        self.access_id, self.secret_key, self.security_token = next(self.issued)
        return super().auth_flow(request)


def test_a_subclass_refreshing_credentials(backend: str, http: ModuleType) -> None:
    auth = RefreshingAuth(region="us-east-1")
    first, second = send(http, auth), send(http, auth)
    assert "Credential=AKIDA/" in first.header("authorization")
    assert first.header("x-amz-security-token") == "token-a"
    assert "Credential=AKIDB/" in second.header("authorization")
    assert "x-amz-security-token" not in second.last.headers


async def test_a_subclass_refreshing_credentials_async(backend: str, http: ModuleType) -> None:
    auth = RefreshingAuth(region="us-east-1", unsigned_payload=True)
    sent = await send_async(http, auth, "PUT", content=async_chunks())
    assert "Credential=AKIDA/" in sent.header("authorization")
    assert sent.bodies[-1] == b"streamed body"


# --- bad input and secrets -----------------------------------------------------------

@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"access_id": ACCESS_ID, "secret_key": "", "region": "us-east-1", "service": "s3"}, "secret_key"),
        ({"access_id": "", "secret_key": SECRET, "region": "us-east-1", "service": "s3"}, "access_id"),
        ({"access_id": ACCESS_ID, "secret_key": SECRET, "service": "s3"}, "region"),
        ({"access_id": ACCESS_ID, "secret_key": SECRET, "region": "us-east-1"}, "service"),
        ({"access_id": ACCESS_ID, "secret_key": SECRET, "region": "us/east", "service": "s3"}, "region"),
        ({"access_id": ACCESS_ID, "secret_key": SECRET, "region": "us-east-1", "service": ""}, "service"),
        ({"access_id": ACCESS_ID, "secret_key": SECRET, "region": "us-east-1", "service": "s3", "include_headers": ["rängé"]}, "include_headers"),
        ({"access_id": ACCESS_ID, "secret_key": SECRET, "region": "us-east-1", "service": "s3", "include_headers": ["x-*-y"]}, "include_headers"),
        ({"access_id": ACCESS_ID, "secret_key": SECRET, "region": "us-east-1", "service": "s3", "include_headers": 5}, "include_headers"),
        ({"access_id": ACCESS_ID, "secret_key": SECRET, "region": "us-east-1", "service": "s3", "security_token": "a\nb"}, "security_token"),
        ({"access_id": ACCESS_ID, "secret_key": 42, "region": "us-east-1", "service": "s3"}, "secret_key"),
        ({"region": "us-east-1", "service": "s3"}, "access_id"),
        ({"region": "us-east-1", "service": "s3", "credentials": "not callable"}, "credentials"),
        ({"access_id": ACCESS_ID, "secret_key": SECRET, "region": "us-east-1", "service": "s3", "credentials": lambda: ()}, "credentials"),
    ],
)
def test_bad_arguments_are_named_and_secrets_never_shown(kwargs: dict[str, Any], named: str) -> None:
    with pytest.raises(InvalidParameter) as error:
        AWS4Auth(**kwargs)
    assert isinstance(error.value, HttpxAuthException)
    assert named in str(error.value)
    assert SECRET not in str(error.value)


@pytest.mark.parametrize(
    ("returned", "named"),
    [
        (("AKID",), "credentials"),
        (("AKID", ""), "secret_key"),
        ((None, SECRET), "access_id"),
        (("AKID", SECRET, 5), "security_token"),
        (("AKID", SECRET, "token\r\nX-Injected: 1"), "security_token"),  # refused as by the constructor
        (("AKID\r\nX-Injected: 1", SECRET), "access_id"),
        (("AKID\n", SECRET, TOKEN), "access_id"),
        (("AKID\ud800", SECRET), "access_id"),
        (("AKID", SECRET + "\udc80"), "secret_key"),
        (("AKID", SECRET, "token\ud800"), "security_token"),
        (object(), "credentials"),
    ],
)
def test_bad_credentials_from_a_provider(backend: str, http: ModuleType, returned: Any, named: str) -> None:
    auth = AWS4Auth(region="us-east-1", service="s3", credentials=lambda: returned)
    with pytest.raises(InvalidParameter) as error:
        send(http, auth)
    assert named in str(error.value)
    assert SECRET not in str(error.value)


def test_credentials_emptied_after_construction_are_refused(backend: str, http: ModuleType) -> None:
    auth = s3()
    auth.secret_key = ""
    with pytest.raises(InvalidParameter, match="secret_key must not be empty"):
        send(http, auth)


def test_a_refreshed_token_with_a_line_break_is_refused(backend: str, http: ModuleType) -> None:
    auth = s3()
    auth.security_token = "token\nX-Injected: 1"
    with pytest.raises(InvalidParameter, match="security_token must not contain line breaks"):
        send(http, auth)


@pytest.mark.parametrize(
    ("attribute", "value"),
    [("access_id", "AKID\r\nX-Injected: 1"), ("access_id", "AKID\ud800"), ("security_token", "token\udfff")],
)
def test_refreshed_attributes_get_the_constructors_checks(backend: str, http: ModuleType, attribute: str, value: str) -> None:
    auth = s3(security_token=TOKEN)
    setattr(auth, attribute, value)
    with pytest.raises(InvalidParameter, match=attribute) as error:
        send(http, auth)
    assert "\\ud" not in str(error.value) and "X-Injected" not in str(error.value)


async def test_a_provider_returning_a_line_break_is_refused_async(backend: str, http: ModuleType) -> None:
    auth = AWS4Auth(region="us-east-1", service="s3", credentials=lambda: ("AKID\r\nX-Injected: 1", SECRET))
    with pytest.raises(InvalidParameter, match="access_id"):
        await send_async(http, auth)


def test_repr_hides_the_secret_and_the_token() -> None:
    auth = s3(security_token=TOKEN)
    text = repr(auth) + str(auth)
    assert SECRET not in text and TOKEN not in text
    assert "AKIAIOSFODNN7EXAMPLE" in text and "<hidden>" in text
    assert "credentials=<provider>" in repr(AWS4Auth(region="us-east-1", service="s3", credentials=lambda: ("a", SECRET)))


def test_secrets_never_reach_the_logs(backend: str, http: ModuleType, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    send(http, s3(security_token=TOKEN), "PUT", content=b"data")
    with pytest.raises(InvalidParameter):
        s3().presign("https://examplebucket.s3.amazonaws.com/k", expires_in=0)
    assert caplog.records  # httpx did log the request
    assert SECRET not in caplog.text


def test_the_class_is_public() -> None:
    assert "AWS4Auth" in httpx_auth.__all__
    assert isinstance(s3(), httpx.Auth)


@pytest.mark.parametrize(
    ("arguments", "parameter"),
    [
        ({"access_id": "AKID\r\nX-Injected: 1"}, "access_id"),
        ({"secret_key": "secret\ud800"}, "secret_key"),
        ({"secret_key": b"\xff\xfesecret"}, "secret_key"),
        ({"include_headers": ["!host"]}, "include_headers"),
    ],
)
def test_unusable_text_is_refused_at_construction(arguments: dict[str, object], parameter: str) -> None:
    given = {"access_id": "AKID", "secret_key": "secret", "region": "us-east-1", "service": "s3", **arguments}
    with pytest.raises(InvalidParameter, match=parameter) as error:
        AWS4Auth(**given)  # type: ignore[arg-type]
    assert "secret\ud800" not in str(error.value) and "\\ud800" not in str(error.value)
