"""AWS4Auth.presign and presign_keys: checked against AWS's documented example and boto3's
``generate_presigned_url`` at the same instant, on both backends."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import boto3
import pytest
import time_machine
from botocore.config import Config

from httpx_auth import AWS4Auth, InvalidParameter

ACCESS_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TOKEN = "FQoGZXIvYXdzEXAMPLETOKEN//+/=="
S3_DOC_TIME = datetime.datetime(2013, 5, 24, tzinfo=datetime.timezone.utc)
BUCKET = "https://examplebucket.s3.amazonaws.com"
KEYS = ["test.txt", "a%2Fb", "a//b", "x+y=z", "café", "dir/sub dir/f~!*'()", "ключ/日本語.txt"]


def frozen(when: datetime.datetime = S3_DOC_TIME) -> Any:
    return time_machine.travel(when, tick=False)


def s3(**kwargs: Any) -> AWS4Auth:
    return AWS4Auth(ACCESS_ID, SECRET, "us-east-1", "s3", **kwargs)


@pytest.fixture(scope="module")
def boto3_s3() -> Any:
    def client(token: str | None = None) -> Any:
        return boto3.client(
            "s3", region_name="us-east-1", aws_access_key_id=ACCESS_ID, aws_secret_access_key=SECRET,
            aws_session_token=token, config=Config(signature_version="s3v4", s3={"addressing_style": "virtual"}),
        )

    return client


def boto3_url(client: Any, key: str, expires_in: int = 3600, method: str = "get_object") -> str:
    return str(client.generate_presigned_url(method, Params={"Bucket": "examplebucket", "Key": key}, ExpiresIn=expires_in))


def same_url(url: str, expected: str) -> bool:
    """The same URL, query parameters in any order (boto3 puts the token after SignedHeaders,
    and its CRT signer, used when awscrt is installed, orders them differently again)."""
    ours, theirs = urlsplit(url), urlsplit(expected)
    return ours._replace(query="") == theirs._replace(query="") and sorted(ours.query.split("&")) == sorted(
        theirs.query.split("&")
    )


def test_the_s3_documentation_example(backend: str) -> None:
    with frozen():
        url = s3().presign(f"{BUCKET}/test.txt", expires_in=86400)
    assert url == (
        "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
        "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
        "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
    )


@pytest.mark.parametrize("key", KEYS)
def test_presign_gives_boto3s_url(backend: str, boto3_s3: Any, key: str) -> None:
    with frozen():
        expected = boto3_url(boto3_s3(), key)
        url = s3().presign(expected.split("?")[0])
    assert same_url(url, expected)  # with awscrt installed, boto3 orders the query differently


@pytest.mark.parametrize("method", ["get_object", "put_object", "delete_object"])
def test_presign_with_a_session_token_gives_boto3s_url(backend: str, boto3_s3: Any, method: str) -> None:
    with frozen():
        expected = boto3_url(boto3_s3(TOKEN), "some/key.bin", 900, method)
        url = s3(security_token=TOKEN).presign(
            expected.split("?")[0], method=method.split("_")[0].lower(), expires_in=900
        )
    assert same_url(url, expected)
    assert dict(parse_qsl(urlsplit(url).query))["X-Amz-Security-Token"] == TOKEN


def test_presign_keys_gives_boto3s_urls(backend: str, boto3_s3: Any) -> None:
    with frozen():
        expected = [boto3_url(boto3_s3(TOKEN), key, 600) for key in KEYS]
        urls = s3(security_token=TOKEN).presign_keys(BUCKET, KEYS, expires_in=600)
    assert len(urls) == len(expected)
    assert all(same_url(url, boto) for url, boto in zip(urls, expected))


@pytest.mark.parametrize("base", [BUCKET, BUCKET + "/", "https://s3.eu-west-1.amazonaws.com/examplebucket"])
def test_presign_keys_is_presign_of_each_url(backend: str, base: str) -> None:
    auth = AWS4Auth(ACCESS_ID, SECRET, "eu-west-1", "s3")
    keys = [f"photos/{i:04d}/é {i}.jpg" for i in range(200)]  # enough for the core to release the GIL
    with frozen():
        urls = auth.presign_keys(base, keys, method="put", expires_in=60)
        one_by_one = [auth.presign(url.split("?")[0], method="PUT", expires_in=60) for url in urls]
    assert urls == one_by_one
    assert urls[1].startswith(base.rstrip("/") + "/photos/0001/%C3%A9%201.jpg?")


def test_presign_keys_keeps_the_query_of_the_base_url(backend: str) -> None:
    with frozen():
        (url,) = s3().presign_keys(BUCKET + "?versionId=3%2B1", "k")
        same = s3().presign(BUCKET + "/k?versionId=3%2B1")
    assert url == same
    assert url.startswith(BUCKET + "/k?versionId=3%2B1&X-Amz-Algorithm=")


def test_non_s3_presigning(backend: str) -> None:
    # aws-c-auth's get-vanilla, query variant: other services sign the empty payload's hash.
    auth = AWS4Auth("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1", "service")
    with frozen(datetime.datetime(2015, 8, 30, 12, 36, tzinfo=datetime.timezone.utc)):
        url = auth.presign("https://example.amazonaws.com/")
    assert url.endswith("&X-Amz-Signature=e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d")


def test_the_query_as_sent_is_kept_and_old_presign_parameters_replaced(backend: str) -> None:
    auth = s3()
    with frozen():
        first = auth.presign(f"{BUCKET}/k?response-content-type=text%2Fplain&a=1", expires_in=60)
    with frozen(S3_DOC_TIME + datetime.timedelta(hours=1)):
        again = auth.presign(first, expires_in=120)
    assert first.startswith(f"{BUCKET}/k?response-content-type=text%2Fplain&a=1&X-Amz-Algorithm=")
    query = parse_qsl(urlsplit(again).query)
    names = [name for name, _ in query]
    assert names.count("X-Amz-Signature") == 1 and names.count("X-Amz-Date") == 1
    assert dict(query)["X-Amz-Expires"] == "120"
    assert dict(query)["X-Amz-Date"] == "20130524T010000Z"


def test_headers_given_to_presign_are_signed(backend: str) -> None:
    with frozen():
        url = s3().presign(f"{BUCKET}/upload", "PUT", headers={"Content-Type": "image/png"})
        plain = s3().presign(f"{BUCKET}/upload", "PUT")
    assert dict(parse_qsl(urlsplit(url).query))["X-Amz-SignedHeaders"] == "content-type;host"
    assert url.rsplit("=", 1)[1] != plain.rsplit("=", 1)[1]


def test_a_host_given_to_presign_replaces_the_urls(backend: str) -> None:
    # Signing both would sign "host:a,b", which no request can ever send.
    with frozen():
        via = s3().presign("http://127.0.0.1:9000/k", headers={"Host": "examplebucket.s3.amazonaws.com"})
        direct = s3().presign(f"{BUCKET}/k")
    assert dict(parse_qsl(urlsplit(via).query))["X-Amz-SignedHeaders"] == "host"
    assert via.replace("http://127.0.0.1:9000", BUCKET) == direct


@pytest.mark.parametrize("expires_in", [1, 3600, 604800])
def test_expiry_bounds_accepted(backend: str, expires_in: int) -> None:
    url = s3().presign(f"{BUCKET}/k", expires_in=expires_in)
    assert dict(parse_qsl(urlsplit(url).query))["X-Amz-Expires"] == str(expires_in)
    (batch,) = s3().presign_keys(BUCKET, ["k"], expires_in=expires_in)
    assert f"X-Amz-Expires={expires_in}&" in batch


@pytest.mark.parametrize("expires_in", [0, -1, 604801, 10**12, 1.5, True, "60", None])
def test_expiry_out_of_bounds_is_refused(backend: str, expires_in: Any) -> None:
    with pytest.raises(InvalidParameter, match="expires_in"):
        s3().presign(f"{BUCKET}/k", expires_in=expires_in)
    with pytest.raises(InvalidParameter, match="expires_in"):
        s3().presign_keys(BUCKET, ["k"], expires_in=expires_in)


@pytest.mark.parametrize("url", ["/relative/path", "ftp://host/file", "https://", "http://[::1", 42])
def test_bad_urls_are_refused(backend: str, url: Any) -> None:
    with pytest.raises(InvalidParameter, match="url"):
        s3().presign(url)
    with pytest.raises(InvalidParameter, match="base_url"):
        s3().presign_keys(url, ["k"])


def test_bad_keys_and_methods_are_refused(backend: str) -> None:
    with pytest.raises(InvalidParameter, match="keys"):
        s3().presign_keys(BUCKET, ["ok", b"bytes"])  # type: ignore[list-item]
    with pytest.raises(InvalidParameter, match="method"):
        s3().presign(f"{BUCKET}/k", method="")
    with pytest.raises(InvalidParameter, match="headers"):
        s3().presign(f"{BUCKET}/k", headers={"bad header": "v"})


@pytest.mark.parametrize("keys", [5, None])
def test_keys_that_are_not_a_collection_are_refused(backend: str, keys: Any) -> None:
    with pytest.raises(InvalidParameter, match="keys must be a collection"):
        s3().presign_keys(BUCKET, keys)


@pytest.mark.parametrize("headers", [[("Content-Type", "image/png")], "Content-Type: image/png"])
def test_headers_that_are_not_a_mapping_are_refused(backend: str, headers: Any) -> None:
    with pytest.raises(InvalidParameter, match="headers must be a mapping"):
        s3().presign(f"{BUCKET}/k", headers=headers)


def test_presign_uses_the_current_credentials(backend: str) -> None:
    issued = iter([("AKIDONE", "secret-one", None), ("AKIDTWO", "secret-two", "token-two")])
    auth = AWS4Auth(region="us-east-1", service="s3", credentials=lambda: next(issued))
    first, second = auth.presign(f"{BUCKET}/k"), auth.presign_keys(BUCKET, ["k"])[0]
    assert "X-Amz-Credential=AKIDONE%2F" in first and "X-Amz-Security-Token" not in first
    assert "X-Amz-Credential=AKIDTWO%2F" in second and "X-Amz-Security-Token=token-two&" in second


def test_presigned_urls_never_carry_the_secret(backend: str) -> None:
    urls = [s3().presign(f"{BUCKET}/k")] + s3().presign_keys(BUCKET, KEYS)
    assert all(SECRET not in url and "K7MDENG" not in url for url in urls)


def test_presign_keys_refuses_keys_that_are_not_utf8() -> None:
    aws = AWS4Auth("AKID", "secret", "us-east-1", "s3")
    with pytest.raises(InvalidParameter, match="keys must be UTF-8 text"):
        aws.presign_keys("https://bucket.s3.amazonaws.com", ["fine.txt", "bad\ud800.txt"])
