"""The device authorization grant (RFC 8628) of the service server, on Authlib's rfc8628.

``/device_authorization`` authenticates the client with the JWT methods of the token
endpoint (``private_key_jwt``, ``client_secret_jwt``; the assertion's ``aud`` must be this
endpoint or the issuer) and hands out a device code; ``DeviceCode`` is the token
endpoint's ``device_code`` grant, polled until the "user" decided. No browser: the test
plays the user with ``POST /_itest/device/decide`` (``user_code``, ``approve``, and
``after_polls``, the pending answers to give before the decision shows).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc8628 import DeviceAuthorizationEndpoint, DeviceCodeGrant, DeviceCredentialDict
from flask import Flask, jsonify, request

JWT_METHODS = ["private_key_jwt", "client_secret_jwt"]

_lock = threading.Lock()
CREDENTIALS: dict[str, DeviceCredentialDict] = {}  # by device code
DECISIONS: dict[str, dict[str, Any]] = {}  # by user code: user, approved, pending polls left


class DeviceAuthorization(DeviceAuthorizationEndpoint):
    CLIENT_AUTH_METHODS = JWT_METHODS
    INTERVAL = 1  # the client's floor: the tests poll once a second
    EXPIRES_IN = 120

    def get_verification_uri(self) -> str:
        return f"{request.url_root}device"

    def save_device_credential(self, client_id: str, scope: str | None, data: dict[str, Any]) -> None:
        credential = DeviceCredentialDict(
            client_id=client_id, scope=scope, user_code=data["user_code"], expires_at=time.time() + self.EXPIRES_IN
        )
        with _lock:
            CREDENTIALS[data["device_code"]] = credential


class DeviceCode(DeviceCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = JWT_METHODS

    def query_device_credential(self, device_code: str) -> DeviceCredentialDict | None:
        with _lock:
            return CREDENTIALS.get(device_code)

    def query_user_grant(self, user_code: str) -> tuple[dict[str, str], bool] | None:
        with _lock:
            decision = DECISIONS.get(user_code)
            if decision is None or decision["after_polls"] > 0:
                if decision is not None:
                    decision["after_polls"] -= 1
                return None  # authorization_pending
        return {"sub": decision["user"]}, decision["approved"]

    def should_slow_down(self, credential: DeviceCredentialDict) -> bool:
        return False

    def create_token_response(self) -> Any:
        answer = super().create_token_response()
        with _lock:  # a device code is good for one token
            CREDENTIALS.pop(self.request.payload.data["device_code"], None)
        return answer


def register(app: Flask, server: AuthorizationServer, users: list[str], record: Callable[[dict[str, Any]], None]) -> None:
    """Add the device endpoint, the grant and the test's user to ``app`` and ``server``."""
    server.register_grant(DeviceCode)
    server.register_endpoint(DeviceAuthorization)

    @app.post("/device_authorization")
    def device_authorization() -> Any:
        response = server.create_endpoint_response(DeviceAuthorization.ENDPOINT_NAME)
        body = response.get_json(silent=True) or {}
        record(
            {
                "endpoint": "device_authorization",
                "client_auth": request.environ.get("itest.auth_method"),
                "aud": request.environ.get("itest.aud"),
                "dpop_header": "DPoP" in request.headers,
                "status": response.status_code,
                "error": body.get("error"),
            }
        )
        return response

    @app.post("/_itest/device/decide")
    def decide() -> Any:
        form = request.get_json()
        user = form.get("user", users[0])
        with _lock:
            known = any(c["user_code"] == form["user_code"] for c in CREDENTIALS.values())
            if not known or user not in users:
                return jsonify({"error": "unknown user_code or user"}), 400
            DECISIONS[form["user_code"]] = {
                "user": user,
                "approved": bool(form["approve"]),
                "after_polls": int(form.get("after_polls", 0)),
            }
        return jsonify({"ok": True})
