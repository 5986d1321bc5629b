"""Session fixture for the Authlib authorization server of the service grants
(private_key_jwt, client_secret_jwt, the JWT bearer grant, token exchange, the device
authorization grant, DPoP)."""

from __future__ import annotations

import json
import os
import secrets
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from joserfc.jwk import ECKey, RSAKey

from ._servers import ManagedProcess, free_port

HERE = Path(__file__).resolve().parent


def _pem(key: Any) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()


@dataclass
class ServiceServer:
    """The running server, its clients' credentials, and what it saw."""

    base_url: str
    client_id: str
    rsa_pem: str = field(repr=False)
    ec_pem: str = field(repr=False)
    client_secret: str = field(repr=False)
    user: str = "svc-user"

    @property
    def token_url(self) -> str:
        return f"{self.base_url}/token"

    @property
    def resource_url(self) -> str:
        return f"{self.base_url}/api/me"

    @property
    def device_authorization_url(self) -> str:
        return f"{self.base_url}/device_authorization"

    def decide(self, user_code: str, approve: bool = True, after_polls: int = 0) -> None:
        """The user's decision on ``user_code``, seen by the polls after ``after_polls`` more
        of them were answered ``authorization_pending``."""
        reply = httpx.post(
            f"{self.base_url}/_itest/device/decide",
            json={"user_code": user_code, "approve": approve, "after_polls": after_polls},
        )
        reply.raise_for_status()

    def events(self) -> list[dict[str, Any]]:
        return list(httpx.get(f"{self.base_url}/_itest/events").json()["events"])


@pytest.fixture(scope="session")
def service_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceServer]:
    """Authlib (on Flask) on 127.0.0.1: one client with an RSA and an EC key and a secret."""
    workdir = tmp_path_factory.mktemp("service-server")
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    jwks = {
        "keys": [
            {**RSAKey.import_key(_pem(rsa_key)).as_dict(private=False), "kid": "rsa-1"},
            {**ECKey.import_key(_pem(ec_key)).as_dict(private=False), "kid": "ec-1"},
        ]
    }
    client_id, secret = "itest-service", secrets.token_urlsafe(32)
    config = {
        "users": ["svc-user"],
        "clients": [
            {
                "client_id": client_id,
                "client_secret": secret,
                "methods": ["private_key_jwt", "client_secret_jwt"],
                "grant_types": [
                    "client_credentials",
                    "urn:ietf:params:oauth:grant-type:jwt-bearer",
                    "urn:ietf:params:oauth:grant-type:token-exchange",
                    "urn:ietf:params:oauth:grant-type:device_code",
                ],
                "jwks": jwks,
            }
        ],
    }
    config_file = workdir / "config.json"
    config_file.write_text(json.dumps(config))
    config_file.chmod(0o600)
    port = free_port()
    server = ManagedProcess(
        "authlib-service-server",
        [sys.executable, str(HERE / "service_server" / "serve.py"), str(port)],
        workdir / "server.log",
        env={**os.environ, "ITEST_SERVICE_CONFIG": str(config_file), "PYTHONUNBUFFERED": "1"},
        cwd=HERE,
    )
    base_url = f"http://127.0.0.1:{port}"
    server.start(lambda: httpx.get(f"{base_url}/_itest/ready", timeout=1).status_code == 200, timeout=60)
    try:
        yield ServiceServer(base_url, client_id, _pem(rsa_key), _pem(ec_key), secret)
    finally:
        server.stop()
