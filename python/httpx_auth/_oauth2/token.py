"""A token as the engine stores it, and the ways its expiry is learnt."""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field
from typing import Any

from httpx_auth import _core
from httpx_auth._errors import InvalidToken, TokenExpiryNotProvided

log = logging.getLogger("httpx_auth")

# Longest lifetime we believe (100 years). A larger ``expires_in`` is a broken server.
MAX_LIFETIME = 100 * 365.25 * 24 * 3600.0

# A token is renewed ``early_expiry`` seconds before it expires, but never earlier than
# this fraction of its lifetime: a token living 20 s with early_expiry=30 is still used
# for its first 10 s instead of being renewed for every request.
RENEWAL_FRACTION = 0.5


@dataclass(frozen=True)
class Token:
    """A token obtained by a grant.

    ``expiry`` is the moment it stops being valid, in seconds since the epoch, or
    ``None`` for a token that never expires (kept until replaced). ``refresh_token``
    is the refresh token that came with it, if any. ``lifetime`` is how long it was
    valid when obtained (``None`` when unknown): it caps how early it is renewed (see
    ``margin``). The repr hides both secrets.
    """

    access_token: str = field(repr=False)
    expiry: float | None = None
    refresh_token: str | None = field(default=None, repr=False)
    lifetime: float | None = None
    # The largest renewal margin this token allows, precomputed for the cache's hot path.
    margin_cap: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        cap = math.inf if self.lifetime is None else self.lifetime * RENEWAL_FRACTION
        object.__setattr__(self, "margin_cap", cap)

    def margin(self, early_expiry: float) -> float:
        """How many seconds before its expiry this token is renewed: ``early_expiry``,
        capped at ``RENEWAL_FRACTION`` of its lifetime."""
        return early_expiry if early_expiry <= self.margin_cap else self.margin_cap

    def expires_within(self, seconds: float, now: float | None = None) -> bool:
        """Whether the token is expired, or will be within ``seconds`` (capped by ``margin``)."""
        if self.expiry is None:
            return False
        return (time.time() if now is None else now) + self.margin(seconds) >= self.expiry

    def keeping(self, refresh_token: str) -> Token:
        """This token answered a refresh with ``refresh_token``: without a new refresh
        token in the answer, the old one stays good (RFC 6749 §6)."""
        return self if self.refresh_token else Token(self.access_token, self.expiry, refresh_token, self.lifetime)


def note_margin_cap(token: Token, early_expiry: float) -> None:
    """Log (at DEBUG, once per token obtained) that ``token`` lives too short for
    ``early_expiry``, so it is renewed later than asked."""
    if token.margin(early_expiry) < early_expiry:
        log.debug(
            "The token obtained lives %.3g s, less than twice early_expiry (%.3g s): it is renewed %.3g s before it expires.",
            token.lifetime,
            early_expiry,
            token.margin_cap,
        )


def header_safe(token: str) -> bool:
    """Whether ``token`` can go in a header as it is: printable, without surrounding spaces
    (no CR/LF or other control characters a transport would refuse or mangle)."""
    return token.isprintable() and token == token.strip()


def expiry_from_expires_in(value: Any, now: float | None = None) -> float:
    """The expiry of a token given ``expires_in`` (a number or a numeric string).

    Raises ``ValueError`` (with a message free of secrets) when it is not a finite,
    non-negative number of seconds of at most ``MAX_LIFETIME``.
    """
    if isinstance(value, bool):
        raise ValueError("expires_in must be a number of seconds, not a boolean")
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise ValueError("expires_in must be a number of seconds") from None
    if not isinstance(value, (int, float)):
        raise ValueError(f"expires_in must be a number of seconds, not {type(value).__name__}")
    try:
        seconds = float(value)
    except OverflowError:  # an integer with hundreds of digits
        raise ValueError("expires_in is implausibly large (more than 100 years)") from None
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError("expires_in must be a finite, non-negative number of seconds")
    if seconds > MAX_LIFETIME:
        raise ValueError("expires_in is implausibly large (more than 100 years)")
    return (time.time() if now is None else now) + seconds


def expiry_from_jwt(token: str, token_name: str = "access_token") -> float:
    """The ``exp`` claim of the JWT ``token``, read by the active core.

    Raises ``InvalidToken`` when ``token`` is not a readable JWT and
    ``TokenExpiryNotProvided`` when it has no ``exp`` claim.
    """
    try:
        exp = _core.backend.jwt_exp(token)
    except ValueError as error:
        # The core's messages describe the structure, never the content.
        raise InvalidToken(token_name, str(error) + ".") from None
    if exp is None:
        raise TokenExpiryNotProvided()
    expiry = float(exp)
    if not math.isfinite(expiry):
        raise InvalidToken(token_name, "Its exp claim is not a finite number.")
    return expiry
