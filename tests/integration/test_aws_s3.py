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
import xml.etree.ElementTree as ElementTree
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


def aws_auth(target: S3Target, **kwargs) -> object:
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
