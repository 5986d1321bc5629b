# Stub of the compiled core (rust/lib.rs). _purepy.py mirrors it function by function.

from collections.abc import Sequence
from typing import final

from typing_extensions import Self

def sha256_hex(data: bytes) -> str: ...
def pkce_s256_challenge(verifier: str) -> str: ...
def jwt_exp(token: str) -> float | None: ...

# AWS Signature Version 4 (rust/sigv4.rs, rust/sigv4_canon.rs, rust/signing_key.rs).
# Headers are httpx's (name, lowercase name, value) byte triples.
def sigv4_amz_date(timestamp: int) -> str: ...
def sigv4_signing_key(secret_key: str, date: str, region: str, service: str) -> bytes: ...
def sigv4_canonical_request(
    method: str,
    target: bytes,
    headers: Sequence[tuple[bytes, bytes, bytes]],
    include: Sequence[str],
    payload_hash: str,
    normalize_path: bool,
    double_encode: bool,
) -> tuple[bytes, str]: ...
def sigv4_string_to_sign(amz_date: str, scope: str, canonical_request: bytes) -> str: ...
def sigv4_signature(signing_key: bytes, string_to_sign: str) -> str: ...
def sigv4_sign_headers(
    method: str,
    target: bytes,
    headers: Sequence[tuple[bytes, bytes, bytes]],
    include: Sequence[str],
    payload_hash: str,
    content_sha256: bool,
    access_id: str,
    secret_key: str,
    security_token: str | None,
    region: str,
    service: str,
    timestamp: int,
    normalize_path: bool,
    double_encode: bool,
) -> list[tuple[bytes, bytes, bytes]]: ...
def sigv4_presign(
    method: str,
    target: bytes,
    headers: Sequence[tuple[bytes, bytes, bytes]],
    include: Sequence[str],
    payload_hash: str,
    access_id: str,
    secret_key: str,
    security_token: str | None,
    region: str,
    service: str,
    timestamp: int,
    expires_in: int,
    normalize_path: bool,
    double_encode: bool,
) -> bytes: ...
def sigv4_presign_keys(
    method: str,
    origin: str,
    host: str,
    base_path: bytes,
    base_query: bytes,
    keys: Sequence[str],
    payload_hash: str,
    access_id: str,
    secret_key: str,
    security_token: str | None,
    region: str,
    service: str,
    timestamp: int,
    expires_in: int,
    normalize_path: bool,
    double_encode: bool,
) -> list[str]: ...

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
