"""RedisTokenCache with the retry on a rejected token (RFC 6750 §3.1): the token the API
rejected is not taken back from Redis; its refresh token is used instead."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from httpx_auth import OAuth2ClientCredentials, RedisTokenCache
from httpx_auth._oauth2.caches.redis_protocol import Keys, decode
from oauth2_fakes import TOKEN_URL, FakeServer
from redis_fakes import FakeRedis, redis_cache, server  # noqa: F401

INVALID = 'Bearer error="invalid_token"'


class RejectingServer(FakeServer):
    """Tokens token-<n> with refresh-<n>; the API answers 401 invalid_token to ``revoked``."""

    def __init__(self, http: ModuleType) -> None:
        def answer(n: int, sent: Any) -> Any:
            body = {"access_token": f"token-{n}", "expires_in": 3600, "refresh_token": f"refresh-{n}"}
            return http.Response(200, json=body)

        super().__init__(http, answer)
        self.revoked: set[str] = set()

    def _api(self, request: Any) -> Any:
        self.api_requests.append(request)
        token = request.headers["authorization"].removeprefix("Bearer ")
        if token in self.revoked:
            return self.http.Response(401, headers={"WWW-Authenticate": INVALID})
        return self.http.Response(200, json={"authorization": f"Bearer {token}"})


def test_rejected_token_is_refreshed_not_taken_back_from_redis(
    http: ModuleType, redis_cache: RedisTokenCache, server: FakeRedis  # noqa: F811
) -> None:
    fake = RejectingServer(http)
    auth = OAuth2ClientCredentials(TOKEN_URL, "client", "secret")
    assert fake.get(auth).json()["authorization"] == "Bearer token-1"
    fake.revoked.add("token-1")
    response = fake.get(auth)
    assert response.status_code == 200 and response.json()["authorization"] == "Bearer token-2"
    assert [sent.form.get("grant_type") for sent in fake.token_requests] == ["client_credentials", "refresh_token"]
    assert fake.token_requests[1].form["refresh_token"] == "refresh-1"
    stored = decode(server.value(Keys.of(redis_cache.prefix, auth.cache_key).token))
    assert stored is not None and stored.access_token == "token-2"
