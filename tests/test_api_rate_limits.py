"""The API's rate limits: per key, and refused calls counted too (memory and Redis db 10)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from assett import create_app
from assett.extensions import db, limiter
from tests.conftest import test_config as make_config

from . import factories
from .api_keys import get, make_key

REDIS_URL = "redis://127.0.0.1:6379/10"
PROBLEM = "application/problem+json"

MakeApp = Callable[..., Flask]


def _forget_key_prefix() -> None:
    limiter._key_prefix = ""  # see tests/test_rate_limits.py


@pytest.fixture(params=["memory", "redis"])
def make_app(request: pytest.FixtureRequest, app: Flask, _database: Path) -> Iterator[MakeApp]:
    built: list[Flask] = []
    storage: dict[str, Any] = {}
    if request.param == "redis":
        redis = pytest.importorskip("redis")
        try:
            redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
        except redis.exceptions.ConnectionError:
            pytest.skip("Redis is not reachable on 127.0.0.1:6379")
        storage = {
            "RATELIMIT_STORAGE_URI": REDIS_URL,
            "RATELIMIT_KEY_PREFIX": f"assett-test-{uuid.uuid4().hex}",
        }

    def make(**overrides: Any) -> Flask:
        _forget_key_prefix()
        fresh = create_app(make_config(_database, RATELIMIT_ENABLED=True, **storage, **overrides))
        built.append(fresh)
        return fresh

    yield make
    for fresh in built:
        with fresh.app_context():
            db.engine.dispose()
    if storage:
        _forget_key_prefix()
        create_app(make_config(_database, RATELIMIT_ENABLED=True))


def test_each_key_has_its_own_budget(make_app: MakeApp, world: factories.World) -> None:
    app = make_app(API_RATE_LIMIT="3 per minute")
    first = make_key(world.territory, world.admin, name="Outil A")
    second = make_key(world.territory, world.admin, name="Outil B")
    client = app.test_client()

    statuses = [get(client, "/api/v1/directory", first).status_code for _ in range(4)]
    other = get(client, "/api/v1/directory", second)

    assert statuses == [200, 200, 200, 429]
    assert other.status_code == 200


def test_a_limited_call_is_a_problem_with_retry_after(
    make_app: MakeApp, world: factories.World
) -> None:
    app = make_app(API_RATE_LIMIT="1 per minute")
    token = make_key(world.territory, world.admin)
    client = app.test_client()
    get(client, "/api/v1/directory", token)

    response = get(client, "/api/v1/directory", token)

    assert response.status_code == 429
    assert response.mimetype == PROBLEM
    assert response.json["status"] == 429
    assert int(response.headers["Retry-After"]) > 0


@pytest.mark.parametrize("kind", ["missing", "made-up", "revoked", "out-of-scope"])
def test_refused_calls_count_against_the_limit(
    make_app: MakeApp, world: factories.World, kind: str
) -> None:
    app = make_app(API_RATE_LIMIT="3 per minute", API_REFUSED_RATE_LIMIT="3 per minute")
    client = app.test_client()
    with app.app_context():
        token: str | None = make_key(world.territory, world.admin, ["read:definitions"])
    if kind == "missing":
        token = None
    elif kind == "made-up":
        tokens = [f"assett_invente{n}" for n in range(4)]  # a new guess each time
    elif kind == "revoked":
        from assett.models import ApiKey
        from assett.services.api_keys import revoke_key

        with app.app_context():
            revoke_key(db.session.scalars(db.select(ApiKey)).one())

    statuses = []
    for n in range(4):
        presented = tokens[n] if kind == "made-up" else token
        statuses.append(get(client, "/api/v1/dashboard", presented).status_code)

    refused = 403 if kind == "out-of-scope" else 401
    assert statuses == [refused, refused, refused, 429]
