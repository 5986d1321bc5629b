"""Fakes for the AWS credential sources: an STS, an SSO portal, a container endpoint and
an IMDSv2, as one handler usable in an ``httpx.MockTransport`` and in a real HTTP server
on 127.0.0.1 (for botocore, which does not go through httpx).

Credentials the fake STS hands out are derived from what it was asked (role, caller's
access key, session name), so two clients asking the same get the same answer."""

from __future__ import annotations

import hashlib
import http.server
import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"


def derived(*parts: str) -> tuple[str, str, str]:
    """(access key, secret, token) that depend only on ``parts``."""
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()
    return "ASIA" + digest[:16].upper(), "secret-" + digest[16:40], "token-" + digest[40:]


def iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


@dataclass
class FakeAWS:
    """What the fake services answer, and what they were asked."""

    lifetime: float = 3600.0
    imds_role: str = "instance-role"
    imds_region: str = "eu-north-1"
    imds_token: str = "imds-session-token"
    container_token: str | None = None
    sts_error: tuple[int, str, str] | None = None  # (status, code, message)
    calls: list[tuple[str, str, dict[str, str], dict[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def sts_keys(self, form: dict[str, str], headers: dict[str, str]) -> tuple[str, str, str]:
        caller = headers.get("authorization", "").partition("Credential=")[2].partition("/")[0]
        if form.get("Action") == "AssumeRoleWithWebIdentity":
            caller = "web:" + form.get("WebIdentityToken", "")
        session = form.get("RoleSessionName", "")
        session = "" if session.startswith(("botocore-session-", "httpx-auth-session-")) else session
        return derived(form.get("RoleArn", ""), caller, session, form.get("ExternalId", ""))

    def handle(self, method: str, path: str, query: str, headers: dict[str, str], body: bytes) -> tuple[int, str, bytes]:
        """(status, content type, body) for one request."""
        form = dict(urllib.parse.parse_qsl(body.decode())) if method == "POST" else dict(urllib.parse.parse_qsl(query))
        with self.lock:
            self.calls.append((method, path, form, headers))
        now = time.time()
        expiry = now + self.lifetime
        if method == "POST" and form.get("Action", "").startswith("AssumeRole"):
            return self._sts(form, headers, expiry)
        if path == "/federation/credentials":
            if headers.get("x-amz-sso_bearer_token") != "sso-access-token":
                return 401, "application/json", b'{"message": "Session token not found or invalid"}'
            key, secret, token = derived("sso", form.get("account_id", ""), form.get("role_name", ""))
            creds = {"accessKeyId": key, "secretAccessKey": secret, "sessionToken": token, "expiration": int(expiry * 1000)}
            return 200, "application/json", json.dumps({"roleCredentials": creds}).encode()
        if path == "/latest/api/token":
            if method != "PUT" or "x-aws-ec2-metadata-token-ttl-seconds" not in headers:
                return 403, "text/plain", b""
            return 200, "text/plain", self.imds_token.encode()
        if path.startswith("/latest/meta-data/"):
            if headers.get("x-aws-ec2-metadata-token") != self.imds_token:
                return 401, "text/plain", b""
            rest = path[len("/latest/meta-data/") :]
            if rest == "placement/region":
                return 200, "text/plain", self.imds_region.encode()
            if rest == "iam/security-credentials/":
                return 200, "text/plain", self.imds_role.encode()
            if rest == f"iam/security-credentials/{self.imds_role}":
                return 200, "application/json", self._credentials_json("imds", expiry)
            return 404, "text/plain", b""
        if path.startswith("/container/"):
            if self.container_token is not None and headers.get("authorization") != self.container_token:
                return 401, "application/json", b'{"message": "unauthorized"}'
            return 200, "application/json", self._credentials_json("container" + path, expiry)
        return 404, "text/plain", b"not found"

    def _credentials_json(self, seed: str, expiry: float) -> bytes:
        key, secret, token = derived(seed)
        return json.dumps(
            {"Code": "Success", "AccessKeyId": key, "SecretAccessKey": secret, "Token": token, "Expiration": iso(expiry)}
        ).encode()

    def _sts(self, form: dict[str, str], headers: dict[str, str], expiry: float) -> tuple[int, str, bytes]:
        if self.sts_error is not None:
            status, code, message = self.sts_error
            xml = f"<ErrorResponse><Error><Code>{code}</Code><Message>{message}</Message></Error></ErrorResponse>"
            return status, "text/xml", xml.encode()
        if form["Action"] == "AssumeRole" and "Credential=" not in headers.get("authorization", ""):
            return 403, "text/xml", b"<ErrorResponse><Error><Code>MissingAuthenticationToken</Code></Error></ErrorResponse>"
        key, secret, token = self.sts_keys(form, headers)
        action = form["Action"]
        xml = (
            f'<{action}Response xmlns="{STS_NS}"><{action}Result><Credentials>'
            f"<AccessKeyId>{key}</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey>"
            f"<SessionToken>{token}</SessionToken><Expiration>{iso(expiry)}</Expiration>"
            f"</Credentials><AssumedRoleUser><Arn>{form.get('RoleArn')}/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId>"
            f"</AssumedRoleUser></{action}Result></{action}Response>"
        )
        return 200, "text/xml", xml.encode()

    # --- the two ways to serve it ------------------------------------------------

    def transport(self) -> httpx.MockTransport:
        def handler(request: httpx.Request) -> httpx.Response:
            headers = {k.lower(): v for k, v in request.headers.items()}
            status, kind, body = self.handle(
                request.method, request.url.path, request.url.query.decode(), headers, request.read()
            )
            return httpx.Response(status, headers={"content-type": kind}, content=body)

        return httpx.MockTransport(handler)

    def action_calls(self, action: str) -> list[dict[str, str]]:
        return [form for method, _, form, _ in self.calls if form.get("Action") == action]


@contextmanager
def serve(fake: FakeAWS) -> Iterator[str]:
    """Serve ``fake`` over real HTTP on 127.0.0.1; yields its base URL."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            path, _, query = self.path.partition("?")
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, kind, answer = fake.handle(self.command, path, query, headers, body)
            self.send_response(status)
            self.send_header("content-type", kind)
            self.send_header("content-length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        do_GET = do_PUT = do_POST = _answer

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
