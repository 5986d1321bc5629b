"""aws-chunked uploads (S3 "Transferring Payload in Multiple Chunks"): the body goes
out in chunks of ``chunk_size`` bytes, each signed as it is sent (its signature chains
from the previous one, the first from the request's own), then an empty final chunk
and, with a checksum, the trailing ``x-amz-checksum-<algorithm>`` (signed, or not when
the payload is unsigned).

Memory stays O(chunk_size): the body is never read as a whole. A body shorter or longer
than its declared length raises ``InvalidParameter`` before the final chunk is sent, so
a corrupt upload is never completed.
"""

from __future__ import annotations

import weakref
from collections.abc import AsyncIterator, Iterator
from typing import Any

from httpx_auth import _core
from httpx_auth._aws.checksum import encode, header_name, new_state
from httpx_auth._compat import also_httpx2, bases_of
from httpx_auth._errors import InvalidParameter

MIN_CHUNK_SIZE = 8 * 1024  # S3's minimum for every chunk but the last
SIGNED = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
SIGNED_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
_SIGNATURE = ";chunk-signature="
_TRAILER_SIGNATURE = "x-amz-trailer-signature:"
_DIGEST_SIZES = {"crc32": 4, "crc32c": 4, "crc64nvme": 8, "sha1": 20, "sha256": 32}


def chunk_size_of(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidParameter(f"chunk_size must be an integer number of bytes, not {type(value).__name__}.")
    if value < MIN_CHUNK_SIZE:
        raise InvalidParameter(f"chunk_size must be at least {MIN_CHUNK_SIZE} bytes (S3's minimum), not {value}.")
    return value


def payload_mode(signed: bool, algorithm: str | None) -> str:
    """The ``x-amz-content-sha256`` of an aws-chunked upload."""
    if not signed:
        return UNSIGNED_TRAILER
    return SIGNED if algorithm is None else SIGNED_TRAILER


def encoded_length(decoded: int, chunk_size: int, signed: bool, algorithm: str | None) -> int:
    """The ``Content-Length`` of ``decoded`` bytes sent aws-chunked."""
    signature = len(_SIGNATURE) + 64 if signed else 0

    def framed(size: int) -> int:
        return len(f"{size:x}") + signature + 2 + size + 2

    full, rest = divmod(decoded, chunk_size)
    total = full * framed(chunk_size) + (framed(rest) if rest else 0)
    total += 1 + signature + 2  # the final, empty chunk: "0[;chunk-signature=...]\r\n"
    if algorithm is not None:
        value = 4 * -(-_DIGEST_SIZES[algorithm] // 3)  # base64 length
        total += len(header_name(algorithm)) + 1 + value + 2
        if signed:
            total += len(_TRAILER_SIGNATURE) + 64 + 2
    return total + 2  # the blank line that ends the body


def has_body(request: Any) -> bool:
    """Whether ``request`` sends a body (httpx sets neither header on a GET without one)."""
    return any(name.lower() in (b"content-length", b"transfer-encoding") for name, _ in request.headers.raw)


def declared_length(request: Any) -> int:
    """The body's length, from its ``Content-Length`` (httpx sets it for bytes and files)."""
    value = request.headers.get("content-length")
    if value is None or not value.isdigit():
        raise InvalidParameter(
            "streaming=True needs a body of known length: send bytes or a file, or set "
            "Content-Length for an iterator."
        )
    return int(value)


class Signing:
    """What the chunk signatures of one request share (``None`` for unsigned chunks)."""

    def __init__(self, signing_key: bytes, amz_date: str, scope: str, seed: str) -> None:
        self.signing_key = signing_key
        self.amz_date = amz_date
        self.scope = scope
        self.seed = seed


class _Framer:
    """Turns the body's pieces into aws-chunked frames, a chunk at a time."""

    def __init__(self, upload: ChunkedBody) -> None:
        self._upload = upload
        self._buffer = bytearray()
        self._seen = 0
        self._previous = upload.signing.seed if upload.signing else ""
        self._checksum = new_state(upload.algorithm) if upload.algorithm else None

    def _frame(self, chunk: bytes) -> bytes:
        signing = self._upload.signing
        if self._checksum is not None and chunk:
            self._checksum.update(chunk)
        if signing is None:
            return b"%x\r\n%b\r\n" % (len(chunk), chunk) if chunk else b"0\r\n"
        self._previous = _core.backend.sigv4_chunk_signature(
            signing.signing_key, signing.amz_date, signing.scope, self._previous, chunk
        )
        head = f"{len(chunk):x}{_SIGNATURE}{self._previous}\r\n".encode("ascii")
        return b"".join((head, chunk, b"\r\n")) if chunk else head

    def feed(self, piece: bytes) -> list[bytes]:
        upload, frames = self._upload, list[bytes]()
        self._seen += len(piece)
        if self._seen > upload.length:
            raise InvalidParameter(
                f"The request body is longer than its declared length ({upload.length} bytes): upload stopped."
            )
        size, view, offset = upload.chunk_size, memoryview(piece), 0
        if self._buffer:
            offset = size - len(self._buffer)
            self._buffer += view[:offset]
            if len(self._buffer) < size:
                return frames
            frames.append(self._frame(bytes(self._buffer)))
            self._buffer.clear()
        while len(view) - offset >= size:
            frames.append(self._frame(bytes(view[offset : offset + size])))
            offset += size
        self._buffer += view[offset:]
        return frames

    def finish(self) -> list[bytes]:
        upload = self._upload
        if self._seen != upload.length:
            raise InvalidParameter(
                f"The request body is shorter ({self._seen} bytes) than its declared length "
                f"({upload.length} bytes): upload stopped."
            )
        frames = [self._frame(bytes(self._buffer))] if self._buffer else []
        frames.append(self._frame(b""))
        if self._checksum is None or upload.algorithm is None:
            return [*frames, b"\r\n"]
        line = f"{header_name(upload.algorithm)}:{encode(self._checksum.digest())}"
        trailer = f"{line}\r\n"
        signing = upload.signing
        if signing is not None:
            signature = _core.backend.sigv4_trailer_signature(
                signing.signing_key, signing.amz_date, signing.scope, self._previous, f"{line}\n".encode("ascii")
            )
            trailer += f"{_TRAILER_SIGNATURE}{signature}\r\n"
        return [*frames, f"{trailer}\r\n".encode("ascii")]


@also_httpx2("SyncByteStream", "AsyncByteStream")
class ChunkedBody(*bases_of("SyncByteStream", "AsyncByteStream")):  # type: ignore[misc]
    """The aws-chunked body of one request, sent from its original stream (sync or async)."""

    def __init__(
        self, source: Any, length: int, chunk_size: int, algorithm: str | None, signing: Signing | None
    ) -> None:
        self.source = source
        self.length = length
        self.chunk_size = chunk_size
        self.algorithm = algorithm
        self.signing = signing

    def __iter__(self) -> Iterator[bytes]:
        if not hasattr(self.source, "__iter__"):
            raise RuntimeError("Attempted to send an async request with a sync Client instance.")
        framer = _Framer(self)
        for piece in self.source:
            yield from framer.feed(piece)
        yield from framer.finish()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if not hasattr(self.source, "__aiter__"):
            raise RuntimeError("Attempted to send a sync request with an AsyncClient instance.")
        framer = _Framer(self)
        async for piece in self.source:
            for frame in framer.feed(piece):
                yield frame
        for frame in framer.finish():
            yield frame

    def close(self) -> None:
        close = getattr(self.source, "close", None)
        if close is not None:
            close()

    async def aclose(self) -> None:
        aclose = getattr(self.source, "aclose", None)
        if aclose is not None:
            await aclose()


# The original stream and length of each request sent aws-chunked, while it lives.
_originals: weakref.WeakKeyDictionary[Any, tuple[Any, int]] = weakref.WeakKeyDictionary()


def prepare(request: Any, chunk_size: int, algorithm: str | None, signed: bool) -> tuple[Any, int]:
    """Set the headers of an aws-chunked upload on ``request`` (before it is signed);
    return the body's own stream and (decoded) length.

    A request signed again (a retry with a corrected clock) starts from its original body,
    even when reading it replaced its stream by the bytes that were sent."""
    headers = request.headers
    known = _originals.get(request)
    if known is not None:
        source, length = known
    else:
        source, length = request.stream, declared_length(request)
        _originals[request] = (source, length)
        encoding = headers.get("content-encoding")
        headers["Content-Encoding"] = "aws-chunked" if not encoding else f"aws-chunked,{encoding}"
    headers["x-amz-decoded-content-length"] = str(length)
    headers["Content-Length"] = str(encoded_length(length, chunk_size, signed, algorithm))
    if "transfer-encoding" in headers:
        del headers["transfer-encoding"]
    if algorithm is not None:
        headers["x-amz-trailer"] = header_name(algorithm)
    return source, length


def attach(
    request: Any, source: Any, length: int, chunk_size: int, algorithm: str | None, signing: Signing | None
) -> None:
    """Replace the body of ``request`` (already signed) by the aws-chunked form of ``source``."""
    request.stream = ChunkedBody(source, length, chunk_size, algorithm, signing)
    if hasattr(request, "_content"):  # so that request.read() gives the bytes sent
        del request._content
