"""The protected resource and the test-only inspection endpoints of the OAuth2 server."""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.utils import timezone
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.decorators import protected_resource
from oauth2_provider.models import AccessToken, RefreshToken

from oauth_server import tokens

_EVENTS: list[dict[str, Any]] = []
_LOCK = threading.Lock()


def _client_auth(request: HttpRequest, form: dict[str, str]) -> tuple[str, str | None]:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header.lower().startswith("basic "):
        try:
            client_id = base64.b64decode(header[6:]).decode().split(":", 1)[0]
        except Exception:
            client_id = None
        return "basic", client_id
    if "client_secret" in form:
        return "body", form.get("client_id")
    return "none", form.get("client_id")


def _omits_expires_in(client_id: str | None) -> bool:
    return bool(tokens.applications().get(client_id or "", {}).get("omit_expires_in"))


def _strip_expires_in(response: HttpResponse) -> None:
    """Leave ``expires_in`` out of a token answer or an implicit redirect, so that the
    client has to read the expiry from the JWT's ``exp`` claim."""
    if response.get("Content-Type", "").startswith("application/json"):
        body = json.loads(response.content)
        body.pop("expires_in", None)
        response.content = json.dumps(body).encode()
        response["Content-Length"] = str(len(response.content))
    location = response.get("Location")
    if location and "#" in location:
        base, _, fragment = location.partition("#")
        kept = [(k, v) for k, v in parse_qsl(fragment, keep_blank_values=True) if k != "expires_in"]
        response["Location"] = f"{base}#{urlencode(kept)}"


class RecordOAuthTraffic:
    """Remembers every token and authorization request (never a secret) for the tests to inspect."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        event: dict[str, Any] | None = None
        if request.path == "/o/token/" and request.method == "POST":
            form = dict(parse_qsl(request.body.decode("utf-8", "replace")))
            auth, client_id = _client_auth(request, form)
            event = {
                "endpoint": "token",
                "grant_type": form.get("grant_type"),
                "client_auth": auth,
                "client_id": client_id,
                "scope": form.get("scope"),
                "has_code_verifier": "code_verifier" in form,
                "extra": sorted(
                    k
                    for k in form
                    if k
                    not in {"grant_type", "client_id", "client_secret", "username", "password", "code",
                            "code_verifier", "redirect_uri", "refresh_token", "scope"}
                ),
            }
        elif request.path == "/o/authorize/" and request.method == "GET":
            query = dict(parse_qsl(request.META.get("QUERY_STRING", "")))
            event = {
                "endpoint": "authorize",
                "client_id": query.get("client_id"),
                "response_type": query.get("response_type"),
                "redirect_uri": query.get("redirect_uri"),
                "has_state": bool(query.get("state")),
                "has_nonce": bool(query.get("nonce")),
                "code_challenge_method": query.get("code_challenge_method"),
                "scope": query.get("scope"),
            }
        response = self.get_response(request)
        if event is not None and _omits_expires_in(event["client_id"]):
            _strip_expires_in(response)
        if event is not None:
            event["status"] = response.status_code
            if event["endpoint"] == "token":
                try:
                    body = json.loads(response.content)
                except ValueError:
                    body = {}
                event["error"] = body.get("error")
                event["issued_refresh_token"] = "refresh_token" in body
            else:
                location = response.get("Location", "")
                event["redirected_to_login"] = urlsplit(location).path == "/accounts/login/"
            with _LOCK:
                _EVENTS.append(event)
        return response


def me(request: HttpRequest) -> JsonResponse:
    """The protected resource: says which token (client, user, origin) authenticated the call.

    The bearer token is looked up in the toolkit's own table (oauthlib's resource endpoint
    would route JWT-shaped bearer tokens to a JWT validator the toolkit does not implement).
    """
    scheme, _, value = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    token = None
    if scheme.lower() == "bearer" and value:
        checksum = hashlib.sha256(value.encode("utf-8")).hexdigest()
        token = AccessToken.objects.select_related("application", "user").filter(token_checksum=checksum).first()
    if token is None or not token.is_valid():
        return JsonResponse({"error": "invalid_token"}, status=401)
    return JsonResponse(
        {
            "client_id": token.application.client_id,
            "user": token.user.username if token.user else None,
            "scope": token.scope,
            "token_id": token.pk,
            "from_refresh_token": token.source_refresh_token_id is not None,
        }
    )


@csrf_exempt  # type: ignore[untyped-decorator]
@protected_resource(advertise_metadata=True)  # type: ignore[untyped-decorator]
def protected(request: HttpRequest) -> JsonResponse:
    """A resource guarded by the toolkit itself: RFC 6750 401s with WWW-Authenticate: Bearer."""
    _, _, value = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    checksum = hashlib.sha256(value.encode("utf-8")).hexdigest()
    token = AccessToken.objects.select_related("application").get(token_checksum=checksum)
    return JsonResponse({"client_id": token.application.client_id, "token_id": token.pk})


@csrf_exempt  # type: ignore[untyped-decorator]
def revoke_access_tokens(request: HttpRequest) -> JsonResponse:
    """End every access token of one application before its announced expiry, keeping
    its refresh tokens usable (as a server that shortened their lifetime would)."""
    client_id = json.loads(request.body)["client_id"]
    ended = AccessToken.objects.filter(application__client_id=client_id).update(
        expires=timezone.now() - datetime.timedelta(seconds=1)
    )
    return JsonResponse({"revoked": ended})


def echo_authorization(request: HttpRequest) -> JsonResponse:
    """Returns the Authorization header it received (to check an ID token sent as a bearer)."""
    return JsonResponse({"authorization": request.META.get("HTTP_AUTHORIZATION", "")})


def events(request: HttpRequest) -> JsonResponse:
    with _LOCK:
        return JsonResponse({"events": list(_EVENTS)})


@csrf_exempt  # type: ignore[untyped-decorator]
def revoke_refresh_tokens(request: HttpRequest) -> JsonResponse:
    """Revoke every live refresh token of one application (as an administrator would)."""
    client_id = json.loads(request.body)["client_id"]
    revoked = 0
    for token in RefreshToken.objects.filter(application__client_id=client_id, revoked__isnull=True):
        token.revoke()
        revoked += 1
    return JsonResponse({"revoked": revoked})


def ready(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")
