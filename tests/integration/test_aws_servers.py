"""The S3 servers verify signatures (checked with botocore, the reference signer): when these
pass and an AWS4Auth test fails, the failure is httpx_auth's."""

from __future__ import annotations

import botocore.exceptions
import pytest
from ._aws_fixtures import S3Target, _boto_client

pytestmark = pytest.mark.integration


def test_server_accepts_botocore_signatures(s3_server: S3Target) -> None:
    s3 = _boto_client("s3", s3_server.endpoint, s3_server.access_id, s3_server.secret_key)
    s3.put_object(Bucket=s3_server.bucket, Key="oracle/plain.txt", Body=b"from botocore")
    assert s3.get_object(Bucket=s3_server.bucket, Key="oracle/plain.txt")["Body"].read() == b"from botocore"
    s3.delete_object(Bucket=s3_server.bucket, Key="oracle/plain.txt")


def test_server_rejects_a_wrong_secret(s3_server: S3Target) -> None:
    s3 = _boto_client("s3", s3_server.endpoint, s3_server.access_id, "not-the-secret")
    with pytest.raises(botocore.exceptions.ClientError) as error:
        s3.list_objects_v2(Bucket=s3_server.bucket)
    assert error.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_moto_checks_session_tokens(moto_s3: S3Target) -> None:
    assert moto_s3.session is not None
    good = _boto_client("s3", moto_s3.endpoint, moto_s3.session.access_id, moto_s3.session.secret_key,
                        moto_s3.session.token)
    good.list_objects_v2(Bucket=moto_s3.bucket)
    bad = _boto_client("s3", moto_s3.endpoint, moto_s3.session.access_id, moto_s3.session.secret_key, "forged")
    with pytest.raises(botocore.exceptions.ClientError) as error:
        bad.list_objects_v2(Bucket=moto_s3.bucket)
    assert error.value.response["Error"]["Code"] == "InvalidToken", error.value.response["Error"]
