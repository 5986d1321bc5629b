"""AWS Signature Version 4: ``AWS4Auth`` signs requests in headers and presigns URLs.

All of the signing happens in the core's ``SigV4Signer``, built once (and again only
when the credentials, the backend or ``include_headers`` change): one call per request.
This module checks arguments, binds the signer, picks the payload hash, moves headers
in and out of the request and runs the flows; checksums and aws-chunked bodies are
signed in ``payload``, URLs and POST forms presigned in ``presign``.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator, Iterable, Mapping
from typing import Any, Optional

import httpx

from httpx_auth import _core
from httpx_auth import _validation as check
from httpx_auth._aws import payload, presign
from httpx_auth._aws.checksum import algorithm_name
from httpx_auth._aws.clock import ClockOffset, needs_body, replayable
from httpx_auth._aws.params import (
    EMPTY_SHA256,
    UNSIGNED_PAYLOAD,
    CredentialsProvider,
    checked_credentials,
    header_patterns,
    is_s3,
    provided_credentials,
    scope_part,
)
from httpx_auth._aws.streaming import chunk_size_of
from httpx_auth._base import AuthBase, Offload
from httpx_auth._errors import InvalidParameter

__all__ = ["AWS4Auth"]

# What a signer is bound to: (backend, include_headers, credentials, signer).
_Bound = tuple[Any, frozenset[str], tuple[str, str, Optional[str]], _core.Signer]


def _header_list(headers: Any) -> list[tuple[bytes, bytes, bytes]]:
    """The request's headers as (name, lowercase name, value) byte triples."""
    return [(name, name.lower(), value) for name, value in headers.raw]


class AWS4Auth(AuthBase):
    """Sign requests with AWS Signature Version 4 (``Authorization`` header), or
    presign URLs.

    :param access_id: AWS access key ID.
    :param secret_key: AWS secret access key (never shown in repr or errors).
    :param region: the region signed for, such as ``us-east-1``.
    :param service: the service signed for, such as ``s3`` (S3 paths are signed as
        sent; every other service's are normalised and encoded a second time).
    :param security_token: session token of temporary (STS) credentials, sent and
        signed as ``x-amz-security-token``.
    :param include_headers: headers to sign besides ``host``, ``content-type`` and
        ``x-amz-*``; ``prefix*`` patterns are allowed and ``*`` signs every header.
        Kept as the ``include_headers`` attribute, a set of these names that may be
        changed later (the defaults always apply on top).
    :param unsigned_payload: sign ``UNSIGNED-PAYLOAD`` instead of the body's SHA-256,
        so the body is never read (streamed uploads are not buffered). S3 accepts it.
    :param credentials: a callable returning the current ``(access_id, secret_key,
        security_token)`` (or an object with ``access_key``, ``secret_key`` and
        ``token``, like botocore's credentials), called for every request; replaces
        ``access_id``, ``secret_key`` and ``security_token``.
    :param checksum: ``"crc32"``, ``"crc32c"``, ``"crc64nvme"``, ``"sha1"`` or
        ``"sha256"``: send the body's ``x-amz-checksum-<checksum>`` (a trailer when streaming).
    :param streaming: send bodies of known length ``aws-chunked``, each chunk signed as
        it goes out (memory stays O(chunk_size)); see docs/s3-integrity.md.
    :param chunk_size: bytes per chunk when streaming (at least 8 KiB).
    :param correct_clock_skew: when AWS refuses a request because this host's clock is
        off, take the server's time from its answer, sign the request again with it and
        send it once more (bodies held in memory only); later signatures and presigned
        URLs use the corrected time too.
    """

    @classmethod
    def from_environment(
        cls, service: str, region: str | None = None, profile: str | None = None, **options: Any
    ) -> AWS4Auth:
        """An ``AWS4Auth`` whose credentials (and, when ``region`` is None, region) are
        found the way the AWS CLI and SDKs find them, and refreshed before they expire
        (see ``DefaultCredentials``). ``options`` are the other ``AWS4Auth`` options."""
        from httpx_auth._aws.credentials._auth import from_environment

        return from_environment(cls, service, region, profile, options)

    def __init__(
        self,
        access_id: str | None = None,
        secret_key: str | None = None,
        region: str | None = None,
        service: str | None = None,
        security_token: str | None = None,
        include_headers: Iterable[str] | None = None,
        *,
        unsigned_payload: bool = False,
        credentials: CredentialsProvider | None = None,
        checksum: str | None = None,
        streaming: bool = False,
        chunk_size: int = 65536,
        correct_clock_skew: bool = True,
    ) -> None:
        if credentials is not None:
            if not callable(credentials):
                raise InvalidParameter("credentials must be a callable returning the current credentials.")
            if access_id is not None or secret_key is not None or security_token is not None:
                raise InvalidParameter(
                    "Give either credentials (a provider) or access_id and secret_key, not both."
                )
        else:
            access_id = check.header_value("access_id", access_id)  # it goes into Authorization
            secret_key = check.text("secret_key", secret_key)
            if security_token is not None:
                security_token = check.header_value("security_token", security_token)
        self.access_id = access_id
        self.secret_key = secret_key
        self.security_token = security_token
        self.credentials = credentials
        # A source that may need I/O (those of httpx_auth._aws.credentials): async flows
        # make it fresh in a worker thread before signing, never on the event loop.
        self._source: Any = None
        if callable(getattr(credentials, "ensure_fresh", None)) and callable(getattr(credentials, "refresh_needed", None)):
            self._source = credentials
        self.region = scope_part("region", region, "us-east-1")
        self.service = scope_part("service", service, "s3")
        self.unsigned_payload = bool(unsigned_payload)
        self.checksum = None if checksum is None else algorithm_name(checksum)
        self.streaming = bool(streaming)
        self.chunk_size = chunk_size_of(chunk_size)
        if self.streaming and self.unsigned_payload and self.checksum is None:
            raise InvalidParameter("streaming=True with unsigned_payload=True needs a checksum= to send as trailer.")
        # A signed payload (or a checksum header) needs the whole body first; a streamed one never does.
        self.requires_request_body = not self.streaming and (not self.unsigned_payload or self.checksum is not None)
        self.include_headers, self._include = header_patterns(include_headers)
        # S3 signs paths as sent (never normalised, encoded once) and presigns without a
        # body hash; every other service normalises, encodes twice and signs an empty body.
        s3 = is_s3(self.service)
        self._normalize_path = self._double_encode = not s3
        self._presign_payload = UNSIGNED_PAYLOAD if s3 else EMPTY_SHA256
        self.correct_clock_skew = bool(correct_clock_skew)
        self._clock = ClockOffset()
        # (backend, include_headers as bound, credentials, signer): replaced as a whole,
        # so a thread never pairs one request's credentials with another's signer.
        self._bound: _Bound | None = None
        if credentials is None:
            self._signer()

    def __repr__(self) -> str:
        parts = [f"region={self.region!r}", f"service={self.service!r}"]
        if self.credentials is not None:
            parts.insert(0, "credentials=<provider>")
        else:
            parts.insert(0, f"access_id={self.access_id!r}, secret_key=<hidden>")
            if self.security_token is not None:
                parts.append("security_token=<hidden>")
        if self.unsigned_payload:
            parts.append("unsigned_payload=True")
        if self.checksum is not None:
            parts.append(f"checksum={self.checksum!r}")
        if self.streaming:
            parts.append(f"streaming=True, chunk_size={self.chunk_size}")
        if not self.correct_clock_skew:
            parts.append("correct_clock_skew=False")
        return f"{type(self).__name__}({', '.join(parts)})"

    def _current_credentials(self) -> tuple[str, str, str | None]:
        if self.credentials is not None:
            return provided_credentials(self.credentials)
        # Attributes may have been refreshed (by a subclass) since __init__: check them again.
        return checked_credentials(self.access_id, self.secret_key, self.security_token)

    def _signer(self) -> _core.Signer:
        """The signer for the current credentials, backend and ``include_headers``."""
        return self._binding()[3]

    def _binding(self) -> _Bound:
        """``(backend, include_headers, credentials, signer)``, current; one tuple, so that
        a request never pairs its signer with credentials another thread bound since."""
        bound = self._bound
        if (  # the hot path: the very credentials it was bound with, already checked
            bound is not None
            and self.credentials is None
            and bound[0] is _core.backend
            and bound[2][0] is self.access_id
            and bound[2][1] is self.secret_key
            and bound[2][2] is self.security_token
            and bound[1] == self.include_headers
        ):
            return bound
        return self._bind(bound)

    def _bind(self, bound: _Bound | None) -> _Bound:
        credentials = self._current_credentials()
        if bound is not None and bound[0] is _core.backend and bound[1] == self.include_headers:
            if bound[2] == credentials:
                return bound
            signer: _core.Signer = bound[3].with_credentials(*credentials)
            include = bound[1]
        else:
            include = frozenset(self.include_headers)
            _, patterns = header_patterns(include)
            signer = _core.backend.SigV4Signer(
                access_id=credentials[0],
                secret_key=credentials[1],
                security_token=credentials[2],
                region=self.region,
                service=self.service,
                include=patterns,
                normalize_path=self._normalize_path,
                double_encode=self._double_encode,
                content_sha256=True,
            )
        self._bound = bound = (_core.backend, include, credentials, signer)
        return bound

    def sign(self, request: Any) -> Any:
        """Sign ``request`` in place (its body must have been read unless the payload
        is unsigned or streamed) and return it."""
        return self._sign(request, getattr(request, "_content", None))

    def _sign(self, request: Any, content: bytes | None) -> Any:
        """``sign``, given the request's body when it is in memory (``None`` when not)."""
        bound = self._binding()
        signer = bound[3]
        if self.streaming or self.checksum is not None:
            return payload.sign_with_options(self, bound, request)
        if self.unsigned_payload:
            payload_hash = UNSIGNED_PAYLOAD
        else:
            if content is None:
                content = request.content  # raises httpx.RequestNotRead for an unread stream
            payload_hash = _core.backend.sha256_hex(content) if content else EMPTY_SHA256
        headers = request.headers
        stored = getattr(headers, "_list", None)
        if type(stored) is list:  # httpx and httpx2 keep exactly these triples
            # Positional: pyo3 then matches no keyword names (docs/native-core.md).
            headers._list = signer.sign_headers(
                request.method, request.url.raw_path, stored, payload_hash, self._clock.now()
            )
        else:
            self._set_headers(signer, request, payload_hash)
        return request

    def _set_headers(self, signer: _core.Signer, request: Any, payload_hash: str) -> None:
        """Sign ``request``'s headers and set them, whatever the headers class keeps."""
        headers = request.headers
        stored = getattr(headers, "_list", None)
        triples = stored if type(stored) is list else _header_list(headers)
        signed = signer.sign_headers(request.method, request.url.raw_path, triples, payload_hash, self._clock.now())
        if type(stored) is list:
            headers._list = signed
        else:
            request.headers = type(headers)([(name, value) for name, _, value in signed])

    def _apply(self, request: Any) -> Any:
        return self.sign(request)

    # The flows send the signed request and, when AWS refuses it for a skewed clock,
    # sign it again with the server's time and send it once more (see clock).
    # The drivers below read a refusal's body when only it tells the server's time; a
    # subclass that wraps ``auth_flow`` (the reference's way to refresh credentials) is
    # driven through its own ``auth_flow`` instead.

    def auth_flow(self, request: Any) -> Generator[Any, Any, None]:
        if self._source is not None and self._source.refresh_needed():
            yield Offload(self._source.ensure_fresh)
        offset, resendable = self._clock.seconds, replayable(request)  # before the transport reads it
        response = yield self.sign(request)
        if self._skewed(resendable, response, offset):
            yield self.sign(request)

    def sync_auth_flow(self, request: Any) -> Generator[Any, Any, None]:
        if type(self).auth_flow is not AWS4Auth.auth_flow:
            return (yield from super().sync_auth_flow(request))
        content = getattr(request, "_content", None)  # in memory: the request can be resent
        if content is None and self.requires_request_body:
            content = request.read()
        offset = self._clock.seconds
        response = yield self._sign(request, content)
        if self.correct_clock_skew and needs_body(response):
            response.read()
        if self._skewed(content is not None, response, offset):
            yield self.sign(request)

    def async_auth_flow(self, request: Any) -> AsyncGenerator[Any, Any]:
        if type(self).auth_flow is not AWS4Auth.auth_flow:
            return super().async_auth_flow(request)
        return self._async_flow(request)

    async def _async_flow(self, request: Any) -> AsyncGenerator[Any, Any]:
        if self._source is not None and self._source.refresh_needed():
            import anyio.to_thread  # here: importing httpx_auth stays light

            await anyio.to_thread.run_sync(self._source.ensure_fresh, abandon_on_cancel=True)
        content = getattr(request, "_content", None)  # in memory: the request can be resent
        if content is None and self.requires_request_body:
            content = await request.aread()
        offset = self._clock.seconds
        response = yield self._sign(request, content)
        if self.correct_clock_skew and needs_body(response):
            await response.aread()
        if self._skewed(content is not None, response, offset):
            yield self.sign(request)

    def _skewed(self, resendable: bool, response: Any, signed_with: float) -> bool:
        """Whether the request was refused for a skewed clock and can be sent again (the
        correction is learnt either way: a streamed body is not resent, later requests
        are signed right)."""
        if not self.correct_clock_skew:
            return False
        return self._clock.correct(response, signed_with) and resendable

    # --- presigned URLs ---------------------------------------------------------

    def presign(
        self,
        url: str | httpx.URL | Any,
        method: str = "GET",
        expires_in: int = 3600,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> str:
        """A presigned URL for ``method`` on ``url``, valid for ``expires_in`` seconds
        (1 second to 7 days). The query of ``url`` is kept as it is and signed.

        :param headers: headers the user of the URL will send, signed too (``host``
            always is: the URL's, unless a ``Host`` is given here).
        """
        return presign.presign(self, url, method, expires_in, headers)

    def presign_keys(
        self,
        base_url: str | httpx.URL | Any,
        keys: Iterable[str],
        method: str = "GET",
        expires_in: int = 3600,
    ) -> list[str]:
        """Presigned URLs for many object keys at once (one core call for all of them).

        Each key is appended to the path of ``base_url`` (the bucket's URL, say) after
        a ``/``, percent-encoded with ``/`` kept: give keys as stored, not encoded.
        Every URL signs the ``host`` header only, for ``expires_in`` seconds.
        """
        return presign.presign_keys(self, base_url, keys, method, expires_in)

    def presign_post(
        self,
        url: str | httpx.URL | Any,
        key: str,
        fields: Mapping[str, str] | None = None,
        conditions: Iterable[Any] | None = None,
        expires_in: int = 3600,
    ) -> dict[str, Any]:
        """A browser upload form (S3 POST policy): ``{"url": ..., "fields": {...}}``, like
        boto3's ``generate_presigned_post``; post ``fields`` then the ``file``.

        :param url: the bucket's URL (path style or virtual-hosted).
        :param key: the object key; a key ending in ``${filename}`` accepts any file name.
        :param fields: more form fields (``Content-Type``, ``acl``...), each also signed as a condition.
        :param conditions: more policy conditions (``{"acl": "public-read"}``,
            ``["content-length-range", 1, 1048576]``...).
        :param expires_in: seconds the form stays valid (1 second to 7 days).
        """
        return presign.presign_post(self, url, key, fields, conditions, expires_in)
