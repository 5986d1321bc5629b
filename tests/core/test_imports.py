"""What ``import httpx_auth`` loads, and httpx2 support when httpx2 is imported after it.

Each check runs in a fresh interpreter (the test process has imported everything)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from backends import native


def run(code: str, **env: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], env={**os.environ, **env},
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_import_leaves_out_what_a_request_may_never_need() -> None:
    loaded = run("""
        import sys, httpx
        before = set(sys.modules)
        import httpx_auth
        print(sorted(m for m in ("httpx2", "anyio", "importlib.metadata", "httpx_auth._purepy")
                     if m in sys.modules and m not in before))
    """)
    expected = [] if native is not None else ["httpx_auth._purepy"]
    assert loaded == str(expected)


@pytest.mark.parametrize("order", ["httpx2 after", "httpx2 before", "find_spec first"])
def test_httpx2_works_whenever_it_is_imported(order: str) -> None:
    before = {"httpx2 after": "", "httpx2 before": "import httpx2", "find_spec first":
              "import importlib.util; assert importlib.util.find_spec('httpx2')"}[order]
    answer = run(f"""
        {before}
        import httpx_auth
        import httpx2
        auth = httpx_auth.Basic("user", "pass")
        assert isinstance(auth, httpx2.Auth) and isinstance(auth, httpx_auth.SupportMultiAuth)
        assert isinstance(httpx_auth.InvalidParameter("x"), httpx2.HTTPError)
        assert issubclass(httpx_auth.OAuth2ClientCredentials, httpx2.Auth)
        from httpx_auth._aws.streaming import ChunkedBody
        assert issubclass(ChunkedBody, httpx2.SyncByteStream) and issubclass(ChunkedBody, httpx2.AsyncByteStream)
        echo = httpx2.MockTransport(lambda r: httpx2.Response(200, text=r.headers["authorization"]))
        with httpx2.Client(transport=echo) as client:
            print(client.get("https://example.com", auth=auth).text)
    """)
    assert answer == "Basic dXNlcjpwYXNz"


def test_version_is_read_on_first_use() -> None:
    assert run("import httpx_auth; print(httpx_auth.__version__ == httpx_auth.__version__ != '')") == "True"


def test_the_aws_credential_sources_load_on_first_use_and_keep_their_former_path() -> None:
    # The docs named httpx_auth._aws_credentials for resolve_region before the sources
    # moved into httpx_auth._aws.credentials.
    answer = run("""
        import sys, httpx_auth
        print("httpx_auth._aws.credentials" in sys.modules)
        source = httpx_auth.DefaultCredentials
        from httpx_auth._aws_credentials import DefaultCredentials, resolve_region
        from httpx_auth._aws.credentials import resolve_region as resolve
        print("httpx_auth._aws.credentials" in sys.modules, DefaultCredentials is source, resolve_region is resolve)
    """)
    assert answer == "False\nTrue True True"
