"""``python -m httpx_auth presign s3://bucket/key``: print a presigned S3 URL, signed
with the credentials and region found in the environment (``AWS4Auth.from_environment``)."""

from __future__ import annotations

import argparse
import sys
import urllib.parse
from collections.abc import Sequence

from httpx_auth._aws import AWS4Auth
from httpx_auth._aws.credentials import _http
from httpx_auth._errors import HttpxAuthException

DESCRIPTION = (
    "Print a presigned URL for an S3 object, signed with the AWS credentials and region "
    "found the way the AWS CLI finds them (environment, profiles, SSO, container, EC2)."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``presign`` subcommand's arguments."""
    parser.add_argument("target", metavar="s3://BUCKET/KEY", help="the object to presign")
    parser.add_argument(
        "--expires-in", type=int, default=3600, metavar="N",
        help="seconds the URL stays valid, 1 to 604800 (default: 3600)",
    )  # fmt: skip
    parser.add_argument("--profile", default=None, metavar="P", help="the profile of the shared AWS files to use")
    parser.add_argument("--region", default=None, help="the bucket's region (default: the configured one)")
    parser.add_argument("--method", default="GET", help="the HTTP method the URL is for (default: GET)")


def object_url(bucket: str, key: str, region: str) -> str:
    """The object's URL: ``AWS_ENDPOINT_URL_S3`` / ``AWS_ENDPOINT_URL`` (path style) when
    set, else virtual-hosted style on the regional endpoint (path style for dotted buckets)."""
    quoted = urllib.parse.quote(key, safe="/~")
    override = _http.endpoint_override("S3")
    if override is not None:
        return f"{override}/{bucket}/{quoted}"
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    if "." in bucket:
        return f"https://s3.{region}.{suffix}/{bucket}/{quoted}"
    return f"https://{bucket}.s3.{region}.{suffix}/{quoted}"


def run(args: argparse.Namespace) -> int:
    """Print the URL; errors go to stderr with exit status 1 (2 for bad arguments)."""
    parsed = urllib.parse.urlsplit(args.target)
    if parsed.scheme != "s3" or not parsed.netloc or not parsed.path.lstrip("/"):
        print(f"presign: expected s3://BUCKET/KEY, not {args.target!r}", file=sys.stderr)
        return 2
    try:
        auth = AWS4Auth.from_environment("s3", region=args.region, profile=args.profile)
        url = object_url(parsed.netloc, parsed.path[1:], auth.region)
        print(auth.presign(url, method=args.method, expires_in=args.expires_in))
    except HttpxAuthException as error:
        print(f"presign: {error}", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m httpx_auth presign", description=DESCRIPTION)
    add_arguments(parser)
    return run(parser.parse_args(argv))
