"""An Authlib authorization server for the service grants: ``python serve.py PORT``.

Clients come from the JSON file named by ``ITEST_SERVICE_CONFIG`` (their client id, secret,
public JWKs and allowed methods). The token endpoint (``/token``) authenticates clients
with ``client_secret_basic``, ``client_secret_jwt`` or ``private_key_jwt`` (RFC 7523 §2.2,
verified by Authlib) and grants ``client_credentials``, the JWT bearer grant (RFC 7523
§2.1; with or without client authentication, verified when given) and a token exchange (RFC 8693, written here: Authlib has none) of a token this
server issued, for the subject it was issued to. The device authorization grant (RFC 8628)
is in ``device.py``: its endpoint authenticates clients with the same JWT methods, each
assertion's ``aud`` being the endpoint called (or the issuer). ``/api/me`` tells who a
token was issued to; ``/_itest/events`` lists the requests seen by the token and device
endpoints (endpoint, grant, client authentication method, assertion audience, outcome).

DPoP (RFC 9449), checked here by hand with joserfc (Authlib has none): a token request
with a ``DPoP`` proof must carry the server's nonce (else ``400 use_dpop_nonce`` with a
``DPoP-Nonce``); its token is then bound to the proof's key (``token_type`` ``DPoP``),
and ``/api/me`` wants ``Authorization: DPoP`` with a proof of that key, with ``ath`` and
the resource nonce (else ``401 use_dpop_nonce``).
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import threading
from pathlib import Path
from typing import Any

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import (
    ClientMixin,
    InvalidClientError,
    InvalidGrantError,
    InvalidRequestError,
    UnauthorizedClientError,
    grants,
)
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion, JWTBearerGrant
import base64
import hashlib
import time

from flask import Flask, jsonify, request
from joserfc import jws
from joserfc.jwk import ECKey, KeySet, OctKey

import device

CONFIG = json.loads(Path(os.environ["ITEST_SERVICE_CONFIG"]).read_text())
PORT = int(sys.argv[1])
ISSUER = f"http://127.0.0.1:{PORT}"
TOKEN_URL = f"{ISSUER}/token"

_lock = threading.Lock()
EVENTS: list[dict[str, Any]] = []
TOKENS: dict[str, dict[str, Any]] = {}
SEEN_JTI: set[str] = set()
NONCES = {"as": secrets.token_urlsafe(12), "rs": secrets.token_urlsafe(12)}


class ProofError(Exception):
    """A DPoP proof that does not verify (the message says why)."""


def check_proof(proof: str, method: str, url: str, nonce: str, access_token: str | None = None) -> str:
    """The JWK thumbprint of a valid ``proof``; raises ``ProofError`` (or returns ``""`` for
    a proof without the current ``nonce``)."""
    try:
        header = json.loads(base64.urlsafe_b64decode(proof.split(".")[0] + "=="))
        key = ECKey.import_key(header["jwk"])
        compact = jws.deserialize_compact(proof, key, registry=jws.JWSRegistry(algorithms=["ES256"]))
    except Exception as error:
        raise ProofError(f"bad proof: {error}") from None
    claims = json.loads(compact.payload)
    if header.get("typ") != "dpop+jwt" or "d" in header["jwk"]:
        raise ProofError("bad header")
    if claims.get("htm") != method or claims.get("htu") != url or abs(time.time() - claims.get("iat", 0)) > 60:
        raise ProofError("bad htm, htu or iat")
    if access_token is not None:
        ath = base64.urlsafe_b64encode(hashlib.sha256(access_token.encode()).digest()).rstrip(b"=").decode()
        if claims.get("ath") != ath:
            raise ProofError("bad ath")
    if not _jti_once({"sub": "dpop"}, str(claims.get("jti"))):
        raise ProofError("jti replayed")
    return key.thumbprint() if claims.get("nonce") == nonce else ""


class Client(ClientMixin):
    def __init__(self, entry: dict[str, Any]) -> None:
        self.client_id = entry["client_id"]
        self.client_secret = entry.get("client_secret", "")
        self.methods = entry["methods"]
        self.grant_types = entry["grant_types"]
        self.jwks = entry.get("jwks", {"keys": []})

    def get_client_id(self) -> str:
        return str(self.client_id)

    def get_default_redirect_uri(self) -> None:
        return None

    def get_allowed_scope(self, scope: str) -> str:
        return scope or ""

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return False

    def check_client_secret(self, client_secret: str) -> bool:
        return bool(self.client_secret) and secrets.compare_digest(self.client_secret, client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        ok = method in self.methods
        if ok:
            request.environ["itest.auth_method"] = method
        return ok

    def check_response_type(self, response_type: str) -> bool:
        return False

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in self.grant_types


CLIENTS = {entry["client_id"]: Client(entry) for entry in CONFIG["clients"]}


def _jti_once(claims: dict[str, Any], jti: str) -> bool:
    key = f"{claims['sub']}:{jti}"
    with _lock:
        if key in SEEN_JTI:
            return False
        SEEN_JTI.add(key)
        return True


class PrivateKeyJwt(JWTBearerClientAssertion):
    CLIENT_AUTH_METHOD = "private_key_jwt"
    symmetric = False

    def __call__(self, query_client: Any, req: Any) -> Any:
        # Both JWT methods read the same parameters: each takes only its own algorithms.
        assertion = req.form.get("client_assertion")
        if assertion:
            headers, _ = self.extract_assertion(assertion)
            if str(headers.get("alg", "")).startswith("HS") != self.symmetric:
                return None
        return super().__call__(query_client, req)

    def get_audiences(self) -> list[str]:
        # The endpoint being called (token or device authorization), or the issuer.
        return [f"{ISSUER}{request.path}", ISSUER]

    def process_assertion_claims(self, assertion: str, resolve_key: Any) -> Any:
        claims = super().process_assertion_claims(assertion, resolve_key)
        request.environ["itest.aud"] = claims["aud"]
        return claims

    def validate_jti(self, claims: dict[str, Any], jti: str) -> bool:
        return _jti_once(claims, jti)

    def resolve_client_public_key(self, client: Client) -> Any:
        return KeySet.import_key_set(client.jwks)


class ClientSecretJwt(PrivateKeyJwt):
    CLIENT_AUTH_METHOD = "client_secret_jwt"
    symmetric = True

    def resolve_client_public_key(self, client: Client) -> Any:
        return OctKey.import_key(client.client_secret)


class ClientCredentials(grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_jwt", "private_key_jwt"]


class JwtBearer(JWTBearerGrant):
    # RFC 7523 §2.1: client authentication is optional with this grant (Authlib does none).
    # A request that carries some is authenticated, and must be the assertion's issuer.
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_jwt", "private_key_jwt"]

    def validate_token_request(self) -> None:
        authenticated = None
        if request.authorization or "client_assertion" in request.form:
            authenticated = self.authenticate_token_endpoint_client()
        super().validate_token_request()
        if authenticated is not None and authenticated.client_id != self.request.client.client_id:
            raise InvalidClientError(description="the authenticated client is not the assertion's issuer")

    def resolve_issuer_client(self, issuer: str) -> Client | None:
        return CLIENTS.get(issuer)

    def resolve_client_public_key(self, client: Client) -> Any:
        return KeySet.import_key_set(client.jwks)

    def authenticate_user(self, subject: str) -> dict[str, str] | None:
        return {"sub": subject} if subject in CONFIG["users"] else None

    def get_audiences(self) -> list[str]:
        return [TOKEN_URL]

    def has_granted_permission(self, client: Client, user: dict[str, str]) -> bool:
        return True


class TokenExchange(grants.BaseGrant, grants.TokenEndpointMixin):
    GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange"
    TOKEN_ENDPOINT_AUTH_METHODS = ["private_key_jwt", "client_secret_jwt"]
    ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token"

    def validate_token_request(self) -> None:
        form = self.request.form
        client = self.authenticate_token_endpoint_client()
        if not client.check_grant_type(self.GRANT_TYPE):
            raise UnauthorizedClientError("token exchange not allowed")
        if form.get("subject_token_type") != self.ACCESS_TOKEN:
            raise InvalidRequestError("subject_token_type must be an access token")
        with _lock:
            subject = TOKENS.get(form.get("subject_token", ""))
        if subject is None:
            raise InvalidGrantError("unknown subject_token")
        self.request.client = client
        self.request.user = {"sub": subject["subject"] or subject["client_id"]}
        request.environ["itest.audience"] = request.form.getlist("audience")

    def create_token_response(self) -> Any:
        token = self.generate_token(user=self.request.user, scope=self.request.payload.scope, include_refresh_token=False)
        token["issued_token_type"] = self.ACCESS_TOKEN
        self.save_token(token)
        return 200, token, self.TOKEN_RESPONSE_HEADER


def save_token(token: dict[str, Any], req: Any) -> None:
    user = getattr(req, "user", None)
    with _lock:
        TOKENS[token["access_token"]] = {
            "client_id": req.client.client_id,
            "subject": user["sub"] if user else None,
            "scope": token.get("scope"),
        }


def _event(event: dict[str, Any]) -> None:
    with _lock:
        EVENTS.append(event)


app = Flask(__name__)
server = AuthorizationServer(app, query_client=CLIENTS.get, save_token=save_token)
server.register_client_auth_method(PrivateKeyJwt.CLIENT_AUTH_METHOD, PrivateKeyJwt())
server.register_client_auth_method(ClientSecretJwt.CLIENT_AUTH_METHOD, ClientSecretJwt())
server.register_grant(ClientCredentials)
server.register_grant(JwtBearer)
server.register_grant(TokenExchange)
device.register(app, server, CONFIG["users"], _event)


@app.post("/token")
def token() -> Any:
    proof = request.headers.get("DPoP")
    jkt = None
    if proof is not None:
        try:
            jkt = check_proof(proof, "POST", TOKEN_URL, NONCES["as"])
        except ProofError as error:
            return jsonify({"error": "invalid_dpop_proof", "error_description": str(error)}), 400
        if not jkt:
            _event({"endpoint": "token", "grant_type": request.form.get("grant_type"), "status": 400, "error": "use_dpop_nonce"})
            return jsonify({"error": "use_dpop_nonce"}), 400, {"DPoP-Nonce": NONCES["as"]}
    response = server.create_token_response()
    body = response.get_json(silent=True) or {}
    if jkt and response.status_code == 200:
        with _lock:
            TOKENS[body["access_token"]]["jkt"] = jkt
        body["token_type"] = "DPoP"
        response.set_data(json.dumps(body))
    _event(
        {
            "endpoint": "token",
            "grant_type": request.form.get("grant_type"),
            "client_auth": request.environ.get("itest.auth_method"),
            **({"aud": request.environ["itest.aud"]} if "itest.aud" in request.environ else {}),
            "basic_header": request.headers.get("Authorization", "").startswith("Basic "),
            "status": response.status_code,
            "error": body.get("error"),
            **({"dpop": True} if jkt else {}),
            **({"audience": request.environ["itest.audience"]} if "itest.audience" in request.environ else {}),
        }
    )
    return response


@app.get("/api/me")
def me() -> Any:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    with _lock:
        known = TOKENS.get(value)
    if known is None or scheme != ("DPoP" if "jkt" in known else "Bearer"):
        return jsonify({"error": "invalid_token"}), 401
    if "jkt" in known:
        try:
            jkt = check_proof(request.headers.get("DPoP", ""), "GET", f"{ISSUER}/api/me", NONCES["rs"], value)
        except ProofError as error:
            return jsonify({"error": "invalid_dpop_proof", "error_description": str(error)}), 401
        if not jkt:
            challenge = 'DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"'
            return jsonify({"error": "use_dpop_nonce"}), 401, {"WWW-Authenticate": challenge, "DPoP-Nonce": NONCES["rs"]}
        if jkt != known["jkt"]:
            return jsonify({"error": "invalid_token", "error_description": "key mismatch"}), 401
    return jsonify({k: v for k, v in known.items() if k != "jkt"})


@app.get("/_itest/events")
def events() -> Any:
    with _lock:
        return jsonify({"events": list(EVENTS)})


@app.get("/_itest/ready")
def ready() -> Any:
    return jsonify({"ready": True})


if __name__ == "__main__":
    app.run("127.0.0.1", PORT, threaded=True)
