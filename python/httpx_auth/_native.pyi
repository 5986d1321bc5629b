# Stub of the compiled core (registered in rust/lib.rs, bound in rust/py_*.rs).
# The _purepy package mirrors it file for file.

from collections.abc import Sequence
from types import ModuleType
from typing import final

from typing_extensions import Self

def sha256_hex(data: bytes) -> str: ...
def pkce_s256_challenge(verifier: str) -> str: ...
def jwt_exp(token: str) -> float | None: ...
def split_plain_url(url: str) -> tuple[str, str, bytes] | None: ...

# AWS Signature Version 4 (rust/signer.rs, rust/sigv4*.rs, rust/signing_key.rs).
# Headers are httpx's (name, lowercase name, value) byte triples.
@final
class SigV4Signer:
    def __new__(
        cls,
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
    ) -> SigV4Signer: ...
    def with_credentials(self, access_id: str, secret_key: str, security_token: str | None) -> SigV4Signer: ...
    def sign_headers(
        self,
        method: str,
        target: bytes,
        headers: Sequence[tuple[bytes, bytes, bytes]],
        payload_hash: str,
        timestamp: int,
    ) -> list[tuple[bytes, bytes, bytes]]: ...
    def presign(
        self,
        *,
        method: str,
        origin: str,
        host: str | None,
        target: bytes,
        headers: Sequence[tuple[bytes, bytes, bytes]],
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

# The SigV4 building blocks S3 POST policies and aws-chunked uploads use.
def sigv4_amz_date(timestamp: int) -> str: ...
def sigv4_signing_key(secret_key: str, date: str, region: str, service: str) -> bytes: ...
def sigv4_signature(signing_key: bytes, string_to_sign: str) -> str: ...

@final
class DpopSigner:
    """Signs DPoP proofs (RFC 9449) with one P-256 key, from its 32-byte private scalar."""

    def __new__(cls, private_scalar: bytes) -> Self: ...
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

# S3 checksums (rust/checksum.rs): digests are the value's big-endian bytes.
def checksum_digest(algorithm: str, data: bytes) -> bytes: ...
@final
class Checksum:
    def __new__(cls, algorithm: str) -> Self: ...
    def update(self, data: bytes) -> None: ...
    def digest(self) -> bytes: ...

# aws-chunked uploads (rust/sigv4_chunked.rs).
def sigv4_chunk_signature(signing_key: bytes, amz_date: str, scope: str, previous: str, data: bytes) -> str: ...
def sigv4_trailer_signature(
    signing_key: bytes, amz_date: str, scope: str, previous: str, canonical_trailer: bytes
) -> str: ...

# The steps of a signature one by one, for the conformance tests only (the twin is
# httpx_auth._purepy.testing); the library never calls them.
testing: ModuleType
