"""The same answer as botocore: for generated profiles, files and environments, the
credentials (access key, secret, token) and region our chain finds are the ones
botocore's own resolver finds, or both fail.

Both talk to the same fake STS (over real HTTP on 127.0.0.1, through
``AWS_ENDPOINT_URL_STS``), which derives the credentials it hands out from the role, the
caller's access key, the session name and the external ID: a role chain that differs
anywhere gives other keys. Instance metadata is disabled. SSO profiles are compared on
their own, at the end (botocore's token cache directory has to be pointed at the test's)."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import botocore.exceptions
import botocore.session
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from httpx_auth import AWSCredentialsError, DefaultCredentials, NoAWSCredentialsFound
from httpx_auth._aws.credentials._chain import configured_region

from aws_fakes import FakeAWS, derived, serve

NAMES = ["default", "dev", "prod", "ops"]
PROCESS = '''import json, sys
kind, seed = sys.argv[1], sys.argv[2]
key, secret, token = ("AKIDPROC" + seed.upper(), "proc-secret-" + seed, "proc-token-" + seed)
if kind == "fail":
    sys.stderr.write("no credentials for you\\n"); sys.exit(3)
if kind == "junk":
    print("this is not json"); sys.exit(0)
body = {"Version": 2 if kind == "version2" else 1, "AccessKeyId": key, "SecretAccessKey": secret}
if kind != "no-token":
    body["SessionToken"] = token
if kind == "expiring":
    body["Expiration"] = "2999-01-01T00:00:00Z"
print(json.dumps(body))
'''

profiles = st.dictionaries(
    st.sampled_from(NAMES),
    st.fixed_dictionaries(
        {},
        optional={
            "keys_in": st.sampled_from(["config", "credentials", "both"]),
            "token": st.sampled_from(["aws_session_token", "aws_security_token", "both"]),
            "secret_missing": st.just(True),
            "role": st.tuples(
                st.sampled_from([*NAMES, "Environment", "Ec2Bogus", "both"]),
                st.sampled_from([None, "named-session"]),
                st.sampled_from([None, "ext-1"]),
            ),
            "role_in": st.just("credentials"),
            "process": st.sampled_from(["ok", "expiring", "no-token", "fail", "junk", "version2"]),
            "web_identity": st.sampled_from(["with-role", "without-role"]),
            "region": st.sampled_from(["eu-west-1", "ap-south-1"]),
            "region_in": st.just("credentials"),
            "empty_section": st.just(True),
        },
    ),
    max_size=4,
)
environments = st.fixed_dictionaries(
    {},
    optional={
        "keys": st.sampled_from(["full", "token", "security-token", "both-tokens", "no-secret"]),
        "AWS_PROFILE": st.sampled_from([*NAMES, "missing"]),
        "AWS_DEFAULT_PROFILE": st.sampled_from(NAMES),
        "web_identity": st.sampled_from(["full", "no-role", "with-session"]),
        "AWS_DEFAULT_REGION": st.sampled_from(["us-west-2", "sa-east-1"]),
        "explicit": st.sampled_from([*NAMES, "missing"]),
    },
)


@pytest.fixture(scope="module")
def sts_url() -> Iterator[str]:
    with serve(FakeAWS()) as url:
        yield url


def _write_profiles(root: Path, spec: dict[str, dict[str, Any]]) -> None:
    config: list[str] = []
    credentials: list[str] = []
    (root / "token").write_text("web-identity-token-from-file")
    (root / "proc.py").write_text(PROCESS)
    for name, p in spec.items():
        in_config: list[str] = []
        in_credentials: list[str] = []
        if "keys_in" in p:
            key, secret, token = derived("static", name)
            lines = [f"aws_access_key_id = {key}"]
            if "secret_missing" not in p:
                lines.append(f"aws_secret_access_key = {secret}")
            if p.get("token") in ("aws_session_token", "both"):
                lines.append(f"aws_session_token = {token}")
            if p.get("token") in ("aws_security_token", "both"):
                lines.append(f"aws_security_token = sec-{token}")
            if p["keys_in"] in ("config", "both"):
                in_config += lines
            if p["keys_in"] in ("credentials", "both"):
                in_credentials += [line.replace("AKID", "AKCR").replace("ASIA", "ASCR") for line in lines]
        if "role" in p:
            source, session, external = p["role"]
            target = in_credentials if "role_in" in p else in_config
            target.append(f"role_arn = arn:aws:iam::123456789012:role/{name}-role")
            if source in NAMES:
                target.append(f"source_profile = {source}")
            elif source == "both":
                target += ["source_profile = default", "credential_source = Environment"]
            else:
                target.append(f"credential_source = {source}")
            if session:
                target.append(f"role_session_name = {session}")
            if external:
                target.append(f"external_id = {external}")
        if "process" in p:
            in_config.append(f"credential_process = {sys.executable} {root / 'proc.py'} {p['process']} {name}")
        if "web_identity" in p:
            in_config.append(f"web_identity_token_file = {root / 'token'}")
            if p["web_identity"] == "with-role" and "role" not in p:
                in_config.append(f"role_arn = arn:aws:iam::123456789012:role/{name}-web")
        if "region" in p:
            (in_credentials if "region_in" in p else in_config).append(f"region = {p['region']}")
        header = "[default]" if name == "default" else f"[profile {name}]"
        if in_config or "empty_section" in p:
            config += [header, *in_config, ""]
        if in_credentials:
            credentials += [f"[{name}]", *in_credentials, ""]
    (root / "config").write_text("\n".join(config))
    (root / "credentials").write_text("\n".join(credentials))


def _environment(root: Path, sts_url: str, spec: dict[str, str]) -> dict[str, str]:
    env = {
        key: value for key, value in os.environ.items() if not key.startswith("AWS_")
    }
    env.update(
        HOME=str(root),
        AWS_CONFIG_FILE=str(root / "config"),
        AWS_SHARED_CREDENTIALS_FILE=str(root / "credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        AWS_ENDPOINT_URL_STS=sts_url,
    )
    keys = spec.get("keys")
    if keys:
        env["AWS_ACCESS_KEY_ID"] = "AKIDFROMENV"
        if keys != "no-secret":
            env["AWS_SECRET_ACCESS_KEY"] = "env-secret"
        if keys in ("token", "both-tokens"):
            env["AWS_SESSION_TOKEN"] = "env-token"
        if keys in ("security-token", "both-tokens"):
            env["AWS_SECURITY_TOKEN"] = "env-security-token"
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_DEFAULT_REGION"):
        if name in spec:
            env[name] = spec[name]
    web = spec.get("web_identity")
    if web:
        env["AWS_WEB_IDENTITY_TOKEN_FILE"] = str(root / "token")
        if web != "no-role":
            env["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/from-env"
        if web == "with-session":
            env["AWS_ROLE_SESSION_NAME"] = "env-session"
    return env


@contextmanager
def _scenario(sts_url: str, profile_spec: dict[str, Any], env_spec: dict[str, str]) -> Iterator[None]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _write_profiles(root, profile_spec)
        with mock.patch.dict(os.environ, _environment(root, sts_url, env_spec), clear=True):
            yield


def _botocore(explicit: str | None) -> tuple[Any, Any]:
    """(credentials outcome, region outcome), each ("ok", value) or ("error", kind)."""
    try:
        region: Any = ("ok", botocore.session.Session(profile=explicit).get_config_variable("region") or None)
    except botocore.exceptions.BotoCoreError as error:
        region = ("error", type(error).__name__)
    try:
        session = botocore.session.Session(profile=explicit)
        if region[0] == "error" or region[1] is None:  # an endpoint URL needs a region: STS's global one
            session.set_config_variable("region", "us-east-1")
        credentials = session.get_credentials()
        frozen = None if credentials is None else credentials.get_frozen_credentials()
    except (botocore.exceptions.BotoCoreError, ValueError) as error:  # junk JSON: a bare ValueError
        return ("error", type(error).__name__), region
    keys = None if frozen is None else (frozen.access_key, frozen.secret_key, frozen.token or None)
    return ("ok", keys), region


def _ours(explicit: str | None) -> tuple[Any, Any]:
    try:
        found = DefaultCredentials(explicit)()
        keys: Any = ("ok", (found.access_key, found.secret_key, found.token))
    except NoAWSCredentialsFound:
        keys = ("ok", None)
    except AWSCredentialsError as error:
        keys = ("error", str(error))
    try:
        region: Any = ("ok", configured_region(explicit))
    except AWSCredentialsError as error:
        region = ("error", str(error))
    return keys, region


def assert_same_as_botocore(sts_url: str, profile_spec: dict[str, Any], env_spec: dict[str, str]) -> None:
    """Both find the same keys and region, or both fail."""
    explicit = env_spec.get("explicit")
    with _scenario(sts_url, profile_spec, env_spec):
        theirs = _botocore(explicit)
        ours = _ours(explicit)
    for what, mine, botocores in zip(("credentials", "region"), ours, theirs):
        assert mine[0] == botocores[0], (what, mine, botocores)
        if botocores[0] == "ok":
            assert mine[1] == botocores[1], what


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(profile_spec=profiles, env_spec=environments)
def test_the_chain_finds_what_botocore_finds(sts_url: str, profile_spec: dict[str, Any], env_spec: dict[str, str]) -> None:
    assert_same_as_botocore(sts_url, profile_spec, env_spec)


CHAINS = [
    # A role chain three deep, ending in static keys.
    ({"default": {"role": ("dev", None, None)}, "dev": {"role": ("prod", "named-session", "ext-1")},
      "prod": {"keys_in": "credentials"}}, {}),
    # A role whose source profile runs a credential_process.
    ({"default": {"role": ("ops", None, None)}, "ops": {"process": "expiring"}}, {}),
    # A profile that is its own source (keys and role_arn together).
    ({"default": {"role": ("default", None, None), "keys_in": "config"}}, {}),
    # Web identity from the environment beats the profile's keys, not its role.
    ({"default": {"keys_in": "both"}}, {"web_identity": "with-session"}),
    ({"default": {"role": ("dev", None, None)}, "dev": {"keys_in": "config"}}, {"web_identity": "full"}),
    # A role sourced from web identity in another profile.
    ({"dev": {"role": ("ops", None, None)}, "ops": {"web_identity": "with-role"}}, {"AWS_PROFILE": "dev"}),
    # credential_source = Environment, with a named profile (which skips plain env keys).
    ({"dev": {"role": ("Environment", None, None)}}, {"keys": "token", "explicit": "dev"}),
    # A loop, a missing source, both sources, a failing and a junk process.
    ({"default": {"role": ("dev", None, None)}, "dev": {"role": ("default", None, None)}}, {}),
    ({"default": {"role": ("prod", None, None)}}, {}),
    ({"default": {"role": ("both", None, None), "keys_in": "config"}}, {}),
    ({"default": {"process": "fail"}}, {}),
    ({"default": {"process": "junk"}}, {}),
    # Both token names: which one wins, in the files and in the environment.
    ({"default": {"keys_in": "both", "token": "both"}}, {}),
    ({"default": {"keys_in": "config", "token": "both"}}, {}),
    ({}, {"keys": "both-tokens"}),
    # Nothing at all, and a profile named that does not exist.
    ({}, {}),
    ({"dev": {"keys_in": "config"}}, {"AWS_PROFILE": "missing", "keys": "full"}),
]


@pytest.mark.parametrize(("profile_spec", "env_spec"), CHAINS)
def test_chosen_scenarios_match_botocore(sts_url: str, profile_spec: dict[str, Any], env_spec: dict[str, str]) -> None:
    assert_same_as_botocore(sts_url, profile_spec, env_spec)


SSO_CONFIGS = {
    "sso-session": "[default]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Admin\n"
    "[sso-session corp]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = eu-west-1\n",
    "legacy": "[default]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = eu-west-1\n"
    "sso_account_id = 111122223333\nsso_role_name = Admin\n",
}


@pytest.mark.parametrize("kind", sorted(SSO_CONFIGS))
def test_sso_matches_botocore(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    import hashlib
    import json

    import botocore.credentials
    import botocore.tokens

    cache = tmp_path / ".aws" / "sso" / "cache"
    cache.mkdir(parents=True)
    key = "corp" if kind == "sso-session" else "https://d-1.awsapps.com/start"
    token = {
        "accessToken": "sso-access-token", "expiresAt": "2999-01-01T00:00:00Z",
        "startUrl": "https://d-1.awsapps.com/start", "region": "eu-west-1",
    }  # fmt: skip
    (cache / (hashlib.sha1(key.encode()).hexdigest() + ".json")).write_text(json.dumps(token))
    (tmp_path / "config").write_text(SSO_CONFIGS[kind])
    # botocore fixes its token cache directories at import, from the HOME of then.
    monkeypatch.setattr(botocore.credentials.SSOProvider, "_SSO_TOKEN_CACHE_DIR", str(cache))
    monkeypatch.setattr(botocore.tokens.SSOTokenProvider, "_SSO_TOKEN_CACHE_DIR", str(cache))
    with serve(FakeAWS()) as url:
        env = _environment(tmp_path, url, {})
        env["AWS_ENDPOINT_URL_SSO"] = url
        with mock.patch.dict(os.environ, env, clear=True):
            theirs = _botocore(None)
            ours = _ours(None)
    assert theirs[0] == ("ok", derived("sso", "111122223333", "Admin"))
    assert ours == theirs
