# Stub of the compiled core (rust/lib.rs). The _purepy package mirrors it file for file.

from collections.abc import Sequence
from types import ModuleType
from typing import final

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
        *,
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
        self, *, url: str, method: str, payload_hash: str, timestamp: int, expires_in: int
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

# The steps of a signature one by one, for the conformance tests only (the twin is
# httpx_auth._purepy.testing); the library never calls them.
testing: ModuleType
