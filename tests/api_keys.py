"""Helpers of the API tests: a key for a territory, and a client that sends it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient

from assett.clock import local_today
from assett.domain.api_keys import SCOPES
from assett.models import Territory, User
from assett.services.api_keys import create_key


def make_key(
    territory: Territory,
    user: User,
    scopes: Iterable[str] = SCOPES,
    name: str = "Portail open data",
    days: int = 30,
) -> str:
    """A new key's token."""
    return create_key(territory, user, name, scopes, local_today() + timedelta(days=days)).token


def get(client: FlaskClient, url: str, token: str | None = None, **headers: str) -> Any:
    """GET with the key as a bearer token."""
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return client.get(url, headers=headers)
