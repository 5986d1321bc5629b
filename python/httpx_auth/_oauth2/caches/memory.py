"""The in-memory token cache, and the interface every token cache offers."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Union

from httpx_auth import _validation as check
from httpx_auth._errors import AuthenticationFailed, InvalidParameter
from httpx_auth._oauth2 import single_flight
from httpx_auth._oauth2.token import Token, expiry_from_expires_in, note_margin_cap

log = logging.getLogger("httpx_auth")

# What get_token's callbacks may return: a Token, a bare access token that never expires,
# or the original library's tuple ``(key, access_token[, expires_in[, refresh_token]])``.
TokenLike = Union[Token, str, tuple[Any, ...]]


def _as_token(value: TokenLike, callback: str) -> Token:
    if isinstance(value, Token):
        return value
    if isinstance(value, str):
        return Token(check.header_value(f"the access token {callback} returned", value))
    if not isinstance(value, tuple) or not 2 <= len(value) <= 4:
        raise InvalidParameter(
            f"{callback} must return a Token, an access token, or a tuple "
            f"(key, access_token[, expires_in[, refresh_token]]), not {type(value).__name__}."
        )
    # The key comes first in the original's tuples; the token is stored under the key asked for.
    _, access_token, expires_in, refresh_token = (*value, None, None)[:4]
    access_token = check.header_value(f"the access token {callback} returned", access_token)
    if refresh_token is not None:
        refresh_token = check.text(f"the refresh token {callback} returned", refresh_token)
    if expires_in is None:
        return Token(access_token, None, refresh_token)
    now = time.time()
    try:
        expiry = expiry_from_expires_in(expires_in, now)
    except ValueError as error:
        raise InvalidParameter(f"{callback} returned an invalid expires_in: {error}.") from None
    return Token(access_token, expiry, refresh_token, expiry - now)


class TokenMemoryCache:
    """Tokens kept in memory, by cache key, for the life of the process.

    The engine of every OAuth2 auth uses ``lookup``, ``stored``, ``store`` and
    ``discard``; a custom cache can subclass this one and override them, or override
    only ``_tokens_changed_elsewhere`` and ``_update`` to persist tokens somewhere (see
    ``JsonTokenFileCache``).
    """

    def __init__(self) -> None:
        self._tokens: dict[str, Token] = {}
        self._lock = threading.RLock()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(<{len(self._tokens)} tokens>)"

    @property
    def tokens(self) -> dict[str, tuple[str, float | None, str | None]]:
        """A snapshot of the tokens, as the original library exposed them: cache key to
        ``(access_token, expiry, refresh_token)``, ``expiry`` in seconds since the epoch
        (``None``: never expires). Changing it changes nothing in the cache."""
        self._tokens_changed_elsewhere()
        with self._lock:
            return {key: (t.access_token, t.expiry, t.refresh_token) for key, t in self._tokens.items()}

    # -- what the engine uses -------------------------------------------------------

    def lookup(self, key: str, *, early_expiry: float = 30.0) -> Token | None:
        """The token stored for ``key`` if it stays valid for ``early_expiry`` seconds."""
        token = self._tokens.get(key)
        if token is not None and (
            token.expiry is None
            or time.time() + (early_expiry if early_expiry <= token.margin_cap else token.margin_cap) < token.expiry
        ):
            return token  # the hot path: Token.expires_within, inlined
        if not self._tokens_changed_elsewhere():
            return None
        token = self._tokens.get(key)
        return None if token is None or token.expires_within(early_expiry) else token

    def stored(self, key: str) -> Token | None:
        """The token stored for ``key``, even an expired one (for its refresh token)."""
        self._tokens_changed_elsewhere()
        return self._tokens.get(key)

    def store(self, key: str, token: Token) -> None:
        """Keep ``token`` for ``key``, replacing what was there."""

        def put(tokens: dict[str, Token]) -> None:
            _prune(tokens)
            tokens[key] = token

        self._update(put)
        log.debug("Token stored for key %s (expiry: %s).", key, token.expiry)

    def discard(self, key: str) -> None:
        """Forget the token stored for ``key``, if any."""
        self._update(lambda tokens: tokens.pop(key, None))
        log.debug("Token removed for key %s.", key)

    # -- the public API of the reference ----------------------------------------------

    def get_token(
        self,
        key: str,
        *,
        early_expiry: float = 30.0,
        on_missing_token: Callable[[], TokenLike] | None = None,
        on_expired_token: Callable[[str], TokenLike | None] | None = None,
    ) -> str:
        """The access token stored for ``key``, valid for at least ``early_expiry`` seconds.

        When there is none, ``on_expired_token(refresh_token)`` is tried first if the
        expired token had a refresh token (returning ``None`` means it could not refresh),
        then ``on_missing_token()``. Both return a ``Token``, a bare access token that
        never expires, or (as in the original library) a tuple ``(key, access_token[,
        expires_in[, refresh_token]])``; the token is stored under ``key``. Concurrent
        callers missing the same key call the callbacks once. Without callbacks, a
        missing token raises ``AuthenticationFailed``.
        """

        def obtain() -> Token:
            previous = self.stored(key)
            token: Token | None = None
            if previous is not None and previous.refresh_token and on_expired_token is not None:
                log.debug("Token for key %s expired: refreshing it.", key)
                refreshed = on_expired_token(previous.refresh_token)
                if refreshed is not None:
                    token = _as_token(refreshed, "on_expired_token").keeping(previous.refresh_token)
            if token is None:
                if on_missing_token is None:
                    raise AuthenticationFailed("No valid token is cached for this key.")
                log.debug("No valid token for key %s: requesting a new one.", key)
                token = _as_token(on_missing_token(), "on_missing_token")
            self.store(key, token)
            note_margin_cap(token, early_expiry)
            return token

        def cached() -> Token | None:
            return self.lookup(key, early_expiry=early_expiry)

        return single_flight.run_once(self, key, cached, obtain, patience=600.0).access_token

    def clear(self) -> None:
        """Forget every token."""
        self._update(lambda tokens: tokens.clear())
        log.debug("Token cache cleared.")

    # -- persistence hooks ------------------------------------------------------------

    def _tokens_changed_elsewhere(self) -> bool:
        """Reload ``self._tokens`` if another process changed them; ``True`` if reloaded.

        Called when a lookup misses, so that a token obtained elsewhere is found."""
        return False

    def _update(self, change: Callable[[dict[str, Token]], object]) -> None:
        """Apply ``change`` to the tokens (a persistent cache re-reads and writes them)."""
        with self._lock:
            change(self._tokens)


def _prune(tokens: dict[str, Token]) -> None:
    """Drop tokens that expired and cannot be refreshed, so caches do not grow forever."""
    now = time.time()
    for key in [k for k, t in tokens.items() if t.refresh_token is None and t.expires_within(0, now)]:
        del tokens[key]
