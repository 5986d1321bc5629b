"""The pure-Python twin of the compiled core (``_native``), laid out file for file
like ``rust/``: ``hashing``, ``pkce``, ``jwt``, ``checksum``, ``dpop``, ``signing_key``,
``sigv4_encoding``, ``sigv4_canon``, ``sigv4_canon_headers``, ``sigv4``, ``sigv4_stamp``,
``sigv4_headers``, ``sigv4_presign``, ``sigv4_chunked``, ``signer``, ``url``; the test-only
steps in ``testing`` (the ``rust/py_*.rs`` bindings have no twin: the twin needs no
binding layer).

Same names, signatures and results; used where no compiled wheel exists or when
``HTTPX_AUTH_NO_EXTENSIONS`` is set. Keep it in step with ``rust/``.
"""

from __future__ import annotations

from httpx_auth._purepy import testing
from httpx_auth._purepy.checksum import Checksum, checksum_digest
from httpx_auth._purepy.dpop import DpopSigner
from httpx_auth._purepy.hashing import sha256_hex
from httpx_auth._purepy.jwt import jwt_exp
from httpx_auth._purepy.pkce import pkce_s256_challenge
from httpx_auth._purepy.signer import SigV4Signer
from httpx_auth._purepy.signing_key import sigv4_signing_key
from httpx_auth._purepy.sigv4 import sigv4_signature
from httpx_auth._purepy.sigv4_chunked import sigv4_chunk_signature, sigv4_trailer_signature
from httpx_auth._purepy.sigv4_stamp import sigv4_amz_date
from httpx_auth._purepy.url import split_plain_url

__all__ = [
    "Checksum",
    "DpopSigner",
    "SigV4Signer",
    "checksum_digest",
    "jwt_exp",
    "pkce_s256_challenge",
    "sha256_hex",
    "sigv4_amz_date",
    "sigv4_chunk_signature",
    "sigv4_signature",
    "sigv4_signing_key",
    "sigv4_trailer_signature",
    "split_plain_url",
    "testing",
]
