"""Driving a ProConnect login in tests: the test client is the browser.

It follows the app's redirect to the provider of tests/oidc_provider.py with `requests` (the
provider runs on a real port), then brings the provider's redirect back to the app; the app
itself reaches the provider over HTTP for discovery, keys, token and userinfo.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from assett.extensions import db
from assett.models import OidcIdentity, User, UserSession
from assett.services import oidc_client

from .oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider

PROCONNECT_KEYS = ("PROCONNECT_DISCOVERY_URL", "PROCONNECT_CLIENT_ID", "PROCONNECT_CLIENT_SECRET")


def configured(provider: Provider, app: Flask) -> Iterator[Provider]:
    """The provider, reset, set as the app's ProConnect for one test (the body of a fixture)."""
    provider.tamper = None
    provider.userinfo_as_jwt = False
    provider.authorizations.clear()
    provider.logouts.clear()
    provider.issued_id_tokens.clear()
    provider.next_claims = claims_of("claire@mairie.example.fr")
    app.config.update(
        PROCONNECT_DISCOVERY_URL=provider.discovery_url,
        PROCONNECT_CLIENT_ID=CLIENT_ID,
        PROCONNECT_CLIENT_SECRET=CLIENT_SECRET,
        PROCONNECT_TIMEOUT=5,
    )
    oidc_client.clear_cache()
    yield provider
    oidc_client.clear_cache()


def claims_of(email: str, **extra: Any) -> dict[str, Any]:
    claims = {
        "sub": f"sub-{email}",
        "email": email,
        "email_verified": True,
        "given_name": "Claire",
        "usual_name": "Dupont",
    }
    claims.update(extra)
    return claims


def to_provider(client: FlaskClient, start: str = "/connexion/proconnect") -> str:
    """Start a login; return the callback URL the provider sends the browser back to."""
    response = client.get(start)
    assert response.status_code == 302
    at_provider = requests.get(response.headers["Location"], allow_redirects=False, timeout=5)
    assert at_provider.status_code == 302, at_provider.text
    return at_provider.headers["Location"]


def back_to_app(client: FlaskClient, callback: str) -> TestResponse:
    parts = urlsplit(callback)
    return client.get(f"{parts.path}?{parts.query}")


def log_in_through(client: FlaskClient) -> TestResponse:
    return back_to_app(client, to_provider(client))


def counts() -> tuple[int, int]:
    users = db.session.scalar(select(func.count(User.id)))
    identities = db.session.scalar(select(func.count(OidcIdentity.id)))
    return users or 0, identities or 0


def logged_in_user(client: FlaskClient) -> User | None:
    with client.session_transaction() as session:
        session_id = session.get("_user_id")
    record = db.session.get(UserSession, session_id) if session_id else None
    return record.user if record else None


def assert_refused(response: TestResponse, before: tuple[int, int], client: FlaskClient) -> None:
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Connexion avec ProConnect impossible" in text
    assert "Aucun compte n'a été créé ni modifié." in text
    assert counts() == before
    assert logged_in_user(client) is None
