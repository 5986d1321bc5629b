"""A small STS client: ``AssumeRole`` signed by our own SigV4, and the unsigned
``AssumeRoleWithWebIdentity``. Endpoints are regional (global when no region is known);
``AWS_ENDPOINT_URL_STS`` / ``AWS_ENDPOINT_URL`` replace them."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ElementTree

from httpx_auth._aws import AWS4Auth
from httpx_auth._aws.credentials import _http
from httpx_auth._aws.credentials._errors import AWSCredentialsError
from httpx_auth._aws.credentials._types import AWSCredentials, parse_timestamp

API_VERSION = "2011-06-15"
TIMEOUT_SECONDS = 10.0


def endpoint(region: str | None) -> tuple[str, str]:
    """The STS URL to call and the region to sign for."""
    override = _http.endpoint_override("STS")
    if override is not None:
        return override, region or "us-east-1"
    if not region:
        return "https://sts.amazonaws.com", "us-east-1"
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"https://sts.{region}.{suffix}", region


def role_params(role_arn: str, session_name: str | None) -> dict[str, str]:
    """The parameters both ``AssumeRole`` calls start with (a session name made from
    the time when none is given)."""
    return {"RoleArn": role_arn, "RoleSessionName": session_name or f"httpx-auth-session-{int(time.time())}"}


def call(source: str, action: str, params: dict[str, str], region: str | None, signer: AWSCredentials | None) -> AWSCredentials:
    """Call ``action`` and return the credentials it answers with."""
    url, signing_region = endpoint(region)
    auth = None
    if signer is not None:
        auth = AWS4Auth(signer.access_key, signer.secret_key, signing_region, "sts", signer.token)
    response = _http.request(
        source, "POST", url, timeout=TIMEOUT_SECONDS,
        data={"Action": action, "Version": API_VERSION, **params}, auth=auth,
    )  # fmt: skip
    fields = _fields(response.content)
    if response.status_code != 200 or fields is None or "AccessKeyId" not in fields:
        raise AWSCredentialsError(source, _failure(action, response.status_code, fields))
    expiry = parse_timestamp(fields.get("Expiration"))
    access_key, secret_key, token = fields.get("AccessKeyId"), fields.get("SecretAccessKey"), fields.get("SessionToken")
    if not (access_key and secret_key and token) or expiry is None:
        raise AWSCredentialsError(source, f"STS {action} answered without complete credentials.")
    return AWSCredentials(access_key, secret_key, token, expiry)


def _fields(body: bytes) -> dict[str, str] | None:
    """Every leaf element of the XML answer, by local name (the first of each)."""
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        return None
    fields: dict[str, str] = {}
    for element in root.iter():
        if len(element) == 0:
            fields.setdefault(element.tag.rpartition("}")[2], (element.text or "").strip())
    return fields


def _failure(action: str, status: int, fields: dict[str, str] | None) -> str:
    if fields is None:
        return f"STS {action} failed (HTTP {status}, not an XML answer)."
    code, message = fields.get("Code", "no error code"), fields.get("Message", "")
    return f"STS {action} failed (HTTP {status}): {code}" + (f": {message}" if message else ".")
