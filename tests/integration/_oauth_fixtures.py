"""Session fixture for the OAuth2/OIDC server (django-oauth-toolkit) and the browser fixture."""

from __future__ import annotations

import time

import json
import os
import secrets
import shutil
import sys
import webbrowser
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from ._servers import ManagedProcess, free_port, kill_pid_file

HERE = Path(__file__).resolve().parent
DRIVER = HERE / "browser_driver.py"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

# Registered without a port: RFC 8252 loopback redirects may use any port.
LOOPBACK_REDIRECTS = [
    "http://localhost/",
    "http://localhost",
    "http://localhost/callback",
    "http://127.0.0.1/",
    "http://127.0.0.1",
]
SHORT_LIFETIME = 2  # seconds, for the "*-short" applications
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


@dataclass(frozen=True)
class OAuthApp:
    """An application registered on the test server."""

    name: str
    client_id: str
    client_secret: str = field(repr=False)
    client_type: str
    grant_type: str
    lifetime: int = 3600


@dataclass
class OAuthServer:
    """The running django-oauth-toolkit server and what the tests need to know about it."""

    base_url: str
    username: str
    password: str = field(repr=False)
    apps: dict[str, OAuthApp]

    @property
    def token_url(self) -> str:
        return f"{self.base_url}/o/token/"

    @property
    def authorization_url(self) -> str:
        return f"{self.base_url}/o/authorize/"

    @property
    def device_authorization_url(self) -> str:
        return f"{self.base_url}/o/device-authorization/"

    @property
    def revocation_url(self) -> str:
        return f"{self.base_url}/o/revoke_token/"

    @property
    def issuer(self) -> str:
        return f"{self.base_url}/o"

    @property
    def protected_url(self) -> str:
        """A resource behind DOT's ``protected_resource(advertise_metadata=True)`` (RFC 6750 401s)."""
        return f"{self.base_url}/api/protected"

    def revoke_access_tokens(self, client_id: str) -> int:
        reply = httpx.post(f"{self.base_url}/_itest/revoke-access-tokens", json={"client_id": client_id})
        reply.raise_for_status()
        return int(reply.json()["revoked"])

    @property
    def resource_url(self) -> str:
        return f"{self.base_url}/api/me"

    @property
    def echo_url(self) -> str:
        return f"{self.base_url}/_itest/echo-authorization"

    def verify_id_token(self, token: str, client_id: str) -> dict[str, Any]:
        """Decode an ID token after checking its RS256 signature with the server's JWKS."""
        import jwt

        jwks = httpx.get(f"{self.base_url}/o/.well-known/jwks.json").json()
        key = jwt.PyJWK(jwks["keys"][0]).key
        return dict(jwt.decode(token, key=key, algorithms=["RS256"], audience=client_id))

    def events(self) -> list[dict[str, Any]]:
        """Every token/authorization request the server saw, oldest first."""
        return list(httpx.get(f"{self.base_url}/_itest/events").json()["events"])

    def token_requests_since(self, mark: int, client_id: str) -> list[dict[str, Any]]:
        return [e for e in self.events()[mark:] if e["endpoint"] == "token" and e["client_id"] == client_id]

    def authorizations_since(self, mark: int, client_id: str) -> list[dict[str, Any]]:
        """Authorization requests answered by the server (not the detours to its login page)."""
        return [
            e
            for e in self.events()[mark:]
            if e["endpoint"] == "authorize" and e["client_id"] == client_id and not e["redirected_to_login"]
        ]

    def mark(self) -> int:
        return len(self.events())

    def revoke_refresh_tokens(self, client_id: str) -> int:
        reply = httpx.post(f"{self.base_url}/_itest/revoke-refresh-tokens", json={"client_id": client_id})
        reply.raise_for_status()
        return int(reply.json()["revoked"])


def _applications() -> dict[str, OAuthApp]:
    def app(name: str, client_type: str, grant_type: str, lifetime: int = 3600) -> OAuthApp:
        secret = secrets.token_urlsafe(24) if client_type == "confidential" else ""
        return OAuthApp(name, f"itest-{name}", secret, client_type, grant_type, lifetime)

    apps = [
        app("cc", "confidential", "client-credentials"),
        app("password", "confidential", "password"),
        app("password-short", "confidential", "password", SHORT_LIFETIME),
        app("authcode", "confidential", "authorization-code"),
        app("authcode-short", "confidential", "authorization-code", SHORT_LIFETIME),
        app("pkce", "public", "authorization-code"),
        app("pkce-short", "public", "authorization-code", SHORT_LIFETIME),
        app("implicit", "public", "implicit"),
        app("implicit-jwt", "public", "implicit"),
        app("implicit-jwt-short", "public", "implicit", SHORT_LIFETIME),
        app("password-jwt-short", "confidential", "password", SHORT_LIFETIME),
        app("lifecycle", "confidential", "password"),
        app("device", "public", DEVICE_GRANT),
        app("device-confidential", "confidential", DEVICE_GRANT),
    ]
    return {a.name: a for a in apps}


def _config(apps: dict[str, OAuthApp], workdir: Path, username: str, password: str, base_url: str) -> dict[str, Any]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_file = workdir / "oidc-rsa.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    key_file.chmod(0o600)
    return {
        "django_secret_key": secrets.token_urlsafe(32),
        "base_url": base_url,
        "database": str(workdir / "oauth.sqlite3"),
        "rsa_private_key_file": str(key_file),
        "users": [{"username": username, "password": password}],
        "applications": [
            {
                "name": a.name,
                "client_id": a.client_id,
                "client_secret": a.client_secret,
                "client_type": a.client_type,
                "grant_type": a.grant_type,
                "redirect_uris": LOOPBACK_REDIRECTS if a.grant_type in {"authorization-code", "implicit"} else [],
                "algorithm": "RS256",
                "pkce_required": a.name.startswith("pkce"),
                # JWT access tokens (with exp), and for these the answers carry no expires_in.
                "jwt_access_token": "-jwt" in a.name,
                "omit_expires_in": "-jwt" in a.name,
                "access_token_lifetime": a.lifetime,
            }
            for a in apps.values()
        ],
    }


@pytest.fixture(scope="session")
def oauth_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OAuthServer]:
    """django-oauth-toolkit on 127.0.0.1 (fresh sqlite, one user, one application per grant)."""
    workdir = tmp_path_factory.mktemp("oauth-server")
    username, password = "alice", secrets.token_urlsafe(16)
    apps = _applications()
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    config_file = workdir / "config.json"
    config_file.write_text(json.dumps(_config(apps, workdir, username, password, base_url)))
    config_file.chmod(0o600)
    env = {**os.environ, "ITEST_OAUTH_CONFIG": str(config_file), "PYTHONUNBUFFERED": "1"}
    server = ManagedProcess(
        "django-oauth-toolkit",
        [sys.executable, str(HERE / "oauth_server" / "serve.py"), str(port)],
        workdir / "server.log",
        env=env,
        cwd=HERE,
    )
    server.start(lambda: httpx.get(f"{base_url}/_itest/ready", timeout=1).status_code == 200, timeout=60)
    try:
        yield OAuthServer(base_url, username, password, apps)
    finally:
        server.stop()


@dataclass
class Browser:
    """Where the browser driver writes its logs, screenshots and PID files."""

    log_dir: Path

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.log_dir.glob("*.log")))

    def logged(self, *lines: str, timeout: float = 15.0) -> bool:
        """Whether the driver logged every one of ``lines`` within ``timeout`` seconds (it
        may still be writing: the server can act on a click before the driver logs it)."""
        deadline = time.monotonic() + timeout
        while not all(line in self.logs() for line in lines):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)
        return True

    def runs(self) -> int:
        """How many times the browser was opened."""
        return len(list(self.log_dir.glob("driver-*.log")))


def _reset_webbrowser_registry() -> None:
    # webbrowser reads BROWSER once, on first use: forget what it found before.
    webbrowser._tryorder = None  # type: ignore[attr-defined]
    webbrowser._browsers = {}  # type: ignore[attr-defined]


@pytest.fixture
def browser(oauth_server: OAuthServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Browser]:
    """Points ``webbrowser`` (through ``BROWSER``) at the selenium driver of Debian's chromium,
    which signs in on the test server, approves the consent page and follows the redirect."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: run .ci/integration (apt-get install chromium chromium-driver)")
    log_dir = tmp_path / "browser"
    log_dir.mkdir()
    monkeypatch.setenv("BROWSER", f"{sys.executable} {DRIVER} %s &")
    monkeypatch.setenv("ITEST_BROWSER_USER", oauth_server.username)
    monkeypatch.setenv("ITEST_BROWSER_PASSWORD", oauth_server.password)
    monkeypatch.setenv("ITEST_BROWSER_LOG_DIR", str(log_dir))
    monkeypatch.setenv("SE_OFFLINE", "true")  # selenium must never try to download a driver
    _reset_webbrowser_registry()
    browser = Browser(log_dir)
    try:
        yield browser
    finally:
        print(f"--- browser driver logs ({browser.runs()} run(s)) ---\n{browser.logs()}")
        for pid_file in log_dir.glob("*.pid"):
            kill_pid_file(pid_file)
        _reset_webbrowser_registry()
        if os.environ.get("ITEST_KEEP_BROWSER_LOGS"):
            shutil.copytree(log_dir, Path(os.environ["ITEST_KEEP_BROWSER_LOGS"]) / tmp_path.name, dirs_exist_ok=True)


@pytest.fixture
def token_cache_reset() -> Iterator[None]:
    """Start and end each OAuth2 test with an empty shared token cache."""

    def clear() -> None:
        import httpx_auth

        oauth2 = getattr(httpx_auth, "OAuth2", None)
        if oauth2 is not None:
            oauth2.token_cache.clear()

    clear()
    yield
    clear()
