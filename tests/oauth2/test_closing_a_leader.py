"""A leader whose flow is closed while its token request is out: with the error its
closer is raising, the flight fails with it; for no error or a cancellation, the flight
is abandoned (a waiter takes over). The closer's GeneratorExit carries nothing here, as
PyPy's ``close()`` does: the error is learnt without its ``__context__``."""

from __future__ import annotations

import contextlib
from types import ModuleType
from typing import Any

import pytest

from httpx_auth import HeaderApiKey, OAuth2ClientCredentials
from httpx_auth._base import AuthBase
from httpx_auth._oauth2 import single_flight
from httpx_auth._oauth2.settings import OAuth2
from oauth2_fakes import API_URL, TOKEN_URL, fresh_token_cache  # noqa: F401


@pytest.fixture(autouse=True)
def no_flight_left() -> Any:
    yield
    assert single_flight.in_flight() == 0


def grant_and_auth(combined: bool) -> tuple[OAuth2ClientCredentials, Any]:
    grant = OAuth2ClientCredentials(TOKEN_URL, "id", "secret")
    return grant, (grant + HeaderApiKey("key") if combined else grant)


def waiting_on(grant: OAuth2ClientCredentials) -> single_flight.Flight:
    flight, leads = single_flight.join(OAuth2.token_cache, grant.cache_key)
    assert not leads  # the flow under test leads it
    return flight


@pytest.mark.parametrize("layer", ["driver", "grant", "combined"])
def test_a_sync_leader_closed_while_its_client_raises_fails_the_flight(http: ModuleType, layer: str) -> None:
    grant, auth = grant_and_auth(layer == "combined")
    request = http.Request("GET", API_URL)
    # "driver": the base driver itself, that runs every flow (without the grant's
    # ``yield from``, whose close() would give the next layer a __context__ again).
    flow = AuthBase.sync_auth_flow(grant, request) if layer == "driver" else auth.sync_auth_flow(request)
    assert str(next(flow).url) == TOKEN_URL
    flight = waiting_on(grant)
    error = http.ConnectError("connection reset")
    try:
        raise error
    except http.ConnectError:
        with contextlib.suppress(StopIteration, GeneratorExit):
            flow.throw(GeneratorExit())  # no __context__
    assert flight.resolved and flight.error is error


@pytest.mark.parametrize("combined", [False, True])
async def test_an_async_leader_closed_while_its_client_raises_fails_the_flight(
    http: ModuleType, combined: bool
) -> None:
    grant, auth = grant_and_auth(combined)
    flow = auth.async_auth_flow(http.Request("GET", API_URL))
    assert str((await flow.__anext__()).url) == TOKEN_URL
    flight = waiting_on(grant)
    error = http.ReadTimeout("timed out")
    try:
        raise error
    except http.ReadTimeout:
        with contextlib.suppress(StopAsyncIteration, GeneratorExit):
            await flow.athrow(GeneratorExit())
    assert flight.resolved and flight.error is error


@pytest.mark.parametrize("combined", [False, True])
@pytest.mark.parametrize("raising", [None, KeyboardInterrupt])
def test_a_leader_closed_for_no_error_or_an_interrupt_is_taken_over(
    http: ModuleType, combined: bool, raising: Any
) -> None:
    grant, auth = grant_and_auth(combined)
    flow = auth.sync_auth_flow(http.Request("GET", API_URL))
    next(flow)
    flight = waiting_on(grant)
    if raising is None:
        flow.close()
    else:
        try:
            raise raising()
        except BaseException:
            flow.close()
    assert flight.abandoned
