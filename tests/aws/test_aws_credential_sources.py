"""Each AWS credential source on its own: environment, web identity, AssumeRole,
credential_process, SSO, container, IMDSv2, the shared files. The fake services answer
through the sources' own HTTP client (``fake_aws``); no secret is ever in a message."""

from __future__ import annotations

import datetime
import hashlib
import json
import sys
import time
from pathlib import Path

import pytest

from httpx_auth import (
    AssumeRoleCredentials,
    AWSCredentials,
    AWSCredentialsError,
    ContainerCredentials,
    EnvironmentCredentials,
    InstanceMetadataCredentials,
    ProcessCredentials,
    ProfileCredentials,
    SSOCredentials,
    WebIdentityCredentials,
)

from aws_fakes import FakeAWS, derived

ROLE = "arn:aws:iam::123456789012:role/app"


def script(tmp: Path, body: str) -> str:
    path = tmp / "creds.py"
    path.write_text(body)
    return f"{sys.executable} {path}"


# --- environment -----------------------------------------------------------------


def test_environment_keys_token_and_expiry(aws_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "env-token")
    monkeypatch.setenv("AWS_CREDENTIAL_EXPIRATION", "2999-01-02T03:04:05Z")
    found = EnvironmentCredentials()()
    assert (found.access_key, found.secret_key, found.token) == ("AKIDENV", "env-secret", "env-token")
    assert found.expiry == datetime.datetime(2999, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc).timestamp()


def test_environment_errors_name_the_variable_not_the_value(aws_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(AWSCredentialsError, match="AWS_ACCESS_KEY_ID is not set"):
        EnvironmentCredentials()()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    with pytest.raises(AWSCredentialsError, match="AWS_SECRET_ACCESS_KEY is not"):
        EnvironmentCredentials()()
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
    monkeypatch.setenv("AWS_CREDENTIAL_EXPIRATION", "next tuesday")
    with pytest.raises(AWSCredentialsError, match="AWS_CREDENTIAL_EXPIRATION is not an ISO 8601") as caught:
        EnvironmentCredentials()()
    assert "env-secret" not in str(caught.value)


def test_credentials_repr_hides_the_secret_and_token() -> None:
    text = repr(AWSCredentials("AKIDX", "the-secret", "the-token", 1.0))
    assert "AKIDX" in text and "the-secret" not in text and "the-token" not in text


# --- web identity --------------------------------------------------------------------


def test_web_identity_from_the_environment(aws_home: Path, monkeypatch: pytest.MonkeyPatch, fake_aws: FakeAWS) -> None:
    (aws_home / "token").write_text("oidc-token\n")
    monkeypatch.setenv("AWS_WEB_IDENTITY_TOKEN_FILE", str(aws_home / "token"))
    monkeypatch.setenv("AWS_ROLE_ARN", ROLE)
    monkeypatch.setenv("AWS_ROLE_SESSION_NAME", "ci-run")
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    found = WebIdentityCredentials()()
    (method, path, form, headers), = fake_aws.calls
    assert form == {
        "Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15", "RoleArn": ROLE,
        "RoleSessionName": "ci-run", "WebIdentityToken": "oidc-token",
    }  # fmt: skip
    assert "authorization" not in headers  # this call is not signed
    assert (found.access_key, found.secret_key, found.token) == derived(ROLE, "web:oidc-token", "ci-run", "")
    assert found.expiry == pytest.approx(time.time() + 3600, abs=5)


def test_web_identity_calls_the_regional_or_configured_endpoint(
    aws_home: Path, monkeypatch: pytest.MonkeyPatch, fake_aws: FakeAWS
) -> None:
    (aws_home / "token").write_text("t")
    seen: list[str] = []
    transport = fake_aws.transport()
    import httpx

    from httpx_auth._aws.credentials import _http

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return transport.handle_request(request)

    monkeypatch.setattr(_http, "transport", httpx.MockTransport(handler))
    WebIdentityCredentials(ROLE, str(aws_home / "token"), region="ap-south-1")()
    WebIdentityCredentials(ROLE, str(aws_home / "token"))()
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9/sts/")
    WebIdentityCredentials(ROLE, str(aws_home / "token"))()
    assert seen == ["https://sts.ap-south-1.amazonaws.com", "https://sts.amazonaws.com", "http://127.0.0.1:9/sts"]


def test_web_identity_errors(aws_home: Path, fake_aws: FakeAWS) -> None:
    with pytest.raises(AWSCredentialsError, match="no token file"):
        WebIdentityCredentials(role_arn=ROLE)()
    with pytest.raises(AWSCredentialsError, match="cannot read the token file"):
        WebIdentityCredentials(ROLE, str(aws_home / "missing"))()
    (aws_home / "token").write_text("the-oidc-token")
    fake_aws.sts_error = (400, "InvalidIdentityToken", "Couldn't retrieve verification key")
    with pytest.raises(AWSCredentialsError) as caught:
        WebIdentityCredentials(ROLE, str(aws_home / "token"))()
    message = str(caught.value)
    assert message.startswith("web identity (AssumeRoleWithWebIdentity): STS AssumeRoleWithWebIdentity failed (HTTP 400)")
    assert "InvalidIdentityToken: Couldn't retrieve verification key" in message
    assert "the-oidc-token" not in message


# --- AssumeRole --------------------------------------------------------------------


def test_assume_role_is_signed_with_the_source_credentials(backend: str, fake_aws: FakeAWS) -> None:
    source = AWSCredentials("AKIDSOURCE", "source-secret", "source-token")
    role = AssumeRoleCredentials(
        ROLE, lambda: source, session_name="s1", external_id="ext", duration_seconds=900, region="eu-west-1"
    )
    found = role()
    (method, path, form, headers), = fake_aws.calls
    assert form["Action"] == "AssumeRole" and form["DurationSeconds"] == "900" and form["ExternalId"] == "ext"
    assert headers["authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDSOURCE/")
    assert "/eu-west-1/sts/aws4_request" in headers["authorization"]
    assert headers["x-amz-security-token"] == "source-token"
    assert (found.access_key, found.secret_key, found.token) == derived(ROLE, "AKIDSOURCE", "s1", "ext")


def test_role_chaining_signs_each_call_with_the_previous_role(backend: str, fake_aws: FakeAWS) -> None:
    first = AssumeRoleCredentials(ROLE, lambda: ("AKIDBASE", "base-secret"), session_name="one")
    second = AssumeRoleCredentials(ROLE + "2", first, session_name="two")
    found = second()
    calls = fake_aws.action_calls("AssumeRole")
    assert [c["RoleArn"] for c in calls] == [ROLE, ROLE + "2"]
    first_key = derived(ROLE, "AKIDBASE", "one", "")[0]
    assert found.access_key == derived(ROLE + "2", first_key, "two", "")[0]


def test_an_sts_error_names_the_source_and_code(backend: str, fake_aws: FakeAWS) -> None:
    fake_aws.sts_error = (403, "AccessDenied", "User is not authorized to perform: sts:AssumeRole")
    with pytest.raises(AWSCredentialsError) as caught:
        AssumeRoleCredentials(ROLE, lambda: ("AKIDBASE", "base-secret"))()
    assert str(caught.value) == (
        f"AssumeRole {ROLE}: STS AssumeRole failed (HTTP 403): AccessDenied: "
        "User is not authorized to perform: sts:AssumeRole"
    )


def test_a_junk_sts_answer_is_a_clear_error(backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import httpx

    from httpx_auth._aws.credentials import _http

    monkeypatch.setattr(_http, "transport", httpx.MockTransport(lambda r: httpx.Response(200, text="<html>proxy")))
    with pytest.raises(AWSCredentialsError, match=r"STS AssumeRole failed \(HTTP 200, not an XML answer\)"):
        AssumeRoleCredentials(ROLE, lambda: ("AKIDBASE", "base-secret"))()


# --- credential_process ------------------------------------------------------------


def test_credential_process_version_1(tmp_path: Path) -> None:
    body = {"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "proc-secret", "SessionToken": "proc-token",
            "Expiration": "2999-01-01T00:00:00+01:00"}  # fmt: skip
    found = ProcessCredentials(script(tmp_path, f"print({json.dumps(body)!r})"))()
    assert (found.access_key, found.secret_key, found.token) == ("AKIDPROC", "proc-secret", "proc-token")
    assert found.expiry == datetime.datetime(2998, 12, 31, 23, tzinfo=datetime.timezone.utc).timestamp()


@pytest.mark.parametrize(
    ("program", "message"),
    [
        ("import sys; print('AKIDLEAK secret-leak'); sys.exit(2)", "the command failed with exit status 2"),
        ("print('AKIDLEAK secret-leak')", "the command did not print a JSON object"),
        ("print('[1, 2]')", "the command did not print a JSON object"),
        ("print('{\"Version\": 2, \"AccessKeyId\": \"AKIDLEAK\"}')", 'must have "Version": 1'),
        ("print('{\"Version\": 1, \"AccessKeyId\": \"AKIDLEAK\"}')", "no AccessKeyId or SecretAccessKey"),
        (
            "print('{\"Version\": 1, \"AccessKeyId\": \"AKIDLEAK\", \"SecretAccessKey\": \"secret-leak\", \"Expiration\": \"soon\"}')",
            "Expiration in the command's JSON is not an ISO 8601",
        ),
    ],
)
def test_a_failing_or_junk_credential_process(tmp_path: Path, program: str, message: str) -> None:
    with pytest.raises(AWSCredentialsError, match=message) as caught:
        ProcessCredentials(script(tmp_path, program), source_name="credential_process of profile 'dev'")()
    text = str(caught.value)
    assert text.startswith("credential_process of profile 'dev': ")
    assert "secret-leak" not in text and "AKIDLEAK" not in text


def test_a_missing_credential_process_command() -> None:
    with pytest.raises(AWSCredentialsError, match="the command 'no-such-command-here' was not found"):
        ProcessCredentials("no-such-command-here --password hunter2")()
    assert "hunter2" not in repr(ProcessCredentials("get --password hunter2"))


# --- SSO -----------------------------------------------------------------------------


def write_sso_token(home: Path, key: str, expires_at: str, token: str = "sso-access-token") -> None:
    cache = home / ".aws" / "sso" / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha1(key.encode()).hexdigest() + ".json"
    (cache / name).write_text(json.dumps({"accessToken": token, "expiresAt": expires_at, "startUrl": "x"}))


def test_sso_with_a_session_and_legacy(aws_home: Path, fake_aws: FakeAWS) -> None:
    write_sso_token(aws_home, "my-sso", "2999-01-01T00:00:00Z")
    write_sso_token(aws_home, "https://d-123.awsapps.com/start", "2999-01-01T00:00:00UTC")
    with_session = SSOCredentials("https://d-123.awsapps.com/start", "eu-west-1", "111122223333", "Admin", session_name="my-sso")
    legacy = SSOCredentials("https://d-123.awsapps.com/start", "eu-west-1", "111122223333", "Admin")
    for source in (with_session, legacy):
        found = source()
        assert (found.access_key, found.secret_key, found.token) == derived("sso", "111122223333", "Admin")
        assert found.expiry == pytest.approx(time.time() + 3600, abs=5)
    method, path, query, headers = fake_aws.calls[0]
    assert (method, path, query) == ("GET", "/federation/credentials", {"role_name": "Admin", "account_id": "111122223333"})


def test_sso_errors_say_to_log_in_again(aws_home: Path, fake_aws: FakeAWS) -> None:
    source = SSOCredentials("https://x/start", "eu-west-1", "1", "Admin", session_name="s", login_hint="aws sso login --profile dev")
    with pytest.raises(AWSCredentialsError, match=r"no cached SSO token: run `aws sso login --profile dev`"):
        source()
    write_sso_token(aws_home, "s", "2001-01-01T00:00:00Z")
    with pytest.raises(AWSCredentialsError, match="the SSO token has expired: run `aws sso login --profile dev`"):
        source()
    write_sso_token(aws_home, "s", "2999-01-01T00:00:00Z", token="revoked-token")
    with pytest.raises(AWSCredentialsError, match="the SSO token was refused") as caught:
        source()
    assert "revoked-token" not in str(caught.value)


# --- container -------------------------------------------------------------------


def test_container_relative_uri(aws_home: Path, monkeypatch: pytest.MonkeyPatch, fake_aws: FakeAWS) -> None:
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/container/v2/creds")
    source = ContainerCredentials()
    assert source.url() == "http://169.254.170.2/container/v2/creds"
    found = source()
    assert (found.access_key, found.secret_key, found.token) == derived("container/container/v2/creds")


def test_container_full_uri_and_token_file(aws_home: Path, monkeypatch: pytest.MonkeyPatch, fake_aws: FakeAWS) -> None:
    fake_aws.container_token = "pod-identity-token"
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:8080/container/pod")
    monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "stale-token")
    with pytest.raises(AWSCredentialsError, match="answered HTTP 401"):
        ContainerCredentials()()
    (aws_home / "token").write_text("pod-identity-token\n")
    monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", str(aws_home / "token"))  # read, and wins
    assert ContainerCredentials()().access_key == derived("container/container/pod")[0]


@pytest.mark.parametrize(
    "url", ["http://example.com/creds", "http://169.254.169.254/creds", "ftp://127.0.0.1/x", "http://[::2]/"]
)
def test_container_full_uri_must_be_https_or_a_local_host(aws_home: Path, monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url)
    with pytest.raises(AWSCredentialsError, match="must use https, or http to a loopback address"):
        ContainerCredentials()()


@pytest.mark.parametrize("url", ["https://creds.example.com/x", "http://localhost/x", "http://[::1]/x", "http://169.254.170.23/x"])
def test_container_full_uri_allowed(aws_home: Path, monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url)
    assert ContainerCredentials().url() == url


def test_container_token_with_a_line_break_is_refused(aws_home: Path, monkeypatch: pytest.MonkeyPatch, fake_aws: FakeAWS) -> None:
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/container/x")
    monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "abc\r\nX-Evil: 1")
    with pytest.raises(AWSCredentialsError, match="line break"):
        ContainerCredentials()()
    assert fake_aws.calls == []


# --- IMDSv2 ----------------------------------------------------------------------


def test_imds_v2_token_role_then_credentials(aws_home: Path, monkeypatch: pytest.MonkeyPatch, fake_aws: FakeAWS) -> None:
    monkeypatch.delenv("AWS_EC2_METADATA_DISABLED")
    found = InstanceMetadataCredentials()()
    assert (found.access_key, found.secret_key, found.token) == derived("imds")
    assert [(m, p) for m, p, _, _ in fake_aws.calls] == [
        ("PUT", "/latest/api/token"),
        ("GET", "/latest/meta-data/iam/security-credentials/"),
        ("GET", "/latest/meta-data/iam/security-credentials/instance-role"),
    ]
    assert fake_aws.calls[0][3]["x-aws-ec2-metadata-token-ttl-seconds"] == "21600"
    assert all(h["x-aws-ec2-metadata-token"] == "imds-session-token" for _, _, _, h in fake_aws.calls[1:])


def test_imds_endpoint_settings(aws_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert InstanceMetadataCredentials().endpoint == "http://169.254.169.254"
    monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6")
    assert InstanceMetadataCredentials().endpoint == "http://[fd00:ec2::254]"
    monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1338/")
    assert InstanceMetadataCredentials().endpoint == "http://127.0.0.1:1338"


def test_imds_disabled_or_without_a_role(aws_home: Path, monkeypatch: pytest.MonkeyPatch, fake_aws: FakeAWS) -> None:
    with pytest.raises(AWSCredentialsError, match="disabled by AWS_EC2_METADATA_DISABLED"):
        InstanceMetadataCredentials()()
    assert fake_aws.calls == []
    monkeypatch.delenv("AWS_EC2_METADATA_DISABLED")
    fake_aws.imds_role = ""
    with pytest.raises(AWSCredentialsError, match="the instance has no IAM role"):
        InstanceMetadataCredentials()()


# --- the shared files --------------------------------------------------------------


def test_a_malformed_file_is_named_without_its_content(aws_home: Path) -> None:
    (aws_home / ".aws" / "credentials").write_text("[default]\naws_secret_access_key = leaked-secret\nnot a setting line\n")
    with pytest.raises(AWSCredentialsError) as caught:
        ProfileCredentials()()
    text = str(caught.value)
    assert text.startswith(f"shared file {aws_home / '.aws' / 'credentials'}: cannot be parsed")
    assert "leaked-secret" not in text


def test_profile_errors_name_the_profile(aws_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (aws_home / ".aws" / "config").write_text(
        "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n"
        "[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = a\n"
        "[profile c]\nrole_arn = arn:aws:iam::1:role/c\n"
        "[profile d]\nsso_account_id = 1\nsso_session = nowhere\n"
        "[profile e]\naws_access_key_id = AKIDE\n"
        "[profile f]\nregion = eu-west-1\n"
    )
    cases = {
        "a": "AssumeRole (profile 'b'): source_profile loop: a -> b -> a.",
        "c": "AssumeRole (profile 'c'): role_arn needs source_profile or credential_source.",
        "d": "SSO (profile 'd'): the sso-session 'nowhere' does not exist.",
        "e": f"profile 'e' in {aws_home / '.aws' / 'config'}: aws_access_key_id is set but aws_secret_access_key is not.",
        "zz": f"profile 'zz': not found in {aws_home / '.aws' / 'config'}, {aws_home / '.aws' / 'credentials'}.",
    }
    for profile, message in cases.items():
        with pytest.raises(AWSCredentialsError) as caught:
            ProfileCredentials(profile)()
        assert str(caught.value) == message
    with pytest.raises(AWSCredentialsError, match="profile 'f' .*: has no role_arn, web_identity_token_file"):
        ProfileCredentials("f")()


def test_sso_profile_through_an_sso_session(aws_home: Path, fake_aws: FakeAWS) -> None:
    (aws_home / ".aws" / "config").write_text(
        "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Admin\n"
        "[sso-session corp]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = eu-west-1\n"
    )
    write_sso_token(aws_home, "corp", "2999-01-01T00:00:00Z")
    assert ProfileCredentials("dev")().access_key == derived("sso", "111122223333", "Admin")[0]
    (aws_home / ".aws" / "config").write_text("[profile dev]\nsso_account_id = 111122223333\nsso_role_name = Admin\n")
    with pytest.raises(AWSCredentialsError, match="the profile uses SSO but lacks sso_start_url, sso_region"):
        ProfileCredentials("dev")()


def test_bad_source_credentials_are_reported_as_such(backend: str, fake_aws: FakeAWS) -> None:
    from httpx_auth import InvalidParameter

    with pytest.raises(InvalidParameter, match="security_token must not contain line breaks"):
        AssumeRoleCredentials(ROLE, lambda: ("AKIDBASE", "base-secret", "token\r\nX-Evil: 1"))()
    assert fake_aws.calls == []
