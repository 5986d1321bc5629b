"""Signing with a checksum and/or aws-chunked streaming configured: the payload hash
those call for, the ``x-amz-checksum-*`` header of a body sent whole, and the chunked
body (each chunk signed from the request's own signature) put in once the headers are
signed. The plain case, a body hashed or ``UNSIGNED-PAYLOAD``, stays in ``auth``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from httpx_auth import _core
from httpx_auth._aws import streaming
from httpx_auth._aws.checksum import checksum, header_name
from httpx_auth._aws.params import EMPTY_SHA256, UNSIGNED_PAYLOAD

if TYPE_CHECKING:
    from httpx_auth._aws.auth import AWS4Auth, _Bound


def sign_with_options(auth: AWS4Auth, bound: _Bound, request: Any) -> Any:
    """``auth.sign`` with a checksum and/or aws-chunked streaming configured."""
    signer = bound[3]
    # Requests without a body get neither chunks nor checksums.
    with_body = streaming.has_body(request)
    streamed = auth.streaming and with_body
    if streamed:
        source, length = streaming.prepare(request, auth.chunk_size, auth.checksum, not auth.unsigned_payload)
        payload_hash = streaming.payload_mode(not auth.unsigned_payload, auth.checksum)
    elif auth.unsigned_payload:
        payload_hash = UNSIGNED_PAYLOAD
    else:
        body = request.content
        payload_hash = _core.backend.sha256_hex(body) if body else EMPTY_SHA256
    if auth.checksum is not None and with_body and not streamed:
        request.headers[header_name(auth.checksum)] = checksum(auth.checksum, request.content)
    auth._set_headers(signer, request, payload_hash)
    if streamed:
        signing = None if auth.unsigned_payload else _chunk_signing(auth, request, bound[2][1])
        streaming.attach(request, source, length, auth.chunk_size, auth.checksum, signing)
    return request


def _chunk_signing(auth: AWS4Auth, request: Any, secret_key: str) -> streaming.Signing:
    """What the chunks' signatures chain from: the request's signature, date and scope."""
    amz_date = request.headers["x-amz-date"]
    seed = request.headers["authorization"].rpartition("Signature=")[2]
    date = amz_date[:8]
    key = _core.backend.sigv4_signing_key(secret_key, date, auth.region, auth.service)
    return streaming.Signing(key, amz_date, f"{date}/{auth.region}/{auth.service}/aws4_request", seed)
