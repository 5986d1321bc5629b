"""The shared config and credentials files (``~/.aws/config``, ``~/.aws/credentials``),
read the way the AWS CLI reads them.

Config file sections are ``[default]``, ``[profile NAME]`` and ``[sso-session NAME]``;
credentials file sections are bare profile names. A profile's settings are those of
the config file updated with those of the credentials file (which wins).
"""

from __future__ import annotations

import configparser
import os
import shlex
from dataclasses import dataclass, field
from typing import Union

from httpx_auth._aws.credentials._errors import AWSCredentialsError

# A setting is text, or (an indented block such as ``s3 =\n  addressing_style = path``)
# a mapping of its own.
Value = Union[str, dict[str, str]]
Section = dict[str, Value]


def config_path() -> str:
    return _expand(os.environ.get("AWS_CONFIG_FILE") or os.path.join("~", ".aws", "config"))


def credentials_path() -> str:
    return _expand(os.environ.get("AWS_SHARED_CREDENTIALS_FILE") or os.path.join("~", ".aws", "credentials"))


def profile_name(explicit: str | None = None) -> str:
    """The profile to use: ``explicit``, else ``AWS_DEFAULT_PROFILE``, ``AWS_PROFILE``, ``default``."""
    return explicit or os.environ.get("AWS_DEFAULT_PROFILE") or os.environ.get("AWS_PROFILE") or "default"


@dataclass
class SharedFiles:
    """Both files, parsed."""

    config_file: str
    credentials_file: str
    profiles: dict[str, Section] = field(default_factory=dict)  # merged
    config_profiles: dict[str, Section] = field(default_factory=dict)
    credentials_profiles: dict[str, Section] = field(default_factory=dict)
    sso_sessions: dict[str, Section] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"{self.config_file}, {self.credentials_file}"

    def setting(self, profile: str, name: str) -> str | None:
        """A profile's text setting, or None."""
        value = self.profiles.get(profile, {}).get(name)
        return value if isinstance(value, str) else None


def load() -> SharedFiles:
    """Read both files (a missing file is an empty one)."""
    files = SharedFiles(config_path(), credentials_path())
    for section, values in _parse(files.config_file).items():
        if section.startswith("profile"):
            name = _section_name(section)
            if name is not None:
                files.config_profiles[name] = values
        elif section.startswith("sso-session"):
            name = _section_name(section)
            if name is not None:
                files.sso_sessions[name] = values
        elif section == "default":
            files.config_profiles["default"] = values
    files.credentials_profiles = _parse(files.credentials_file)
    files.profiles = {name: dict(values) for name, values in files.config_profiles.items()}
    for name, values in files.credentials_profiles.items():
        files.profiles.setdefault(name, {}).update(values)
    return files


def _expand(path: str) -> str:
    return os.path.expanduser(os.path.expandvars(path))


def _section_name(section: str) -> str | None:
    # "[profile NAME]": the second of exactly two shell-like words.
    try:
        parts = shlex.split(section)
    except ValueError:
        return None
    return parts[1] if len(parts) == 2 else None


def _parse(path: str) -> dict[str, Section]:
    if not os.path.isfile(path):
        return {}
    parser = configparser.RawConfigParser()
    try:
        parser.read([path])
    except (configparser.Error, UnicodeDecodeError) as error:
        raise AWSCredentialsError(f"shared file {path}", f"cannot be parsed ({type(error).__name__}).") from None
    sections: dict[str, Section] = {}
    for section in parser.sections():
        values: Section = {}
        for option in parser.options(section):
            value = parser.get(section, option)
            values[option] = _nested(path, value) if value.startswith("\n") else value
        sections[section] = values
    return sections


def _nested(path: str, value: str) -> dict[str, str]:
    nested: dict[str, str] = {}
    for line in value.splitlines():
        line = line.strip()
        if not line:
            continue
        key, equals, rest = line.partition("=")
        if not equals:
            raise AWSCredentialsError(f"shared file {path}", "an indented setting has no '='.")
        nested[key.strip()] = rest.strip()
    return nested


def named_profile(files: SharedFiles, explicit: str | None) -> str:
    """The profile to use; one asked for by name (argument or environment) must exist."""
    name = profile_name(explicit)
    named = explicit is not None or "AWS_DEFAULT_PROFILE" in os.environ or "AWS_PROFILE" in os.environ
    if named and name not in files.profiles:
        raise AWSCredentialsError(f"profile {name!r}", f"not found in {files.where}.")
    return name
