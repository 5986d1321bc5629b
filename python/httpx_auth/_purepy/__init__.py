"""The pure-Python twin of the compiled core (``_native``), laid out file for file
like ``rust/``: ``hashing``, ``pkce``, ``jwt``, ``signing_key``, ``sigv4_canon``,
``sigv4``, ``sigv4_presign``, ``signer``, ``url``; the test-only steps in ``testing``.

Same names, signatures and results; used where no compiled wheel exists or when
``HTTPX_AUTH_NO_EXTENSIONS`` is set. Keep it in step with ``rust/``.
"""

from __future__ import annotations

from httpx_auth._purepy import testing
from httpx_auth._purepy.hashing import sha256_hex
from httpx_auth._purepy.jwt import jwt_exp
from httpx_auth._purepy.pkce import pkce_s256_challenge
from httpx_auth._purepy.signer import SigV4Signer
from httpx_auth._purepy.url import split_plain_url

__all__ = ["SigV4Signer", "jwt_exp", "pkce_s256_challenge", "sha256_hex", "split_plain_url", "testing"]
