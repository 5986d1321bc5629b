"""Presigned POST: the policy, its signature (checked independently) and the errors."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import pytest
import time_machine

from httpx_auth import AWS4Auth, InvalidParameter

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
NOW = 1369353600  # 2013-05-24T00:00:00Z


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def expected_signature(policy: str, region: str = "us-east-1") -> str:
    key = _hmac(_hmac(_hmac(_hmac(b"AWS4" + SECRET.encode(), "20130524"), region), "s3"), "aws4_request")
    return hmac.new(key, policy.encode(), hashlib.sha256).hexdigest()


def presign(**kwargs: Any) -> dict[str, Any]:
    auth = AWS4Auth("AKIAIOSFODNN7EXAMPLE", SECRET, "us-east-1", "s3", security_token=kwargs.pop("token", None))
    with time_machine.travel(NOW, tick=False):
        return auth.presign_post(kwargs.pop("url", "https://examplebucket.s3.amazonaws.com/"), **kwargs)


def policy_of(form: dict[str, Any]) -> dict[str, Any]:
    policy: dict[str, Any] = json.loads(base64.b64decode(form["fields"]["policy"]))
    return policy


def test_form_fields_and_policy(backend: str) -> None:
    form = presign(key="uploads/photo.jpg", fields={"Content-Type": "image/jpeg"},
                   conditions=[["content-length-range", 1, 1024]], expires_in=600)
    fields = form["fields"]
    assert form["url"] == "https://examplebucket.s3.amazonaws.com/"
    assert fields["key"] == "uploads/photo.jpg"
    assert fields["x-amz-algorithm"] == "AWS4-HMAC-SHA256"
    assert fields["x-amz-credential"] == "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request"
    assert fields["x-amz-date"] == "20130524T000000Z"
    assert fields["x-amz-signature"] == expected_signature(fields["policy"])
    policy = policy_of(form)
    assert policy["expiration"] == "2013-05-24T00:10:00Z"
    conditions = policy["conditions"]
    assert ["content-length-range", 1, 1024] in conditions
    assert {"bucket": "examplebucket"} in conditions
    assert {"key": "uploads/photo.jpg"} in conditions
    assert {"Content-Type": "image/jpeg"} in conditions
    assert {"x-amz-date": "20130524T000000Z"} in conditions
    # Every field but policy and the signature is covered by a condition.
    covered = {name for c in conditions if isinstance(c, dict) for name in c}
    assert set(fields) - {"policy", "x-amz-signature"} <= covered | {"key"}


def test_path_style_bucket_filename_key_and_token(backend: str) -> None:
    form = presign(url="http://127.0.0.1:9000/my-bucket", key="in/${filename}", token="session-token")
    conditions = policy_of(form)["conditions"]
    assert {"bucket": "my-bucket"} in conditions
    assert ["starts-with", "$key", "in/"] in conditions
    assert form["fields"]["x-amz-security-token"] == "session-token"
    assert {"x-amz-security-token": "session-token"} in conditions


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"key": ""}, "key must not be empty"),
        ({"key": "k", "fields": ["a"]}, "fields must be a mapping"),
        ({"key": "k", "fields": {"policy": "x"}}, "must not set 'policy'"),
        ({"key": "k", "conditions": "acl"}, "conditions must be a list"),
        ({"key": "k", "conditions": [42]}, "Each condition must be"),
        ({"key": "k", "conditions": [{"a": object()}]}, "JSON values"),
        ({"key": "k", "expires_in": 0}, "expires_in"),
        ({"key": "k", "url": "/relative"}, "absolute"),
    ],
)
def test_bad_input_is_invalid_parameter(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidParameter, match=message):
        presign(**kwargs)


def test_secret_never_in_the_form() -> None:
    form = presign(key="k")
    assert SECRET not in json.dumps(form)
