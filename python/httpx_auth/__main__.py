"""``python -m httpx_auth``: a tour of what each auth adds to a request, offline.

Requests go to an in-process transport (an echo server, and a toy OAuth2 token
endpoint), so the demo needs no network and no account. The AWS credentials are the
public examples of AWS's documentation.
"""

from __future__ import annotations

import time
from typing import Any
from unittest import mock

import httpx

import httpx_auth

# The S3 API Reference's "GET Object" example: credentials, time and published signature.
AWS_EXAMPLE_ACCESS_ID = "AKIAIOSFODNN7EXAMPLE"
AWS_EXAMPLE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
AWS_EXAMPLE_TIME = 1369353600  # 2013-05-24T00:00:00Z
AWS_EXAMPLE_SIGNATURE = "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"

_PLAIN_HEADERS = {"host", "accept", "accept-encoding", "connection", "user-agent", "content-length"}
_token_requests = 0


def _server(request: httpx.Request) -> httpx.Response:
    global _token_requests
    if request.url.path == "/oauth2/token":
        _token_requests += 1
        return httpx.Response(200, json={"access_token": f"token-{_token_requests}", "expires_in": 3600})
    added = {k: v for k, v in request.headers.items() if k.lower() not in _PLAIN_HEADERS}
    return httpx.Response(200, json={"url": str(request.url), "headers": added})


def _show(client: httpx.Client, title: str, auth: Any, url: str = "https://api.example.com/items?page=2") -> None:
    sent = client.get(url, auth=auth).json()
    print(f"\n{title}\n  auth: {auth!r}\n  url:  {sent['url']}")
    for name, value in sent["headers"].items():
        print(f"  {name}: {value}")


def _aws_documentation_example(client: httpx.Client) -> None:
    aws = httpx_auth.AWS4Auth(
        AWS_EXAMPLE_ACCESS_ID, AWS_EXAMPLE_SECRET, "us-east-1", "s3", include_headers={"range"}
    )
    # Pretend it is the moment of AWS's example, so the signature can be compared with theirs.
    with mock.patch.object(time, "time", return_value=AWS_EXAMPLE_TIME):
        sent = client.get(
            "https://examplebucket.s3.amazonaws.com/test.txt", headers={"Range": "bytes=0-9"}, auth=aws
        ).json()
    signature = sent["headers"]["authorization"].rpartition("Signature=")[2]
    verdict = "matches" if signature == AWS_EXAMPLE_SIGNATURE else "DOES NOT MATCH"
    print("\nAWS Signature v4: the S3 API Reference's GET Object example, signed by AWS4Auth")
    for name in ("authorization", "x-amz-date", "x-amz-content-sha256"):
        print(f"  {name}: {sent['headers'][name]}")
    print(f"  -> signature {verdict} the one published by AWS ({AWS_EXAMPLE_SIGNATURE[:16]}...)")
    url = aws.presign("https://examplebucket.s3.amazonaws.com/report.pdf", expires_in=900)
    print(f"  presigned for 15 minutes: {url[:110]}...")


def main() -> None:
    print(f"httpx_auth {httpx_auth.__version__}, core backend: {httpx_auth.BACKEND}")
    with httpx.Client(transport=httpx.MockTransport(_server)) as client:
        _aws_documentation_example(client)
        oauth2 = httpx_auth.OAuth2ClientCredentials(
            "https://idp.example.com/oauth2/token", client_id="demo-app", client_secret="demo-secret"
        )
        for _ in range(3):
            client.get("https://api.example.com/items", auth=oauth2)
        _show(client, "OAuth2 client credentials (3 requests, 1 token request)", oauth2)
        print(f"  token requests so far: {_token_requests}")
        _show(client, "Basic", httpx_auth.Basic("aladdin", "opensesame"))
        _show(client, "API key in a header", httpx_auth.HeaderApiKey("my-api-key"))
        _show(client, "API key in the query", httpx_auth.QueryApiKey("my-api-key"))
        _show(
            client,
            "Both API keys and Basic, combined with +",
            httpx_auth.HeaderApiKey("k1") + httpx_auth.QueryApiKey("k2") + httpx_auth.Basic("u", "p"),
        )


if __name__ == "__main__":
    import sys

    if sys.argv[1:2] == ["presign"]:  # python -m httpx_auth presign s3://bucket/key
        from httpx_auth._cli_presign import main as presign

        sys.exit(presign(sys.argv[2:]))
    main()
