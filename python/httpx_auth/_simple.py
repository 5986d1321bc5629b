"""Basic authentication and API keys sent in a header or in the query string."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import quote

from httpx_auth import _validation as check
from httpx_auth._base import OneStepAuth
from httpx_auth._errors import InvalidParameter


class Basic(OneStepAuth):
    """HTTP Basic authentication (RFC 7617) that can be combined with other auths."""

    def __init__(self, username: str, password: str) -> None:
        username = check.text("username", username)
        if ":" in username:
            raise InvalidParameter("username must not contain ':' (RFC 7617).")
        password = check.text("password", password, allow_empty=True)
        self.username = username
        credentials = f"{username}:{password}".encode()
        self._header = "Basic " + base64.b64encode(credentials).decode("ascii")

    def __repr__(self) -> str:
        return f"Basic(username={self.username!r}, password=<hidden>)"

    def _apply(self, request: Any) -> Any:
        request.headers["Authorization"] = self._header
        return request


class HeaderApiKey(OneStepAuth):
    """Send an API key in a request header."""

    def __init__(self, api_key: str, header_name: str | None = None) -> None:
        self.api_key = check.header_value("api_key", api_key)
        self.header_name = check.header_name(
            "header_name", "X-API-Key" if header_name is None else header_name
        )

    def __repr__(self) -> str:
        return f"HeaderApiKey(api_key=<hidden>, header_name={self.header_name!r})"

    def _apply(self, request: Any) -> Any:
        request.headers[self.header_name] = self.api_key
        return request


class QueryApiKey(OneStepAuth):
    """Send an API key as a query parameter, appended to the query string as sent."""

    def __init__(self, api_key: str, query_parameter_name: str | None = None) -> None:
        self.api_key = check.text("api_key", api_key)
        self.query_parameter_name = check.text(
            "query_parameter_name", "api_key" if query_parameter_name is None else query_parameter_name
        )
        self._pair = (
            f"{quote(self.query_parameter_name, safe='')}={quote(self.api_key, safe='')}".encode("ascii")
        )

    def __repr__(self) -> str:
        return f"QueryApiKey(api_key=<hidden>, query_parameter_name={self.query_parameter_name!r})"

    def _apply(self, request: Any) -> Any:
        # Append rather than re-encode: the parameters already there stay byte for byte.
        query = request.url.query
        request.url = request.url.copy_with(query=query + b"&" + self._pair if query else self._pair)
        return request
