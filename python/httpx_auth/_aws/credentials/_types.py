"""The credentials value, and reading AWS's timestamps."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

_ISO = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?\s*(Z|z|UTC|[+-]\d\d:?\d\d)?"
)


@dataclass(frozen=True)
class AWSCredentials:
    """One set of AWS credentials, as every source returns them (and as
    ``AWS4Auth(credentials=...)`` accepts them).

    :param access_key: the access key ID.
    :param secret_key: the secret access key (never shown in repr).
    :param token: the session token of temporary credentials, or None.
    :param expiry: when they expire (seconds since the epoch), or None if they do not.
    """

    access_key: str
    secret_key: str = field(repr=False)
    token: str | None = field(default=None, repr=False)
    expiry: float | None = None

    def __repr__(self) -> str:
        token = ", token=<hidden>" if self.token else ""
        return f"AWSCredentials(access_key={self.access_key!r}, secret_key=<hidden>{token}, expiry={self.expiry!r})"


def parse_timestamp(value: object) -> float | None:
    """An ISO 8601 timestamp (``2026-12-01T20:00:00Z``; no zone means UTC) as epoch
    seconds, or None when it is not one."""
    if not isinstance(value, str):
        return None
    match = _ISO.fullmatch(value.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    offset = datetime.timedelta(0)
    if zone and zone[0] in "+-":
        digits = zone[1:].replace(":", "")
        offset = datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        offset = -offset if zone[0] == "-" else offset
    try:
        moment = datetime.datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second),
            tzinfo=datetime.timezone(offset),
        )  # fmt: skip
    except ValueError:
        return None
    return moment.timestamp() + (float(f"0.{fraction}") if fraction else 0.0)
