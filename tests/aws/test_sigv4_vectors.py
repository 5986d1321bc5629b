"""Every SigV4 conformance vector in ``shared/sigv4-vectors`` (next to the repository),
reproduced on both backends: canonical request, string to sign and signature.

The vectors are read where they are, never copied into the repository: set
``HTTPX_AUTH_SIGV4_VECTORS`` to their folder when the repository is not next to them.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote_to_bytes

import pytest

from backends import presign, presign_keys, sign_headers


def _vectors_folder() -> Path | None:
    candidates = [os.environ.get("HTTPX_AUTH_SIGV4_VECTORS", "")]
    tests = Path(__file__).resolve().parent
    candidates += [str(parent / "shared" / "sigv4-vectors") for parent in tests.parents]
    for candidate in candidates:
        if candidate and Path(candidate, "README.md").is_file():
            return Path(candidate)
    return None


_FOUND = _vectors_folder()
if _FOUND is None:
    _MISSING = (
        "SigV4 vectors not found: expected shared/sigv4-vectors beside the repository "
        "(or HTTPX_AUTH_SIGV4_VECTORS)"
    )
    if os.environ.get("CI") == "true":  # CI must run them: missing is a failure there
        raise pytest.UsageError(_MISSING)
    pytest.skip(_MISSING, allow_module_level=True)
VECTORS: Path = _FOUND

SUITE_ACCESS_ID = "AKIDEXAMPLE"
SUITE_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
SUITE_TIME = calendar.timegm((2015, 8, 30, 12, 36, 0))
SUITE_DATE = "20150830T123600Z"
SUITE_SCOPE = "20150830/us-east-1/service/aws4_request"
SUITE_TOKEN = (
    "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmx"
    "fpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0K"
    "PkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZb"
    "qBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="
)
# smithy-rs signs its own extra vectors with its test credentials (access id ANOTREAL);
# this secret is the one that reproduces the signatures they recorded.
SMITHY_ACCESS_ID = "ANOTREAL"
SMITHY_SECRET = "notrealrnrELgWzOk3IfjzDKtFBhDby"
EVERYTHING = ("*",)
# (normalize_path, double_encode). The suites sign paths as given, normalised unless
# told otherwise, encoded once; real services other than S3 encode the path again.
SUITE_RULES = (True, False)
S3_RULES = (False, False)
SERVICE_RULES = (True, True)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class RawRequest:
    method: str
    target: bytes
    headers: list[tuple[bytes, bytes, bytes]] = field(default_factory=list)
    body: bytes = b""

    def without(self, lower_name: bytes) -> list[tuple[bytes, bytes, bytes]]:
        return [h for h in self.headers if h[1] != lower_name]


def parse_request(raw: bytes, folded_lines: str) -> RawRequest:
    """Parse a vector's raw request. A line starting with whitespace continues the header
    above: ``folded_lines="values"`` makes it another value of that header (the 2015
    suite), ``"unfold"`` joins it to the value with a space (the aws-c-auth suite)."""
    head, _, body = raw.partition(b"\n\n")
    lines = head.split(b"\n")
    method, _, rest = lines[0].partition(b" ")
    target = rest.rpartition(b" HTTP/1.1")[0] if rest.endswith(b" HTTP/1.1") else rest
    request = RawRequest(method.decode(), target, body=body)
    for line in lines[1:]:
        if not line:
            continue
        if line[:1] in (b" ", b"\t"):
            name, lower, value = request.headers[-1]
            if folded_lines == "values":
                request.headers.append((name, lower, line))
            else:
                request.headers[-1] = (name, lower, value + b" " + line)
            continue
        name, _, value = line.partition(b":")
        request.headers.append((name, name.lower(), value))
    return request


def authorization_of(headers: list[tuple[bytes, bytes, bytes]]) -> str:
    values = [h[2].decode() for h in headers if h[1] == b"authorization"]
    assert len(values) == 1
    return values[0]


def signature_in(text: str) -> str:
    return text.rsplit("Signature=", 1)[1].split()[0].split("&")[0].strip()


def reproduce(core: Any, method: str, target: bytes, headers: Any, payload_hash: str,
              rules: tuple[bool, bool], *, amz_date: str, scope: str, secret: str) -> tuple[str, str, str]:
    """Canonical request, string to sign and signature computed step by step."""
    canonical, _ = core.testing.sigv4_canonical_request(method, target, headers, EVERYTHING, payload_hash, *rules)
    region, service = scope.split("/")[1:3]
    string_to_sign = core.testing.sigv4_string_to_sign(amz_date, scope, canonical)
    key = core.sigv4_signing_key(secret, amz_date[:8], region, service)
    return canonical.decode("utf-8"), string_to_sign, core.sigv4_signature(key, string_to_sign)


# --- the 2015 suite: 31 cases --------------------------------------------------------

SUITE_2015 = sorted(p.parent for p in (VECTORS / "aws-sig-v4-test-suite").rglob("*.req"))


def test_the_2015_suite_is_complete() -> None:
    assert len(SUITE_2015) == 31


@pytest.mark.parametrize("case", SUITE_2015, ids=lambda p: p.name)
def test_2015_suite_step_by_step(core: Any, case: Path) -> None:
    name = case.name
    request = parse_request((case / f"{name}.req").read_bytes(), folded_lines="values")
    canonical, string_to_sign, signature = reproduce(
        core, request.method, request.target, request.headers, sha256(request.body), SUITE_RULES,
        amz_date=SUITE_DATE, scope=SUITE_SCOPE, secret=SUITE_SECRET,
    )
    assert canonical == (case / f"{name}.creq").read_text()
    assert string_to_sign == (case / f"{name}.sts").read_text()
    assert signature == signature_in((case / f"{name}.authz").read_text())


@pytest.mark.parametrize("case", SUITE_2015, ids=lambda p: p.name)
def test_2015_suite_in_one_call(core: Any, case: Path) -> None:
    name = case.name
    request = parse_request((case / f"{name}.req").read_bytes(), folded_lines="values")
    token = SUITE_TOKEN if name == "post-sts-header-before" else None
    signed = sign_headers(core, 
        request.method, request.target, request.headers, EVERYTHING, sha256(request.body), False,
        SUITE_ACCESS_ID, SUITE_SECRET, token, "us-east-1", "service", SUITE_TIME, *SUITE_RULES,
    )
    assert authorization_of(signed) == (case / f"{name}.authz").read_text()


# --- the aws-c-auth suite: 40 cases, 38 of them also presigned -----------------------

C_AUTH = VECTORS / "aws-c-auth-v4"
C_AUTH_CASES = sorted(p.parent for p in C_AUTH.glob("*/context.json"))


def test_the_aws_c_auth_suite_is_complete() -> None:
    assert len([p for p in C_AUTH.iterdir() if p.is_dir()]) == 40
    assert len(C_AUTH_CASES) == 38
    assert all((case / "query-signature.txt").is_file() for case in C_AUTH_CASES)


def c_auth_case(case: Path) -> tuple[dict[str, Any], RawRequest]:
    context = json.loads((case / "context.json").read_text())
    return context, parse_request((case / "request.txt").read_bytes(), folded_lines="unfold")


def credentials_of(context: dict[str, Any]) -> tuple[str, str, str | None]:
    credentials = context["credentials"]
    token = None if context.get("omit_session_token") else credentials.get("token")
    return credentials["access_key_id"], credentials["secret_access_key"], token


@pytest.mark.parametrize("case", C_AUTH_CASES, ids=lambda p: p.name)
def test_aws_c_auth_header_signing(core: Any, case: Path) -> None:
    context, request = c_auth_case(case)
    access_id, secret, token = credentials_of(context)
    rules = SUITE_RULES if context["normalize"] else S3_RULES
    payload_hash = sha256(request.body)
    signed = sign_headers(core, 
        request.method, request.target, request.headers, EVERYTHING, payload_hash,
        context["sign_body"], access_id, secret, token, context["region"], context["service"],
        SUITE_TIME, *rules,
    )
    expected_signature = (case / "header-signature.txt").read_text().strip()
    assert signature_in(authorization_of(signed)) == expected_signature
    unsigned = [h for h in signed if h[1] != b"authorization"]
    canonical, string_to_sign, signature = reproduce(
        core, request.method, request.target, unsigned, payload_hash, rules,
        amz_date=SUITE_DATE, scope=f"20150830/{context['region']}/{context['service']}/aws4_request",
        secret=secret,
    )
    assert canonical == (case / "header-canonical-request.txt").read_text()
    assert string_to_sign == (case / "header-string-to-sign.txt").read_text()
    assert signature == expected_signature


def query_parameters(target: bytes) -> list[bytes]:
    return sorted(target.partition(b"?")[2].split(b"&"))


@pytest.mark.parametrize("case", C_AUTH_CASES, ids=lambda p: p.name)
def test_aws_c_auth_presigning(core: Any, case: Path) -> None:
    context, request = c_auth_case(case)
    access_id, secret, token = credentials_of(context)
    rules = SUITE_RULES if context["normalize"] else S3_RULES
    payload_hash = sha256(request.body)
    target = presign(
        core,
        request.method, request.target, request.headers, payload_hash,
        access_id, secret, token, context["region"], context["service"], SUITE_TIME,
        context["expiration_in_seconds"], *rules,
    )
    expected_signature = (case / "query-signature.txt").read_text().strip()
    assert signature_in(target.decode("utf-8")) == expected_signature
    # The query signed is the presigned URL's, without the signature.
    unsigned_target = target.rpartition(b"&X-Amz-Signature=")[0]
    canonical, string_to_sign, signature = reproduce(
        core, request.method, unsigned_target, request.headers, payload_hash, rules,
        amz_date=SUITE_DATE, scope=f"20150830/{context['region']}/{context['service']}/aws4_request",
        secret=secret,
    )
    assert canonical == (case / "query-canonical-request.txt").read_text()
    assert string_to_sign == (case / "query-string-to-sign.txt").read_text()
    assert signature == expected_signature
    # Same parameters as the recorded signed request (which adds an unsigned token itself).
    recorded = parse_request((case / "query-signed-request.txt").read_bytes(), "unfold").target
    if context.get("omit_session_token"):
        target += b"&X-Amz-Security-Token=" + quote(context["credentials"]["token"], safe="").encode()
    assert query_parameters(target) == query_parameters(recorded)
    # The recorded requests print some paths decoded (get-space-normalized).
    assert unquote_to_bytes(target.partition(b"?")[0]) == unquote_to_bytes(recorded.partition(b"?")[0])


# --- double encoding of non-S3 paths (aws-c-auth-v4 and smithy-rs-extras) -----------

LAMBDA_TIME = calendar.timegm((2021, 5, 11, 15, 40, 45))
DOUBLE_URL_ENCODE = [VECTORS / "aws-c-auth-v4" / "double-url-encode", VECTORS / "smithy-rs-extras" / "double-url-encode"]
DOUBLE_ENCODE_PATH = [VECTORS / "aws-c-auth-v4" / "double-encode-path", VECTORS / "smithy-rs-extras" / "double-encode-path"]


def _first(folder: Path, *names: str) -> Path:
    return next(folder / name for name in names if (folder / name).is_file())


@pytest.mark.parametrize("case", DOUBLE_URL_ENCODE, ids=lambda p: p.parent.name)
def test_double_url_encode(core: Any, case: Path) -> None:
    request = parse_request(_first(case, "request.txt", "double-url-encode.req").read_bytes(), "unfold")
    canonical, string_to_sign, signature = reproduce(
        core, request.method, request.target, request.headers, sha256(b""), SERVICE_RULES,
        amz_date="20210511T154045Z", scope="20210511/us-east-2/lambda/aws4_request", secret=SUITE_SECRET,
    )
    assert canonical == _first(case, "header-canonical-request.txt", "double-url-encode.creq").read_text()
    assert string_to_sign == _first(case, "header-string-to-sign.txt", "double-url-encode.sts").read_text().strip()
    recorded = _first(case, "header-signed-request.txt", "double-url-encode.sreq").read_text()
    assert signature == signature_in(recorded)
    signed = sign_headers(core, 
        request.method, request.target, request.headers, EVERYTHING, sha256(b""), False,
        SUITE_ACCESS_ID, SUITE_SECRET, None, "us-east-2", "lambda", LAMBDA_TIME, *SERVICE_RULES,
    )
    assert authorization_of(signed) in recorded


@pytest.mark.parametrize("case", DOUBLE_ENCODE_PATH, ids=lambda p: p.parent.name)
def test_double_encode_path(core: Any, case: Path) -> None:
    request = parse_request(_first(case, "request.txt", "double-encode-path.req").read_bytes(), "unfold")
    # The recorded canonical request was made at the Lambda example's time...
    signed = sign_headers(core, 
        request.method, request.target, request.headers, EVERYTHING, sha256(b""), False,
        SMITHY_ACCESS_ID, SMITHY_SECRET, None, "us-east-1", "service", LAMBDA_TIME, *SERVICE_RULES,
    )
    canonical, _ = core.testing.sigv4_canonical_request(
        request.method, request.target, signed[:-1], EVERYTHING, sha256(b""), *SERVICE_RULES
    )
    expected = _first(case, "header-canonical-request.txt", "double-encode-path.creq").read_text()
    assert canonical.decode() == expected
    # ...and the recorded signature at the suite's time, with smithy-rs's credentials.
    signed = sign_headers(core, 
        request.method, request.target, request.headers, EVERYTHING, sha256(b""), False,
        SMITHY_ACCESS_ID, SMITHY_SECRET, None, "us-east-1", "service", SUITE_TIME, *SERVICE_RULES,
    )
    recorded = _first(case, "header-signed-request.txt", "double-encode-path.sreq").read_text()
    assert "Authorization:" + authorization_of(signed) in recorded


def test_smithy_iam_string_to_sign(core: Any) -> None:
    # The IAM ListUsers example of the AWS General Reference; the file holds its string to sign.
    headers = [
        (b"Host", b"host", b"iam.amazonaws.com"),
        (b"Content-Type", b"content-type", b"application/x-www-form-urlencoded; charset=utf-8"),
    ]
    signed = sign_headers(core, 
        "GET", b"/?Action=ListUsers&Version=2010-05-08", headers, ("host", "content-type"), sha256(b""),
        False, SUITE_ACCESS_ID, SUITE_SECRET, None, "us-east-1", "iam", SUITE_TIME, *SERVICE_RULES,
    )
    _, string_to_sign, signature = reproduce(
        core, "GET", b"/?Action=ListUsers&Version=2010-05-08", signed[:-1], sha256(b""), SERVICE_RULES,
        amz_date=SUITE_DATE, scope="20150830/us-east-1/iam/aws4_request", secret=SUITE_SECRET,
    )
    assert string_to_sign == (VECTORS / "smithy-rs-extras" / "iam" / "iam.creq").read_text().strip()
    assert signature == "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
    assert signature_in(authorization_of(signed)) == signature


def test_smithy_presigned_query_order_key_case(core: Any) -> None:
    recorded = (VECTORS / "smithy-rs-extras" / "get-vanilla-query-order-key-case.qpsreq").read_bytes()
    expected_target = parse_request(recorded, "unfold").target
    headers = [(b"Host", b"host", b"example.amazonaws.com")]
    target = presign(
        core,
        "GET", b"/?Param2=value2&Param1=value1", headers, sha256(b""),
        SMITHY_ACCESS_ID, SMITHY_SECRET, None, "us-east-1", "service", SUITE_TIME, 35, *SERVICE_RULES,
    )
    assert target == expected_target


# --- the five worked examples of the Amazon S3 API Reference -----------------------

S3_EXAMPLES = json.loads((VECTORS / "s3_examples.json").read_text())
S3_TIME = calendar.timegm((2013, 5, 24, 0, 0, 0))


def test_the_s3_examples_are_complete() -> None:
    assert len(S3_EXAMPLES["cases"]) == 5


def s3_request(case: dict[str, Any]) -> tuple[bytes, list[tuple[bytes, bytes, bytes]], str]:
    import httpx

    url = httpx.URL(case["url"])
    headers = [(b"Host", b"host", url.netloc)]
    headers += [(k.encode(), k.lower().encode(), v.encode()) for k, v in case["headers"].items()]
    return url.raw_path, headers, f"{url.scheme}://{url.netloc.decode()}"


@pytest.mark.parametrize(
    "case", [c for c in S3_EXAMPLES["cases"] if c["kind"] == "authorization-header"], ids=lambda c: c["name"]
)
def test_s3_documentation_header_examples(core: Any, case: dict[str, Any]) -> None:
    credentials = S3_EXAMPLES["credentials"]
    target, headers, _ = s3_request(case)
    payload_hash = sha256(case["body"].encode())
    include = tuple(case["signed_headers"].split(";"))
    canonical, string_to_sign, signature = reproduce(
        core, case["method"], target, headers, payload_hash, S3_RULES,
        amz_date="20130524T000000Z", scope="20130524/us-east-1/s3/aws4_request",
        secret=credentials["secret_access_key"],
    )
    assert canonical == case["canonical_request"]
    assert string_to_sign == case["string_to_sign"]
    assert signature == case["expected_signature"]
    signed = sign_headers(core, 
        case["method"], target, headers, include, payload_hash, True,
        credentials["access_key_id"], credentials["secret_access_key"], None, "us-east-1", "s3", S3_TIME,
        *S3_RULES,
    )
    authorization = authorization_of(signed)
    assert authorization.replace(", ", ",") == case["expected_authorization"]


def test_s3_documentation_presigned_example(core: Any) -> None:
    (case,) = [c for c in S3_EXAMPLES["cases"] if c["kind"] == "presigned-url"]
    credentials = S3_EXAMPLES["credentials"]
    target, headers, origin = s3_request(case)
    presigned = presign(
        core,
        case["method"], target, headers, case["payload_hash"],
        credentials["access_key_id"], credentials["secret_access_key"], None, "us-east-1", "s3",
        S3_TIME, case["expires"], *S3_RULES,
    )
    assert origin + presigned.decode() == case["expected_url"]
    canonical, string_to_sign, signature = reproduce(
        core, case["method"], presigned.rpartition(b"&X-Amz-Signature=")[0], headers, case["payload_hash"],
        S3_RULES,
        amz_date="20130524T000000Z", scope="20130524/us-east-1/s3/aws4_request",
        secret=credentials["secret_access_key"],
    )
    assert (canonical, string_to_sign, signature) == (
        case["canonical_request"], case["string_to_sign"], case["expected_signature"]
    )
    # The batch form gives the same URL for the same key.
    (url,) = presign_keys(core, 
        case["method"], origin, headers[0][2].decode(), b"/", b"", ["test.txt"], case["payload_hash"],
        credentials["access_key_id"], credentials["secret_access_key"], None, "us-east-1", "s3",
        S3_TIME, case["expires"], *S3_RULES,
    )
    assert url == case["expected_url"]
