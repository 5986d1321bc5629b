"""The default chain through ``AWS4Auth.from_environment``: the source chosen, the region,
the error when nothing is found, signing with httpx and httpx2 (sync and async), the
CLI, and secrets that never show."""

from __future__ import annotations

import logging
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from httpx_auth import (
    AWS4Auth,
    AWSCredentialsError,
    ContainerCredentials,
    DefaultCredentials,
    InstanceMetadataCredentials,
    NoAWSCredentialsFound,
)
from httpx_auth._aws.credentials import resolve_region
from httpx_auth._cli_presign import main as presign_main

from aws_fakes import FakeAWS, derived


def echo(http: ModuleType) -> tuple[Any, Any]:
    def handler(request: Any) -> Any:
        return http.Response(200, json=dict(request.headers))

    async def async_handler(request: Any) -> Any:
        return http.Response(200, json=dict(request.headers))

    return http.MockTransport(handler), http.MockTransport(async_handler)


def keys_of(authorization: str) -> str:
    return authorization.partition("Credential=")[2].partition("/")[0]


def test_nothing_found_lists_every_source_and_why(aws_home: Path) -> None:
    with pytest.raises(NoAWSCredentialsFound) as caught:
        DefaultCredentials()()
    files = f"{aws_home / '.aws' / 'config'}, {aws_home / '.aws' / 'credentials'}"
    assert str(caught.value) == (
        "AWS credentials: none found. Sources tried, in order:\n"
        "  - environment variables: AWS_ACCESS_KEY_ID is not set\n"
        "  - web identity: AWS_WEB_IDENTITY_TOKEN_FILE is not set\n"
        f"  - profile 'default' ({files}): no such profile in these files\n"
        "  - container credentials endpoint: neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor "
        "AWS_CONTAINER_CREDENTIALS_FULL_URI is set\n"
        "  - EC2 instance metadata (IMDSv2): disabled by AWS_EC2_METADATA_DISABLED"
    )
    assert [source for source, _ in caught.value.tried][0] == "environment variables"


def test_unreachable_instance_metadata_is_a_reason_not_a_crash(aws_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import httpx

    from httpx_auth._aws.credentials import _http

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    monkeypatch.delenv("AWS_EC2_METADATA_DISABLED")
    monkeypatch.setattr(_http, "transport", httpx.MockTransport(refuse))
    with pytest.raises(NoAWSCredentialsFound, match=r"IMDSv2\): no answer from http://169.254.169.254/latest/api/token within 1 s$"):
        DefaultCredentials()()


def test_the_container_then_instance_metadata(aws_home: Path, monkeypatch: pytest.MonkeyPatch, fake_aws: FakeAWS) -> None:
    monkeypatch.delenv("AWS_EC2_METADATA_DISABLED")
    chain = DefaultCredentials()
    assert chain().access_key == derived("imds")[0]
    assert isinstance(chain.source, InstanceMetadataCredentials)
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/container/task")
    chain = DefaultCredentials()
    assert chain().access_key == derived("container/container/task")[0]
    assert isinstance(chain.source, ContainerCredentials)


def test_region_order(aws_home: Path, monkeypatch: pytest.MonkeyPatch, fake_aws: FakeAWS) -> None:
    (aws_home / ".aws" / "config").write_text("[default]\nregion = eu-central-1\n[profile dev]\nregion = us-west-1\n")
    assert resolve_region() == "eu-central-1"
    assert resolve_region("dev") == "us-west-1"
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ca-central-1")
    assert resolve_region("dev") == "ca-central-1"
    monkeypatch.setenv("AWS_REGION", "af-south-1")  # the newer SDKs' variable wins
    assert resolve_region("dev") == "af-south-1"
    (aws_home / ".aws" / "config").write_text("")
    monkeypatch.delenv("AWS_REGION")
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    with pytest.raises(AWSCredentialsError, match="AWS region: none found in AWS_REGION, AWS_DEFAULT_REGION"):
        resolve_region()
    monkeypatch.delenv("AWS_EC2_METADATA_DISABLED")
    assert resolve_region() == "eu-north-1"  # the instance's placement


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_from_environment_signs_with_a_profile_role(
    aws_home: Path, monkeypatch: pytest.MonkeyPatch, fake_aws: FakeAWS, backend: str, http: ModuleType, mode: str
) -> None:
    (aws_home / ".aws" / "config").write_text(
        "[profile app]\nregion = eu-west-2\nrole_arn = arn:aws:iam::1:role/app\nsource_profile = base\n"
        "role_session_name = app-session\n"
    )
    (aws_home / ".aws" / "credentials").write_text("[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n")
    auth = AWS4Auth.from_environment("execute-api", profile="app")
    assert auth.region == "eu-west-2" and isinstance(auth, AWS4Auth)
    sync_transport, async_transport = echo(http)
    if mode == "sync":
        with http.Client(transport=sync_transport) as client:
            sent = [client.get("https://api.example.com/x", auth=auth).json() for _ in range(2)]
    else:
        async with http.AsyncClient(transport=async_transport) as client:
            sent = [(await client.get("https://api.example.com/x", auth=auth)).json() for _ in range(2)]
    key, _, token = derived("arn:aws:iam::1:role/app", "AKIDBASE", "app-session", "")
    assert [keys_of(s["authorization"]) for s in sent] == [key, key]
    assert "/eu-west-2/execute-api/aws4_request" in sent[0]["authorization"]
    assert sent[0]["x-amz-security-token"] == token
    assert len(fake_aws.action_calls("AssumeRole")) == 1  # fetched once, then cached
    assert fake_aws.calls[0][3]["authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDBASE/")


def test_from_environment_takes_the_usual_options(aws_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
    auth = AWS4Auth.from_environment("s3", region="us-east-2", unsigned_payload=True, include_headers=["range"])
    assert auth.unsigned_payload and "range" in auth.include_headers
    assert repr(auth) == "AWS4Auth(credentials=<provider>, region='us-east-2', service='s3', unsigned_payload=True)"
    url = auth.presign("https://b.s3.us-east-2.amazonaws.com/k", expires_in=60)
    assert "X-Amz-Credential=AKIDENV%2F" in url and "env-secret" not in url
    with pytest.raises(AWSCredentialsError, match="AWS region: none found"):
        AWS4Auth.from_environment("s3")


def test_secrets_never_in_reprs_messages_or_logs(
    aws_home: Path, monkeypatch: pytest.MonkeyPatch, fake_aws: FakeAWS, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    (aws_home / ".aws" / "config").write_text(
        "[default]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\n"
        "[profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret-value\n"
        "aws_session_token = base-token-value\n"
    )
    chain = DefaultCredentials()
    found = chain()
    secrets = ["base-secret-value", "base-token-value", found.secret_key, found.token or "?"]
    fake_aws.sts_error = (403, "ExpiredToken", "The security token included in the request is expired")
    texts = [repr(chain), repr(chain.source), repr(found), repr(AWS4Auth(region="us-east-1", service="s3", credentials=chain))]
    with pytest.raises(AWSCredentialsError) as caught:
        DefaultCredentials()()
    texts.append(str(caught.value))
    texts += [record.getMessage() for record in caplog.records]
    for text in texts:
        for secret in secrets:
            assert secret not in text


def test_presign_cli(aws_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], backend: str) -> None:
    (aws_home / ".aws" / "credentials").write_text(
        "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = dev-secret\nregion = eu-west-3\n"
    )
    assert presign_main(["s3://my-bucket/reports/q1 2026.pdf", "--expires-in", "120", "--profile", "dev"]) == 0
    url = capsys.readouterr().out.strip()
    assert url.startswith("https://my-bucket.s3.eu-west-3.amazonaws.com/reports/q1%202026.pdf?X-Amz-Algorithm=")
    assert "X-Amz-Credential=AKIDDEV%2F" in url and "X-Amz-Expires=120" in url
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9000")
    assert presign_main(["s3://my.bucket/k", "--profile", "dev"]) == 0
    assert capsys.readouterr().out.startswith("http://127.0.0.1:9000/my.bucket/k?")
    assert presign_main(["https://not-s3/k"]) == 2
    assert "expected s3://BUCKET/KEY" in capsys.readouterr().err
    assert presign_main(["s3://b/k", "--profile", "nobody"]) == 1
    assert "presign: profile 'nobody': not found" in capsys.readouterr().err
    assert presign_main(["s3://b/k", "--profile", "dev", "--expires-in", "0"]) == 1
    assert "expires_in must be between 1 and 604800" in capsys.readouterr().err
