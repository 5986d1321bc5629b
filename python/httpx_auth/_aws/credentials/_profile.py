"""Source 3: a profile of the shared files, resolved as the AWS CLI resolves it.

In order: ``role_arn`` with ``source_profile`` or ``credential_source`` (STS
``AssumeRole``, chained through source profiles), web identity, SSO, keys in the
credentials file, ``credential_process``, keys in the config file.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from httpx_auth._aws.credentials import _files
from httpx_auth._aws.credentials._assume_role import AssumeRoleCredentials
from httpx_auth._aws.credentials._container import ContainerCredentials, container_unavailable
from httpx_auth._aws.credentials._environment import EnvironmentCredentials, environment_unavailable
from httpx_auth._aws.credentials._errors import AWSCredentialsError, NoAWSCredentialsFound
from httpx_auth._aws.credentials._imds import InstanceMetadataCredentials, imds_disabled, imds_endpoint
from httpx_auth._aws.credentials._process import ProcessCredentials
from httpx_auth._aws.credentials._refresh import CredentialSource, ResolvingCredentials, StaticCredentials
from httpx_auth._aws.credentials._sso import SSOCredentials
from httpx_auth._aws.credentials._types import AWSCredentials
from httpx_auth._aws.credentials._web_identity import WebIdentityCredentials

_WEB_IDENTITY_ENV = {
    "web_identity_token_file": "AWS_WEB_IDENTITY_TOKEN_FILE",
    "role_arn": "AWS_ROLE_ARN",
    "role_session_name": "AWS_ROLE_SESSION_NAME",
}
_TOKENS = ("aws_security_token", "aws_session_token")  # the first one present wins
_SSO_PROFILE = ("sso_role_name", "sso_account_id")
_SSO_SESSION = ("sso_start_url", "sso_region")


def _has_static(profile: _files.Section) -> bool:
    return "aws_access_key_id" in profile or "aws_secret_access_key" in profile


def _assumes_role(profile: _files.Section) -> bool:
    return "role_arn" in profile and "web_identity_token_file" not in profile


class ProfileResolver:
    """Turns a profile of ``files`` into the source that gives its credentials."""

    def __init__(self, files: _files.SharedFiles, region: str | None) -> None:
        self.files = files
        self.region = region

    def _name(self, profile: str) -> str:
        return f"profile {profile!r}"

    def _text(self, profile: str, key: str) -> str | None:
        return self.files.setting(profile, key)

    # --- the top of the chain --------------------------------------------------

    def role(self, profile: str) -> CredentialSource | None:
        """AssumeRole, when the profile has a ``role_arn`` (without web identity)."""
        if _assumes_role(self.files.profiles.get(profile, {})):
            return self._assume_role(profile, [profile])
        return None

    def rest(self, profile: str, *, env: bool) -> CredentialSource | None:
        """Every other kind of profile credentials; web identity from the environment
        first when ``env``."""
        return self._web_identity(profile, env) or self._sso(profile) or self._keys_or_process(profile)

    # --- each kind -------------------------------------------------------------

    def _web_identity_setting(self, profile: str, key: str, env: bool) -> str | None:
        if env and _WEB_IDENTITY_ENV[key] in os.environ:
            return os.environ[_WEB_IDENTITY_ENV[key]]
        return self._text(profile, key)

    def _web_identity(self, profile: str, env: bool) -> CredentialSource | None:
        token_file = self._web_identity_setting(profile, "web_identity_token_file", env)
        if not token_file:
            return None
        role_arn = self._web_identity_setting(profile, "role_arn", env)
        if not role_arn:
            raise AWSCredentialsError(
                "web identity", "a token file is configured but no role ARN (AWS_ROLE_ARN or the profile's role_arn)."
            )
        return WebIdentityCredentials(
            role_arn, token_file, self._web_identity_setting(profile, "role_session_name", env), self.region
        )

    def _sso(self, profile: str) -> CredentialSource | None:
        settings = dict(self.files.profiles.get(profile, {}))
        if not any(key in settings for key in _SSO_PROFILE):
            return None
        source = f"SSO ({self._name(profile)})"
        required = _SSO_PROFILE + _SSO_SESSION
        session_name = self._text(profile, "sso_session")
        if "sso_session" in settings:
            if session_name not in self.files.sso_sessions:
                raise AWSCredentialsError(source, f"the sso-session {session_name!r} does not exist.")
            for key, value in self.files.sso_sessions[session_name or ""].items():
                if settings.get(key, value) != value:
                    raise AWSCredentialsError(source, f"{key} differs between the profile and its sso-session.")
                settings[key] = value
        missing = [key for key in required if not isinstance(settings.get(key), str)]
        if missing:
            raise AWSCredentialsError(source, f"the profile uses SSO but lacks {', '.join(missing)}.")
        text = {key: str(settings[key]) for key in required}
        return SSOCredentials(
            text["sso_start_url"], text["sso_region"], text["sso_account_id"], text["sso_role_name"],
            session_name=session_name, source_name=source, login_hint=f"aws sso login --profile {profile}",
        )  # fmt: skip

    def _keys_or_process(self, profile: str) -> CredentialSource | None:
        in_credentials = self.files.credentials_profiles.get(profile, {})
        if "aws_access_key_id" in in_credentials:
            return self._static(profile, in_credentials, self.files.credentials_file)
        command = self._text(profile, "credential_process")
        if command is not None:
            return ProcessCredentials(command, source_name=f"credential_process of {self._name(profile)}")
        in_config = self.files.config_profiles.get(profile, {})
        if "aws_access_key_id" in in_config:
            return self._static(profile, in_config, self.files.config_file)
        return None

    def _static(self, profile: str, section: _files.Section, path: str) -> CredentialSource:
        source = f"{self._name(profile)} in {path}"
        access_key, secret_key = section.get("aws_access_key_id"), section.get("aws_secret_access_key")
        if not isinstance(secret_key, str):
            raise AWSCredentialsError(source, "aws_access_key_id is set but aws_secret_access_key is not.")
        token = next((section[key] for key in _TOKENS if key in section), None)
        if not isinstance(access_key, str) or not (token is None or isinstance(token, str)):
            raise AWSCredentialsError(source, "the keys must be plain settings.")
        return StaticCredentials(AWSCredentials(access_key, secret_key, token or None), source)

    # --- AssumeRole and its chain ----------------------------------------------

    def _assume_role(self, profile: str, visited: list[str]) -> CredentialSource:
        source = f"AssumeRole ({self._name(profile)})"
        settings = self.files.profiles[profile]
        source_profile = self._text(profile, "source_profile")
        credential_source = self._text(profile, "credential_source")
        if source_profile is not None and credential_source is not None:
            raise AWSCredentialsError(source, "the profile has both source_profile and credential_source.")
        if "mfa_serial" in settings:
            raise AWSCredentialsError(source, "mfa_serial is not supported (it needs an MFA code typed in).")
        if credential_source is not None:
            signer = self._credential_source(source, credential_source)
        elif source_profile is not None:
            signer = self._source_profile(source, profile, source_profile, visited)
        else:
            raise AWSCredentialsError(source, "role_arn needs source_profile or credential_source.")
        duration = self._text(profile, "duration_seconds")
        return AssumeRoleCredentials(
            str(settings["role_arn"]),
            signer,
            session_name=self._text(profile, "role_session_name"),
            external_id=self._text(profile, "external_id"),
            duration_seconds=int(duration) if duration is not None and duration.strip().isdigit() else None,
            region=self.region,
            source_name=source,
        )

    def _credential_source(self, source: str, name: str) -> CredentialSource:
        sources: dict[str, tuple[Callable[[], str | None], Callable[[], CredentialSource]]] = {
            "Environment": (environment_unavailable, EnvironmentCredentials),
            "EcsContainer": (container_unavailable, ContainerCredentials),
            "Ec2InstanceMetadata": (imds_disabled, lambda: InstanceMetadataCredentials(imds_endpoint())),
        }
        if name not in sources:
            raise AWSCredentialsError(
                source, f"credential_source {name!r} is not one of {', '.join(sorted(sources))}."
            )
        unavailable, make = sources[name]
        why = unavailable()
        if why is not None:
            raise AWSCredentialsError(source, f"credential_source {name} has no credentials ({why}).")
        return make()

    def _source_profile(self, source: str, profile: str, source_profile: str, visited: list[str]) -> CredentialSource:
        if source_profile not in self.files.profiles:
            raise AWSCredentialsError(source, f"its source_profile {source_profile!r} does not exist.")
        settings = self.files.profiles[source_profile]
        if source_profile in visited and (source_profile != profile or not _has_static(settings)):
            raise AWSCredentialsError(source, f"source_profile loop: {' -> '.join([*visited, source_profile])}.")
        visited.append(source_profile)
        if _has_static(settings) or not _assumes_role(settings):
            found = self.rest(source_profile, env=False)
            if found is None:
                raise AWSCredentialsError(source, f"its source_profile {source_profile!r} has no credentials.")
            return found
        return self._assume_role(source_profile, visited)


NO_SETTINGS = "has no role_arn, web_identity_token_file, sso_*, aws_access_key_id or credential_process"


class ProfileCredentials(ResolvingCredentials):
    """The credentials of a profile of the shared files (``AWS_CONFIG_FILE`` and
    ``AWS_SHARED_CREDENTIALS_FILE``, by default under ``~/.aws``).

    :param profile: the profile (default: ``AWS_DEFAULT_PROFILE``, ``AWS_PROFILE``, else
        ``default``).
    :param region: the STS region for ``role_arn`` profiles (default: the profile's).
    """

    def __init__(self, profile: str | None = None, *, region: str | None = None) -> None:
        super().__init__()
        self.profile = profile
        self.region = region
        self.source_name = f"profile {_files.profile_name(profile)!r}"

    def __repr__(self) -> str:
        return f"ProfileCredentials(profile={self.profile!r})"

    def select(self) -> CredentialSource:
        files = _files.load()
        name = _files.named_profile(files, self.profile)
        resolver = ProfileResolver(files, self.region or profile_region(files, name))
        found = resolver.role(name) or resolver.rest(name, env=False)
        if found is None:
            raise NoAWSCredentialsFound([(f"profile {name!r} ({files.where})", profile_absence(files, name))])
        return found


def profile_region(files: _files.SharedFiles, profile: str) -> str | None:
    """``AWS_REGION``, ``AWS_DEFAULT_REGION``, else the profile's ``region``."""
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or files.setting(profile, "region") or None


def profile_absence(files: _files.SharedFiles, profile: str) -> str:
    return NO_SETTINGS if profile in files.profiles else "no such profile in these files"
