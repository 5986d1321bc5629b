"""AWS4Auth against two real S3 implementations that verify SigV4 signatures.

SeaweedFS checks header and presigned signatures like AWS for every key tried here.
moto's server re-encodes the path and query before checking the signature, so it rejects
even botocore's signatures for keys with ``+``, ``=``, ``%`` or non-ASCII characters and
for encoded query values: those cases are tried on SeaweedFS only. (Keys are sent
URI-encoded once, like AWS SDKs do; ``literal%2Fpercent.txt`` is the ``%2F`` case: its
``%`` must reach the server, and be signed, as ``%25``.)
"""

from __future__ import annotations

import hashlib
import secrets
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import quote

import pytest

from ._aws_fixtures import S3Target
from ._clients import Sender, api

pytestmark = pytest.mark.integration

PLAIN_KEYS = ["plain.txt", "with space.txt", "dir/sub/file.txt", "dir//double//slash.txt", "tilde~and-dash_.txt"]
EXOTIC_KEYS = [
    "plus+sign.txt",
    "equals=sign&amp.txt",
    "a b+c=d.txt",
    "café/ünïcødé ☃.txt",
    "literal%2Fpercent.txt",
    "parens(1)!'*.txt",
]
S3_NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"


def object_url(target: S3Target, key: str) -> str:
    """The key URI-encoded once, as AWS SDKs send it ('/' kept as the separator)."""
    return f"{target.bucket_url}/{quote(key, safe='/~')}"


def aws_auth(target: S3Target, **kwargs: Any) -> Any:
    return api("AWS4Auth")(
        access_id=kwargs.pop("access_id", target.access_id),
        secret_key=kwargs.pop("secret_key", target.secret_key),
        region=target.region,
        service="s3",
        **kwargs,
    )


def list_url(target: S3Target, prefix: str) -> str:
    return f"{target.bucket_url}?list-type=2&prefix={quote(prefix, safe='~')}"


def listed_keys(xml_text: str) -> list[str]:
    root = ElementTree.fromstring(xml_text)
    return [element.text or "" for element in root.iter(f"{S3_NS}Key")]


def error_code(xml_text: str) -> str | None:
    try:
        return ElementTree.fromstring(xml_text).findtext("Code")
    except ElementTree.ParseError:
        return None


def unique(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4)}/"


CRUD_CASES = [("seaweedfs", key) for key in PLAIN_KEYS + EXOTIC_KEYS] + [("moto", key) for key in PLAIN_KEYS]


@pytest.mark.parametrize(("server", "key_name"), CRUD_CASES, ids=[f"{s}-{k}" for s, k in CRUD_CASES])
async def test_put_get_list_delete(
    request: pytest.FixtureRequest, server: str, key_name: str, sender: Sender
) -> None:
    s3_server: S3Target = request.getfixturevalue(f"{server}_s3")
    key = unique(f"crud-{sender.lib}-{sender.mode}") + key_name
    url = object_url(s3_server, key)
    body = f"body of {key}".encode()
    auth = aws_auth(s3_server)

    put = await sender.send("PUT", url, auth, content=body, headers={"Content-Type": "text/plain"})
    assert put.status_code == 200, put.text
    got = await sender.get(url, auth)
    assert got.status_code == 200, got.text
    assert got.content == body
    # The prefix goes in the query string, URI-encoded like AWS SDKs do (space as %20).
    # moto mis-checks encoded query values, so it gets the plain folder name.
    prefix = key.split("//")[0] if server == "seaweedfs" else key.split("/")[0]
    listing = await sender.get(list_url(s3_server, prefix), auth)
    assert listing.status_code == 200, listing.text
    listed = listed_keys(listing.text)
    # SeaweedFS stores "a//b" as "a/b" (a filer path); the object itself is the same one.
    assert key in listed or key.replace("//", "/") in listed, listed
    deleted = await sender.send("DELETE", url, auth)
    assert deleted.status_code == 204, deleted.text
    gone = await sender.get(url, auth)
    assert gone.status_code == 404, gone.text
    assert error_code(gone.text) == "NoSuchKey"


async def test_query_built_by_httpx_params(seaweedfs_s3: S3Target, sender: Sender) -> None:
    # httpx encodes a space in ``params=`` as "+", which S3 reads as a space: the signature
    # must cover the query the server decodes, not only the bytes as sent.
    folder = unique(f"params-{sender.lib}-{sender.mode}")
    key = folder + "a file+name.txt"
    auth = aws_auth(seaweedfs_s3)
    put = await sender.send("PUT", object_url(seaweedfs_s3, key), auth, content=b"x")
    assert put.status_code == 200, put.text
    listing = await sender.send(
        "GET", seaweedfs_s3.bucket_url, auth, params={"list-type": "2", "prefix": folder + "a file+"}
    )
    assert listing.status_code == 200, listing.text
    assert listed_keys(listing.text) == [key]


async def test_signed_payload_is_checked_by_the_server(s3_server: S3Target, sender: Sender) -> None:
    url = object_url(s3_server, unique("signed") + "payload.bin")
    body = secrets.token_bytes(70_000)
    put = await sender.send("PUT", url, aws_auth(s3_server), content=body)
    assert put.status_code == 200, put.text
    assert put.request.headers["x-amz-content-sha256"] == hashlib.sha256(body).hexdigest()
    got = await sender.get(url, aws_auth(s3_server))
    assert got.content == body


async def test_wrong_secret_is_a_clean_403_signature_does_not_match(s3_server: S3Target, sender: Sender) -> None:
    wrong = "wrong-" + secrets.token_urlsafe(20)
    auth = aws_auth(s3_server, secret_key=wrong)
    reply = await sender.get(f"{s3_server.bucket_url}?list-type=2", auth)
    assert reply.status_code == 403
    assert error_code(reply.text) == "SignatureDoesNotMatch"
    assert wrong not in repr(auth) and wrong not in str(auth)
    assert all(wrong not in value for value in reply.request.headers.values())


async def test_wrong_access_id_is_refused(s3_server: S3Target, sender: Sender) -> None:
    reply = await sender.get(f"{s3_server.bucket_url}?list-type=2", aws_auth(s3_server, access_id="AKIDNOTAKEY0000000"))
    assert reply.status_code == 403
    assert error_code(reply.text) == "InvalidAccessKeyId"


async def test_session_token_is_signed_and_checked(moto_s3: S3Target, sender: Sender) -> None:
    session = moto_s3.session
    assert session is not None
    auth = aws_auth(moto_s3, access_id=session.access_id, secret_key=session.secret_key, security_token=session.token)
    url = object_url(moto_s3, unique("session") + "token.txt")
    put = await sender.send("PUT", url, auth, content=b"with a session token")
    assert put.status_code == 200, put.text
    assert put.request.headers["x-amz-security-token"] == session.token
    assert "x-amz-security-token" in put.request.headers["authorization"]
    forged = aws_auth(moto_s3, access_id=session.access_id, secret_key=session.secret_key, security_token="forged")
    refused = await sender.get(url, forged)
    assert refused.status_code in {400, 403} and error_code(refused.text) == "InvalidToken", refused.text


# --- payload modes ------------------------------------------------------------------


def _chunks(total: int, size: int = 16_384) -> list[bytes]:
    data = secrets.token_bytes(total)
    return [data[i : i + size] for i in range(0, total, size)]


def _stream(sender: Sender, chunks: list[bytes]) -> Any:
    if sender.mode == "async":

        async def agen() -> AsyncIterator[bytes]:
            for chunk in chunks:
                yield chunk

        return agen()

    def gen() -> Iterator[bytes]:
        yield from chunks

    return gen()


async def test_unsigned_payload(s3_server: S3Target, sender: Sender) -> None:
    url = object_url(s3_server, unique("unsigned") + "payload.txt")
    put = await sender.send("PUT", url, aws_auth(s3_server, unsigned_payload=True), content=b"not hashed")
    assert put.status_code == 200, put.text
    assert put.request.headers["x-amz-content-sha256"] == "UNSIGNED-PAYLOAD"
    got = await sender.get(url, aws_auth(s3_server, unsigned_payload=True))
    assert (got.status_code, got.content) == (200, b"not hashed")


@pytest.mark.parametrize("unsigned", [True, False], ids=["unsigned", "signed"])
async def test_streamed_upload(s3_server: S3Target, sender: Sender, unsigned: bool) -> None:
    # A generator body: with UNSIGNED-PAYLOAD the auth never reads it (httpx streams it);
    # with a signed payload httpx reads it first so that its hash can be signed.
    chunks = _chunks(300_000)
    body = b"".join(chunks)
    url = object_url(s3_server, unique("stream") + "upload.bin")
    auth = aws_auth(s3_server, unsigned_payload=unsigned)
    put = await sender.send(
        "PUT", url, auth, content=_stream(sender, chunks), headers={"Content-Length": str(len(body))}
    )
    assert put.status_code == 200, put.text
    expected_hash = "UNSIGNED-PAYLOAD" if unsigned else hashlib.sha256(body).hexdigest()
    assert put.request.headers["x-amz-content-sha256"] == expected_hash
    got = await sender.get(url, aws_auth(s3_server))
    assert got.status_code == 200 and got.content == body


# --- presigned URLs -----------------------------------------------------------------


# moto's server answers 500 to any presigned SigV4 URL once authentication is on (even
# botocore's), so presigned URLs are checked on SeaweedFS, which verifies them.
PRESIGN_KEYS = ["plain.txt", "with space.txt", "a b+c=d.txt", "café/ünïcødé ☃.txt", "literal%2Fpercent.txt",
                "dir//double.txt"]


@pytest.mark.parametrize("key_name", PRESIGN_KEYS)
async def test_presigned_put_then_get(seaweedfs_s3: S3Target, key_name: str) -> None:
    import httpx

    target = seaweedfs_s3
    auth = aws_auth(target)
    url = object_url(target, unique("presign") + key_name)
    put_url = auth.presign(url, method="PUT", expires_in=60)
    assert "X-Amz-Signature=" in put_url and target.secret_key not in put_url
    put = httpx.put(put_url, content=b"uploaded with a presigned URL")
    assert put.status_code == 200, put.text
    get_url = auth.presign(url, expires_in=60)
    got = httpx.get(get_url)
    assert (got.status_code, got.content) == (200, b"uploaded with a presigned URL"), got.text
    tampered = get_url.replace("X-Amz-Expires=60", "X-Amz-Expires=61")
    refused = httpx.get(tampered)
    assert refused.status_code == 403 and error_code(refused.text) == "SignatureDoesNotMatch", refused.text


async def test_presign_many_keys_at_once(seaweedfs_s3: S3Target, sender: Sender) -> None:
    import httpx

    s3_server = seaweedfs_s3
    folder = unique(f"batch-{sender.lib}-{sender.mode}")
    names = ["one.txt", "two words.txt", "deep/er/three.txt", "plus+equals=.txt", "ünï ☃.txt", "literal%2Fpercent.txt"]
    keys = [folder + name for name in names]
    auth = aws_auth(s3_server)
    for key in keys:
        put = await sender.send("PUT", object_url(s3_server, key), auth, content=key.encode())
        assert put.status_code == 200, put.text
    urls = auth.presign_keys(s3_server.bucket_url, keys, expires_in=120)
    assert len(urls) == len(keys)
    for key, url in zip(keys, urls):
        got = httpx.get(url)
        assert (got.status_code, got.content) == (200, key.encode()), (key, got.text)


async def test_presigned_url_with_a_wrong_secret_is_refused(seaweedfs_s3: S3Target) -> None:
    import httpx

    s3_server = seaweedfs_s3
    url = aws_auth(s3_server, secret_key="wrong-" + secrets.token_hex(8)).presign(
        f"{s3_server.bucket_url}?list-type=2", expires_in=60
    )
    refused = httpx.get(url)
    assert refused.status_code == 403 and error_code(refused.text) == "SignatureDoesNotMatch", refused.text


async def test_expired_presigned_url_is_refused(seaweedfs_s3: S3Target) -> None:
    import asyncio

    import httpx

    auth = aws_auth(seaweedfs_s3)
    url = object_url(seaweedfs_s3, unique("expiry") + "soon.txt")
    assert httpx.put(auth.presign(url, method="PUT", expires_in=60), content=b"x").status_code == 200
    short = auth.presign(url, expires_in=1)
    await asyncio.sleep(2.2)
    refused = httpx.get(short)
    assert refused.status_code == 403, refused.text
    assert error_code(refused.text) == "AccessDenied", refused.text


async def test_signing_time_comes_from_the_clock(seaweedfs_s3: S3Target) -> None:
    # SeaweedFS refuses requests signed too far from its clock: a signer that does not
    # use the current time (or formats it wrongly) is caught here.
    import time_machine

    import httpx

    url = f"{seaweedfs_s3.bucket_url}?list-type=2"
    with time_machine.travel(time.time() - 3600, tick=True):
        skewed = httpx.get(url, auth=aws_auth(seaweedfs_s3, correct_clock_skew=False))
    assert skewed.status_code == 403, skewed.text
    assert error_code(skewed.text) == "RequestTimeTooSkewed", skewed.text
    assert httpx.get(url, auth=aws_auth(seaweedfs_s3)).status_code == 200


# --- temporary credentials ------------------------------------------------------------


async def test_credentials_provider_is_asked_for_every_request(moto_s3: S3Target, sender: Sender) -> None:
    # The provider hands out the long-term key first, then the role's session credentials
    # (as after an STS refresh): both must be signed with, token included.
    session = moto_s3.session
    assert session is not None
    answers = [
        (moto_s3.access_id, moto_s3.secret_key, None),
        (session.access_id, session.secret_key, session.token),
        (session.access_id, session.secret_key, session.token),
    ]
    calls: list[int] = []

    def provider() -> tuple[str, str, str | None]:
        calls.append(1)
        return answers[min(len(calls), len(answers)) - 1]

    auth = api("AWS4Auth")(region=moto_s3.region, service="s3", credentials=provider)
    url = object_url(moto_s3, unique(f"provider-{sender.lib}-{sender.mode}") + "rotating.txt")
    replies = await sender.run(
        lambda request: [request("PUT", url, content=b"rotating"), request("GET", url), request("DELETE", url)], auth
    )
    assert [r.status_code for r in replies] == [200, 200, 204], [r.text for r in replies]
    assert len(calls) == 3
    assert "x-amz-security-token" not in replies[0].request.headers
    assert replies[1].request.headers["x-amz-security-token"] == session.token
