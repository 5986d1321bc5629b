"""A SigV4 signer built once and used for every request, the twin of ``rust/signer.rs``
(and of the ``SigV4Signer`` class ``rust/py_signer.rs`` exposes)."""

from __future__ import annotations

from collections.abc import Sequence

from typing import Any

from httpx_auth._purepy import sigv4_presign
from httpx_auth._purepy.sigv4 import Header
from httpx_auth._purepy.sigv4_headers import sign_headers
from httpx_auth._purepy.sigv4_stamp import Stamp
from httpx_auth._purepy.sigv4_canon import Pair
from httpx_auth._purepy.sigv4_canon_headers import selects
from httpx_auth._purepy.url import split_plain_url


class SigV4Signer:
    """Credentials, region, service, path rules and header selection, fixed; per
    request only the method, target, headers, payload hash and time."""

    __slots__ = ("_access_id", "_content", "_include", "_presigned", "_region", "_rules", "_secret",
                 "_selection", "_service", "_stamp", "_token")

    def __init__(
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
    ) -> None:
        self._access_id, self._secret, self._token = access_id, secret_key, security_token
        self._region, self._service = region, service
        self._include = tuple(include)
        self._selection = selects(self._include)
        self._rules = (bool(normalize_path), bool(double_encode))
        self._content = bool(content_sha256)
        self._stamp: Stamp | None = None
        # (key, presigner) of the last URL presigned signing only its host.
        self._presigned: tuple[tuple[Any, ...], sigv4_presign.Presigner] | None = None

    def with_credentials(self, access_id: str, secret_key: str, security_token: str | None) -> SigV4Signer:
        """The same signer with other credentials."""
        return SigV4Signer(
            access_id=access_id, secret_key=secret_key, security_token=security_token,
            region=self._region, service=self._service, include=self._include,
            normalize_path=self._rules[0], double_encode=self._rules[1], content_sha256=self._content,
        )

    def __repr__(self) -> str:
        return f"SigV4Signer(access_id={self._access_id!r}, region={self._region!r}, service={self._service!r})"

    def _stamp_at(self, timestamp: int) -> Stamp:
        stamp = self._stamp
        if stamp is not None and stamp.timestamp == timestamp:
            return stamp
        if stamp is None:
            stamp = Stamp.new(self._secret, self._region, self._service, timestamp)
        else:
            stamp = stamp.at(self._secret, self._region, self._service, timestamp)
        self._stamp = stamp
        return stamp

    def sign_headers(
        self, method: str, target: bytes, headers: Sequence[Header], payload_hash: str, timestamp: int
    ) -> list[Header]:
        """The request's headers once signed: those it had (minus any the signature
        replaces), then the signature's own."""
        return sign_headers(
            method, target, headers, self._selection, payload_hash, self._content,
            self._access_id, self._token, self._rules, self._stamp_at(timestamp),
        )

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
    ) -> str:
        """The presigned URL: ``origin`` + ``target`` (``path?query``) with the presign
        parameters, signing ``host`` (unless None) and every header given."""
        if host is not None and not headers:
            return self._presign_on_host(origin, host, method, target, payload_hash, timestamp, expires_in)
        pairs = [(h[1], h[2]) for h in headers]
        if host is not None:
            pairs.insert(0, (b"host", host.encode("utf-8")))
        path, _, query = target.partition(b"?")
        return origin + self._presigner(method, pairs, query, payload_hash, self._stamp_at(timestamp), expires_in).url(path)

    def _presigner(
        self, method: str, headers: Sequence[Pair], query: bytes, payload_hash: str, stamp: Stamp, expires_in: int
    ) -> sigv4_presign.Presigner:
        return sigv4_presign.Presigner(
            method, headers, query, payload_hash, self._access_id, self._token, self._rules, stamp, expires_in
        )

    def _presign_on_host(
        self, origin: str, host: str, method: str, target: bytes, payload_hash: str, timestamp: int,
        expires_in: int,
    ) -> str:
        stamp = self._stamp_at(timestamp)
        path, _, query = target.partition(b"?")
        key = (stamp, method, host, query, payload_hash, expires_in)
        last = self._presigned
        if last is not None and last[0] == key:
            presigner = last[1]
        else:
            presigner = self._presigner(method, [(b"host", host.encode("utf-8"))], query, payload_hash, stamp, expires_in)
            self._presigned = (key, presigner)
        return origin + presigner.url(path)

    def presign_url(
        self, url: str, method: str, payload_hash: str, timestamp: int, expires_in: int
    ) -> str | None:
        """``url`` presigned signing its host only, when it is plain (``url.py``);
        ``None`` when the caller must parse it and call ``presign``."""
        split = split_plain_url(url)
        if split is None:
            return None
        scheme, netloc, target = split
        return self._presign_on_host(
            f"{scheme}://{netloc}", netloc, method, target, payload_hash, timestamp, expires_in
        )

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
    ) -> list[str]:
        """One presigned URL per object key, under ``origin`` + ``base_path``."""
        host_only = [(b"host", host.encode("utf-8"))]
        presigner = self._presigner(method, host_only, base_query, payload_hash, self._stamp_at(timestamp), expires_in)
        return sigv4_presign.presign_keys(presigner, origin, base_path, keys)
