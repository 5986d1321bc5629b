"""Browser grants against the real redirect server, with BROWSER set to a script.

The script plays the browser and the authorization server's login page: it reads
``redirect_uri`` and ``state`` from the authorization URL and sends the reply to the
redirect URI over loopback, in the query string or (for the implicit grant) in the
fragment, handing the fragment back with a POST as the reply page's script would.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
import socket
import sys
from pathlib import Path
from types import ModuleType

import pytest

from httpx_auth import (
    InvalidGrantRequest,
    OAuth2AuthorizationCode,
    OAuth2AuthorizationCodePKCE,
    OAuth2Implicit,
    RedirectPortUnavailable,
    TimeoutOccurred,
)
from httpx_auth._oauth2 import pkce
from httpx_auth.testing import create_token
from browser_fakes import MODES, Server, authorization, call

LOGIN_PAGE = r'''
import sys, urllib.parse, urllib.request

url, mode = sys.argv[1], sys.argv[2]
query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
redirect_uri, state = query["redirect_uri"], query["state"]
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
if mode == "code":
    opener.open(f"{redirect_uri}?code=code-{query.get('code_challenge', 'plain')}&state={state}", timeout=10)
elif mode == "denied":
    try:
        opener.open(f"{redirect_uri}?error=access_denied&error_description=Not+today&state={state}", timeout=10)
    except Exception:
        pass
else:
    page = opener.open(redirect_uri, timeout=10).read().decode()
    assert "window.location.hash" in page
    fields = {"access_token": sys.argv[3], "state": state}
    opener.open(urllib.request.Request(redirect_uri, data=urllib.parse.urlencode(fields).encode()), timeout=10)
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def login_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, token_cache: object) -> Callable[..., None]:
    script = tmp_path / "login_page.py"
    script.write_text(LOGIN_PAGE)

    def use(*args: str) -> None:
        command = " ".join(shlex.quote(part) for part in (sys.executable, str(script), "%s", *args))
        monkeypatch.setenv("BROWSER", command + " &")  # started in the background, like a text-mode browser

    return use


@MODES
def test_authorization_code_over_loopback(login_page: Callable[..., None], http: ModuleType, mode: str) -> None:
    login_page("code")
    port = free_port()
    server = Server(http, {"access_token": "real-server-token", "expires_in": 3600})
    auth = OAuth2AuthorizationCode("https://idp/authorize", "https://idp/token", redirect_uri_port=port, timeout=20)
    assert authorization(call(http, mode, auth, server)) == "Bearer real-server-token"
    assert server.form()["code"] == "code-plain"
    assert server.form()["redirect_uri"] == f"http://localhost:{port}/"


@MODES
def test_pkce_over_loopback(login_page: Callable[..., None], http: ModuleType, mode: str) -> None:
    login_page("code")
    server = Server(http, {"access_token": "pkce-token", "expires_in": 3600})
    auth = OAuth2AuthorizationCodePKCE(
        "https://idp/authorize", "https://idp/token", redirect_uri_port=free_port(), redirect_uri_endpoint="cb", timeout=20
    )
    assert authorization(call(http, mode, auth, server)) == "Bearer pkce-token"
    form = server.form()
    assert form["code"] == "code-" + pkce.code_challenge(form["code_verifier"])


@MODES
def test_implicit_fragment_over_loopback(login_page: Callable[..., None], http: ModuleType, mode: str) -> None:
    token = create_token(2_000_000_000)
    login_page("fragment", token)
    auth = OAuth2Implicit("https://idp/authorize", redirect_uri_port=free_port(), timeout=20)
    assert authorization(call(http, mode, auth, Server(http))) == f"Bearer {token}"


def test_access_denied_over_loopback(login_page: Callable[..., None], http: ModuleType) -> None:
    login_page("denied")
    auth = OAuth2AuthorizationCode("https://idp/authorize", "https://idp/token", redirect_uri_port=free_port(), timeout=20)
    with pytest.raises(InvalidGrantRequest, match="access_denied: Not today"):
        call(http, "sync", auth, Server(http))


@MODES
def test_nobody_answers(http: ModuleType, mode: str, monkeypatch: pytest.MonkeyPatch, token_cache: object) -> None:
    monkeypatch.setenv("BROWSER", f"{shlex.quote(sys.executable)} -c pass %s &")
    auth = OAuth2Implicit("https://idp/authorize", redirect_uri_port=free_port(), timeout=0.5)
    with pytest.raises(TimeoutOccurred):
        call(http, mode, auth, Server(http))


@MODES
def test_port_in_use(http: ModuleType, mode: str, token_cache: object) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        auth = OAuth2Implicit("https://idp/authorize", redirect_uri_port=port)
        with pytest.raises(RedirectPortUnavailable, match=f"port {port}"):
            call(http, mode, auth, Server(http))
