"""Backend selection: the compiled core when present, its pure-Python twin otherwise.

Callers do ``from httpx_auth import _core`` and call ``_core.backend.<name>`` at call
time, so tests can swap the backend and run one suite against both. ``Backend`` is
the contract both satisfy; mypy checks it against both modules and every call site
against it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

Header = tuple[bytes, bytes, bytes]


class Signer(Protocol):
    """A SigV4 signer: built once per credentials, called once per request."""

    def with_credentials(self, access_id: str, secret_key: str, security_token: str | None) -> Signer: ...

    def sign_headers(
        self, method: str, target: bytes, headers: Sequence[Header], payload_hash: str, timestamp: int
    ) -> list[Header]: ...

    def presign(
        self,
        *,
        method: str,
        origin: str,
        host: str | None,
        target: bytes,
        headers: Sequence[Header],
        payload_hash: str,
        timestamp: int,
        expires_in: int,
    ) -> str: ...

    def presign_url(
        self, url: str, method: str, payload_hash: str, timestamp: int, expires_in: int
    ) -> str | None: ...

    def presign_keys(
        self,
        *,
        method: str,
        origin: str,
        host: str,
        base_path: bytes,
        base_query: bytes,
        keys: Sequence[str],
        payload_hash: str,
        timestamp: int,
        expires_in: int,
    ) -> list[str]: ...


class SignerClass(Protocol):
    def __call__(
        self,
        *,
        access_id: str,
        secret_key: str,
        security_token: str | None,
        region: str,
        service: str,
        include: Sequence[str],
        normalize_path: bool,
        double_encode: bool,
        content_sha256: bool,
    ) -> Signer: ...


class Checksum(Protocol):
    """An S3 checksum computed a piece at a time."""

    def update(self, data: bytes) -> None: ...

    def digest(self) -> bytes: ...


class ChecksumClass(Protocol):
    def __call__(self, algorithm: str) -> Checksum: ...


class DpopSigner(Protocol):
    """Signs DPoP proofs (RFC 9449) with one P-256 key."""

    def proof(
        self,
        htm: str,
        htu: str,
        iat: int,
        *,
        nonce: str | None = None,
        access_token: str | None = None,
        jti: str | None = None,
    ) -> str: ...

    @property
    def public_jwk(self) -> str: ...

    @property
    def thumbprint(self) -> str: ...


class DpopSignerClass(Protocol):
    def __call__(self, private_scalar: bytes) -> DpopSigner: ...


class Backend(Protocol):
    """What the library calls on the core (``_native`` and ``_purepy`` alike)."""

    def sha256_hex(self, data: bytes) -> str: ...

    def pkce_s256_challenge(self, verifier: str) -> str: ...

    def jwt_exp(self, token: str) -> float | None: ...

    def split_plain_url(self, url: str) -> tuple[str, str, bytes] | None: ...

    @property
    def SigV4Signer(self) -> SignerClass: ...  # noqa: N802 (a class)

    # The SigV4 building blocks of S3 POST policies and aws-chunked uploads.
    def sigv4_amz_date(self, timestamp: int) -> str: ...

    def sigv4_signing_key(self, secret_key: str, date: str, region: str, service: str) -> bytes: ...

    def sigv4_signature(self, signing_key: bytes, string_to_sign: str) -> str: ...

    def sigv4_chunk_signature(
        self, signing_key: bytes, amz_date: str, scope: str, previous: str, data: bytes
    ) -> str: ...

    def sigv4_trailer_signature(
        self, signing_key: bytes, amz_date: str, scope: str, previous: str, canonical_trailer: bytes
    ) -> str: ...

    # S3 checksums.
    def checksum_digest(self, algorithm: str, data: bytes) -> bytes: ...

    @property
    def Checksum(self) -> ChecksumClass: ...  # noqa: N802 (a class)

    # DPoP proofs.
    @property
    def DpopSigner(self) -> DpopSignerClass: ...  # noqa: N802 (a class)


if TYPE_CHECKING:  # both modules must satisfy the contract
    from httpx_auth import _native, _purepy

    _native_backend: Backend = _native
    _pure_backend: Backend = _purepy


def _extensions_disabled() -> bool:
    value = os.environ.get("HTTPX_AUTH_NO_EXTENSIONS", "")
    return value not in ("", "0")


def available() -> dict[str, Backend]:
    """The backends this process may use, by name: the twin always, the compiled core
    when it imports and ``HTTPX_AUTH_NO_EXTENSIONS`` does not rule it out. The test
    suite and the benchmarks run on each of these (one mechanism for both)."""
    from httpx_auth import _purepy

    found: dict[str, Backend] = {"python": _purepy}
    if not _extensions_disabled():
        try:
            from httpx_auth import _native
        except ImportError:
            pass
        else:
            found["rust"] = _native
    return found


def _load() -> tuple[Backend, str]:
    if not _extensions_disabled():
        try:
            from httpx_auth import _native
        except ImportError:
            pass
        else:
            return _native, "rust"
    from httpx_auth import _purepy

    return _purepy, "python"


backend: Backend
BACKEND: str
backend, BACKEND = _load()


def use(module: Backend, name: str) -> None:
    """Switch the active backend (used by the test suite to cover both)."""
    global backend, BACKEND
    backend, BACKEND = module, name
