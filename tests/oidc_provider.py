"""A small OpenID provider for the tests, served over HTTP by werkzeug in a thread.

It speaks the protocol the app uses with ProConnect: discovery, authorize (consents at once for
the user the test chose), token (client secret, one-time codes, PKCE S256), userinfo (JSON or
a signed JWT), JWKS and end_session. Its RSA key is generated here; `tamper` makes it issue the
spoiled answers an attacker or a broken provider would.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import make_server

CLIENT_ID = "assett-test"
CLIENT_SECRET = "client-secret-for-tests"
PORTS = range(5130, 5140)

TAMPERINGS = (
    "wrong_nonce",
    "bad_signature",
    "expired",
    "unknown_issuer",
    "wrong_audience",
    "userinfo_bad_signature",
    "userinfo_other_subject",
)


@dataclass
class Provider:
    """The provider's state: who logs in next, what was issued, what to spoil."""

    issuer: str = ""
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, {"kid": "k1"}))
    # Same key id, another key: what a forged signature looks like.
    forger: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, {"kid": "k1"}))
    next_claims: dict[str, Any] = field(default_factory=dict)
    userinfo_as_jwt: bool = False
    tamper: str | None = None
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    authorizations: list[dict[str, str]] = field(default_factory=list)
    logouts: list[dict[str, str]] = field(default_factory=list)
    issued_id_tokens: list[str] = field(default_factory=list)

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def sign(self, claims: dict[str, Any], forged: bool = False) -> str:
        key = self.forger if forged or self.tamper == "bad_signature" else self.key
        return jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _error(error: str, status: int = 400) -> tuple[Response, int]:
    return jsonify({"error": error}), status


def build_app(provider: Provider) -> Flask:
    """The provider's endpoints, over `provider`'s state."""
    app = Flask("oidc_provider")

    @app.get("/.well-known/openid-configuration")
    def discovery() -> Response:
        base = provider.issuer
        return jsonify(
            issuer=base,
            authorization_endpoint=f"{base}/authorize",
            token_endpoint=f"{base}/token",
            userinfo_endpoint=f"{base}/userinfo",
            jwks_uri=f"{base}/jwks",
            end_session_endpoint=f"{base}/session/end",
            response_types_supported=["code"],
            subject_types_supported=["public"],
            id_token_signing_alg_values_supported=["RS256"],
            userinfo_signing_alg_values_supported=["RS256"],
            code_challenge_methods_supported=["S256"],
            token_endpoint_auth_methods_supported=["client_secret_post"],
        )

    @app.get("/jwks")
    def jwks() -> Response:
        return jsonify(KeySet([provider.key]).as_dict(private=False))

    @app.get("/authorize")
    def authorize() -> Any:
        args = request.args.to_dict()
        provider.authorizations.append(args)
        if args.get("client_id") != CLIENT_ID or args.get("response_type") != "code":
            return _error("invalid_request")
        if "openid" not in args.get("scope", "").split():
            return _error("invalid_scope")
        if args.get("code_challenge_method") != "S256" or not args.get("code_challenge"):
            return _error("invalid_request")
        code = secrets.token_urlsafe(24)
        provider.codes[code] = {
            "redirect_uri": args["redirect_uri"],
            "nonce": args.get("nonce"),
            "challenge": args["code_challenge"],
            "claims": dict(provider.next_claims),
            "used": False,
        }
        query = urlencode({"code": code, "state": args.get("state", "")})
        return redirect(f"{args['redirect_uri']}?{query}")

    @app.post("/token")
    def token() -> Any:
        form = request.form
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return _error("invalid_client", 401)
        grant = provider.codes.get(form.get("code", ""))
        if grant is None or grant["used"] or form.get("redirect_uri") != grant["redirect_uri"]:
            return _error("invalid_grant")
        grant["used"] = True  # a code is good once
        if _s256(form.get("code_verifier", "")) != grant["challenge"]:
            return _error("invalid_grant")
        now = int(time.time())
        claims = {
            "iss": "http://attacker.invalid"
            if provider.tamper == "unknown_issuer"
            else provider.issuer,
            "sub": grant["claims"]["sub"],
            "aud": "someone-else" if provider.tamper == "wrong_audience" else CLIENT_ID,
            "iat": now - 7200 if provider.tamper == "expired" else now,
            "exp": now - 3600 if provider.tamper == "expired" else now + 300,
            "nonce": "not-the-nonce" if provider.tamper == "wrong_nonce" else grant["nonce"],
        }
        id_token = provider.sign(claims)
        provider.issued_id_tokens.append(id_token)
        access_token = secrets.token_urlsafe(24)
        provider.tokens[access_token] = grant["claims"]
        return jsonify(
            access_token=access_token, token_type="Bearer", expires_in=60, id_token=id_token
        )

    @app.get("/userinfo")
    def userinfo() -> Any:
        header = request.headers.get("Authorization", "")
        claims = provider.tokens.get(header.removeprefix("Bearer "))
        if claims is None:
            return _error("invalid_token", 401)
        if provider.tamper == "userinfo_other_subject":
            claims = {**claims, "sub": "someone-else"}
        if not provider.userinfo_as_jwt:
            return jsonify(claims)
        forged = provider.tamper == "userinfo_bad_signature"
        body = provider.sign({**claims, "iss": provider.issuer, "aud": CLIENT_ID}, forged)
        return Response(body, mimetype="application/jwt")

    @app.get("/session/end")
    def end_session() -> Any:
        args = request.args.to_dict()
        provider.logouts.append(args)
        query = urlencode({"state": args.get("state", "")})
        return redirect(f"{args['post_logout_redirect_uri']}?{query}")

    return app


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 5130-5139")


@contextmanager
def running_provider() -> Iterator[Provider]:
    """Serve a provider on 127.0.0.1 in a thread until the block ends."""
    provider = Provider()
    port = _free_port()
    server = make_server("127.0.0.1", port, build_app(provider), threaded=True)
    provider.issuer = f"http://127.0.0.1:{port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        thread.join()
