"""ReplyCatcher: what each request reaching the redirect URI means, without sockets."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from httpx_auth import GrantNotProvided, InvalidGrantRequest
from httpx_auth._oauth2.browser import reply
from httpx_auth._oauth2.browser.display import DisplaySettings
from httpx_auth._oauth2.browser.reply import FRAGMENT_PAGE, AuthorizationRequest, ReplyCatcher

STATE = "s" * 43


def catcher(grant_field: str = "code", endpoint: str = "/", **display: Any) -> ReplyCatcher:
    return ReplyCatcher(
        AuthorizationRequest(
            url=f"https://idp.example/authorize?state={STATE}",
            redirect_uri=f"http://localhost:5000{endpoint}",
            state=STATE,
            grant_field=grant_field,
            port=5000,
            timeout=60,
            display=DisplaySettings(**display),
        )
    )


def test_code_in_query_string_is_the_reply() -> None:
    c = catcher(success_html="<p>ok {display_time}</p>")
    page = c.handle("GET", f"/?code=abc&state={STATE}&extra=1")
    assert (page.status, page.final, page.html) == (200, True, "<p>ok 1</p>")
    assert c.done.is_set()
    assert c.outcome() == {"code": "abc", "state": STATE, "extra": "1"}


def test_fragment_reply_is_posted_back_by_the_page_script() -> None:
    c = catcher(grant_field="access_token")
    first = c.handle("GET", "/")
    assert (first.status, first.final, first.html) == (200, False, FRAGMENT_PAGE)
    assert "form-action 'self'" in first.headers["Content-Security-Policy"]
    assert not c.done.is_set()
    second = c.handle("POST", "/", f"access_token=tok&expires_in=3600&state={STATE}".encode())
    assert second.final and second.information is None
    assert c.outcome()["access_token"] == "tok"
    assert c.outcome()["expires_in"] == "3600"


def test_posted_fields_are_merged_with_the_query() -> None:
    c = catcher(grant_field="access_token")
    c.handle("POST", f"/?state={STATE}", b"access_token=tok")
    assert c.outcome() == {"state": STATE, "access_token": "tok"}


def test_form_post_reply_mode_works_directly() -> None:
    c = catcher(grant_field="id_token")
    page = c.handle("POST", "/", f"id_token=a.b.c&state={STATE}".encode())
    assert page.final
    assert c.outcome()["id_token"] == "a.b.c"


def test_only_the_redirect_endpoint_is_answered() -> None:
    c = catcher(endpoint="/callback")
    assert c.handle("GET", f"/favicon.ico?code=x&state={STATE}").status == 404
    assert c.handle("GET", f"/?code=x&state={STATE}").status == 404
    assert c.handle("PUT", f"/callback?code=x&state={STATE}").status == 405
    assert not c.done.is_set()
    assert c.handle("GET", f"/callback?code=x&state={STATE}").final


def test_the_endpoint_is_recognised_percent_encoded() -> None:
    # Browsers and authorization servers send a path outside plain ASCII percent-encoded.
    c = catcher(endpoint="/café")
    assert c.handle("GET", f"/caf%C3%A9?code=x&state={STATE}").final
    assert c.outcome()["code"] == "x"
    # An endpoint written percent-encoded matches the same path.
    c = catcher(endpoint="/caf%C3%A9")
    assert c.handle("GET", f"/caf%C3%A9?code=x&state={STATE}").final


def fail(c: ReplyCatcher, method: str, target: str, body: bytes = b"") -> tuple[Exception, str]:
    page = c.handle(method, target, body)
    assert page.final and c.done.is_set()
    with pytest.raises(Exception) as raised:
        c.outcome()
    assert page.information == str(raised.value)
    return raised.value, page.html


@pytest.mark.parametrize(
    ("method", "target", "body"),
    [
        ("GET", "/?code=abc&state=zz-attacker-zz", b""),
        ("GET", "/?code=abc", b""),
        ("GET", "/?error=access_denied", b""),
        ("POST", "/", b""),  # a page in another tab: fetch("http://localhost:5000/", {method: "POST"})
        ("POST", "/", b"{<script>alert(1)</script>: 1}"),
        ("POST", "/", f"access_token=t&state={STATE}&state=other".encode()),
    ],
)
def test_answers_without_the_state_are_ignored(method: str, target: str, body: bytes) -> None:
    c = catcher(grant_field="access_token" if method == "POST" else "code")
    page = c.handle(method, target, body)
    assert (page.status, page.final, page.information) == (400, False, reply.IGNORED)
    assert not c.done.is_set()
    for content in ("zz-attacker-zz", "abc", "script", "alert", "access_denied"):
        assert content not in page.html
    # The real reply still ends the wait.
    final = c.handle("GET", f"/?code=real&access_token=real&state={STATE}")
    assert final.final and c.outcome()["state"] == STATE


def test_a_wrong_state_is_never_echoed() -> None:
    page = catcher().handle("GET", "/?code=abc&state=zz-attacker-zz")
    assert "zz-attacker-zz" not in page.html and "zz-attacker-zz" not in (page.information or "")


def test_error_reply_carries_the_servers_words() -> None:
    error, html = fail(
        catcher(),
        "GET",
        f"/?error=access_denied&error_description=The+user+said+no&error_uri=https://idp/help&state={STATE}",
    )
    assert isinstance(error, InvalidGrantRequest)
    assert (error.error, error.error_description, error.error_uri) == (
        "access_denied",
        "The user said no",
        "https://idp/help",
    )
    assert "access_denied: The user said no" in html
    assert "https://idp/help" in html


def test_error_reply_without_description_is_explained() -> None:
    error, _ = fail(catcher(), "GET", f"/?error=access_denied&state={STATE}")
    assert str(error) == "access_denied: The resource owner or authorization server denied the request."


def test_error_in_the_fragment_is_read_too() -> None:
    c = catcher(grant_field="access_token")
    assert not c.handle("GET", "/").final
    error, _ = fail(c, "POST", "/", f"error=unauthorized_client&state={STATE}".encode())
    assert isinstance(error, InvalidGrantRequest) and error.error == "unauthorized_client"


def test_a_reply_without_the_grant_fails() -> None:
    error, html = fail(catcher(grant_field="access_token"), "POST", "/", f"state={STATE}&token_type=bearer".encode())
    assert isinstance(error, GrantNotProvided)
    assert str(error) == "access_token not provided within the reply (nothing)."  # names nothing it received
    assert "access_token not provided" in html


def test_an_empty_grant_is_not_a_grant() -> None:
    error, _ = fail(catcher(), "GET", f"/?code=&state={STATE}")
    assert isinstance(error, GrantNotProvided)


def test_a_repeated_parameter_is_malformed() -> None:
    error, _ = fail(catcher(), "GET", f"/?code=a&code=b&state={STATE}")
    assert isinstance(error, InvalidGrantRequest)
    assert error.error == "invalid_request" and "repeats a parameter" in str(error)


def test_the_same_value_twice_is_tolerated() -> None:
    c = catcher(grant_field="access_token")
    c.handle("POST", f"/?state={STATE}", f"access_token=t&state={STATE}".encode())
    assert c.outcome()["access_token"] == "t"


def test_custom_failure_page_gets_the_escaped_information() -> None:
    c = catcher(failure_html="<b>{information}</b>")
    page = c.handle("GET", f"/?error=<img>&state={STATE}")
    assert page.html == "<b>&lt;img&gt;: no description given.</b>"


def test_first_reply_wins_and_later_ones_change_nothing() -> None:
    c = catcher()
    c.handle("GET", f"/?code=first&state={STATE}")
    later = c.handle("GET", f"/?code=second&state={STATE}")
    assert (later.status, later.final) == (409, False)
    assert c.outcome()["code"] == "first"


def test_outcome_before_any_reply_is_a_programming_error() -> None:
    with pytest.raises(RuntimeError):
        catcher().outcome()


def test_state_is_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    compared: list[tuple[bytes, bytes]] = []
    real = reply.hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(reply.hmac, "compare_digest", spy)
    catcher().handle("GET", f"/?code=abc&state={STATE}")
    assert compared == [(STATE.encode(), STATE.encode())]


def test_concurrent_replies_settle_on_exactly_one() -> None:
    c = catcher()
    finals: list[bool] = []
    barrier = threading.Barrier(8)

    def hit(i: int) -> None:
        barrier.wait()
        finals.append(c.handle("GET", f"/?code=c{i}&state={STATE}").final)

    threads = [threading.Thread(target=hit, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert finals.count(True) == 1
    assert c.outcome()["code"].startswith("c")
