"""``python -m httpx_auth``: a tour of what each auth adds to a request, offline.

Requests go to an in-process transport that echoes what it received, so the demo needs
no network and no account.
"""

from __future__ import annotations

from typing import Any

import httpx

import httpx_auth


def _echo(request: httpx.Request) -> httpx.Response:
    added = {k: v for k, v in request.headers.items() if k.lower() not in _PLAIN_HEADERS}
    return httpx.Response(200, json={"url": str(request.url), "headers": added})


_PLAIN_HEADERS = {"host", "accept", "accept-encoding", "connection", "user-agent", "content-length"}


def _show(client: httpx.Client, title: str, auth: Any, url: str = "https://api.example.com/items?page=2") -> None:
    sent = client.get(url, auth=auth).json()
    print(f"\n{title}\n  auth: {auth!r}\n  url:  {sent['url']}")
    for name, value in sent["headers"].items():
        print(f"  {name}: {value}")


def main() -> None:
    print(f"httpx_auth {httpx_auth.__version__}, core backend: {httpx_auth.BACKEND}")
    with httpx.Client(transport=httpx.MockTransport(_echo)) as client:
        _show(client, "Basic", httpx_auth.Basic("aladdin", "opensesame"))
        _show(client, "API key in a header", httpx_auth.HeaderApiKey("my-api-key"))
        _show(client, "API key in the query", httpx_auth.QueryApiKey("my-api-key"))
        _show(
            client,
            "Both API keys and Basic, combined with +",
            httpx_auth.HeaderApiKey("k1") + httpx_auth.QueryApiKey("k2") + httpx_auth.Basic("u", "p"),
        )


if __name__ == "__main__":
    main()
