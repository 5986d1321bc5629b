"""The AWS credential sources against moto in server mode (request authentication on):
STS AssumeRole signed by our SigV4 (moto checks the signature), role chains,
AssumeRoleWithWebIdentity, IMDSv2, and the presign CLI; the credentials they give are
then used to read from moto's S3. Fetches to metadata endpoints ignore proxy settings."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from httpx_auth import AWS4Auth, AWSCredentialsError, InstanceMetadataCredentials, WebIdentityCredentials
from httpx_auth._aws.credentials import resolve_region

from ._aws_fixtures import S3Target
from ._servers import ManagedProcess, free_port

pytestmark = pytest.mark.integration

ROLE = "arn:aws:iam::123456789012:role/itest-role"


@pytest.fixture
def aws_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, moto_s3: S3Target) -> Path:
    """No AWS setting from the machine; the shared files in ``tmp_path``; STS and S3 on moto."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", moto_s3.endpoint)
    (tmp_path / "credentials").write_text(
        f"[base]\naws_access_key_id = {moto_s3.access_id}\naws_secret_access_key = {moto_s3.secret_key}\n"
    )
    (tmp_path / "config").write_text(
        f"[profile base]\nregion = us-east-1\n"
        f"[profile role]\nregion = us-east-1\nrole_arn = {ROLE}\nsource_profile = base\nrole_session_name = it\n"
        f"[profile chained]\nregion = us-east-1\nrole_arn = {ROLE}\nsource_profile = role\n"
        f"[profile wrong]\nregion = us-east-1\nrole_arn = {ROLE}\nsource_profile = forged\n"
        f"[profile forged]\naws_access_key_id = {moto_s3.access_id}\naws_secret_access_key = not-the-secret\n"
    )
    return tmp_path


@pytest.fixture(scope="module")
def moto_open(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second moto server, with request authentication off: in auth mode moto cannot
    serve calls without an Authorization header (AssumeRoleWithWebIdentity is one)."""
    workdir = tmp_path_factory.mktemp("moto-open")
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    server = ManagedProcess(
        "moto-open", [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], workdir / "moto.log"
    )
    server.start(lambda: httpx.get(f"{endpoint}/moto-api/", timeout=1).status_code == 200, timeout=60)
    try:
        yield endpoint
    finally:
        server.stop()


def list_bucket(moto_s3: S3Target, auth: AWS4Auth) -> httpx.Response:
    with httpx.Client() as client:
        return client.get(f"{moto_s3.bucket_url}?list-type=2", auth=auth)


@pytest.mark.parametrize("profile", ["role", "chained"])
def test_assume_role_from_a_profile(aws_env: Path, moto_s3: S3Target, backend: str, profile: str) -> None:
    auth = AWS4Auth.from_environment("s3", profile=profile)
    reply = list_bucket(moto_s3, auth)
    assert reply.status_code == 200, reply.text
    used = auth.credentials()  # type: ignore[misc]
    assert used.access_key.startswith("ASIA") and used.access_key != moto_s3.access_id
    assert used.token and used.expiry is not None


async def test_assume_role_in_async_code(aws_env: Path, moto_s3: S3Target, backend: str) -> None:
    auth = AWS4Auth.from_environment("s3", profile="role")
    async with httpx.AsyncClient() as client:
        reply = await client.get(f"{moto_s3.bucket_url}?list-type=2", auth=auth)
    assert reply.status_code == 200, reply.text


def test_moto_rejects_a_wrongly_signed_assume_role(aws_env: Path, moto_s3: S3Target, backend: str) -> None:
    auth = AWS4Auth.from_environment("s3", profile="wrong")
    with pytest.raises(AWSCredentialsError) as caught:
        list_bucket(moto_s3, auth)
    message = str(caught.value)
    assert message.startswith("AssumeRole (profile 'wrong'): STS AssumeRole failed (HTTP 403): SignatureDoesNotMatch")
    assert "not-the-secret" not in message


def test_assume_role_with_web_identity(aws_env: Path, moto_open: str, monkeypatch: pytest.MonkeyPatch, backend: str) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", moto_open)
    (aws_env / "token").write_text("eyJhbGciOiJub25lIn0.eyJzdWIiOiJjaSJ9.\n")
    monkeypatch.setenv("AWS_WEB_IDENTITY_TOKEN_FILE", str(aws_env / "token"))
    monkeypatch.setenv("AWS_ROLE_ARN", ROLE)
    monkeypatch.setenv("AWS_ROLE_SESSION_NAME", "ci")
    found = WebIdentityCredentials()()
    assert found.access_key.startswith("ASIA") and found.token and found.expiry is not None
    auth = AWS4Auth.from_environment("s3", region="us-east-1")  # the chain picks web identity
    assert auth.credentials().access_key.startswith("ASIA")  # type: ignore[misc]


@pytest.mark.parametrize("proxy", [None, "http://127.0.0.1:9"])
def test_instance_metadata_from_moto(
    aws_env: Path, moto_s3: S3Target, monkeypatch: pytest.MonkeyPatch, proxy: str | None
) -> None:
    monkeypatch.delenv("AWS_EC2_METADATA_DISABLED")
    monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", moto_s3.endpoint)
    if proxy:  # a proxy that refuses everything: the metadata fetch must not use it
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
            monkeypatch.setenv(name, proxy)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
    found = InstanceMetadataCredentials()()
    assert (found.access_key, found.secret_key, found.token) == ("test-key", "test-secret-key", "test-session-token")
    assert found.expiry is not None
    assert resolve_region() == "us-east-1"  # the base profile has none: from placement/region
    (aws_env / "config").write_text("")
    assert resolve_region() == "us-east-1"


def test_presign_cli_url_downloads_the_object(aws_env: Path, seaweedfs_s3: S3Target) -> None:
    """SeaweedFS checks presigned signatures (moto in auth mode cannot serve them)."""
    (aws_env / "credentials").write_text(
        f"[weed]\naws_access_key_id = {seaweedfs_s3.access_id}\naws_secret_access_key = {seaweedfs_s3.secret_key}\n"
        "region = us-east-1\n"
    )
    put = AWS4Auth(seaweedfs_s3.access_id, seaweedfs_s3.secret_key, "us-east-1", "s3")
    with httpx.Client() as client:
        reply = client.put(f"{seaweedfs_s3.bucket_url}/cli/hello world.txt", content=b"presigned hello", auth=put)
        assert reply.status_code == 200
    env = {**os.environ, "AWS_ENDPOINT_URL_S3": seaweedfs_s3.endpoint, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-m", "httpx_auth", "presign", f"s3://{seaweedfs_s3.bucket}/cli/hello world.txt",
         "--profile", "weed", "--expires-in", "300"],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    url = done.stdout.strip()
    assert "X-Amz-Expires=300" in url and "hello%20world.txt" in url
    assert httpx.get(url).content == b"presigned hello"
    forged = url.replace("X-Amz-Expires=300", "X-Amz-Expires=301")
    assert httpx.get(forged).status_code == 403
