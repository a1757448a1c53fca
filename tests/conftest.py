"""Shared fixtures: the app on SQLite (or PostgreSQL via ASSETT_TEST_DATABASE_URL), personas."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from hypothesis import settings

from assett import create_app
from assett.extensions import db, limiter

from . import factories

TEST_DATABASE_URL = os.environ.get("ASSETT_TEST_DATABASE_URL")
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER")


def _worker_database_url(url: str | None) -> str | None:
    """With pytest-xdist on PostgreSQL, give each worker a database of its own."""
    if not url or not XDIST_WORKER or not url.startswith("postgresql"):
        return url
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{XDIST_WORKER}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).scalar()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


TEST_DATABASE_URL = _worker_database_url(TEST_DATABASE_URL)

# The same examples on every run: a property test must not fail at random in CI.
settings.register_profile("assett", derandomize=True, deadline=None)
settings.load_profile("assett")
FAST_ARGON2 = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}


def test_config(tmp_path: Path, **overrides: Any) -> dict[str, Any]:
    """The configuration tests run with; CSRF off unless a test turns it on."""
    config: dict[str, Any] = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL or f"sqlite:///{tmp_path / 'test.db'}",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "ARGON2_PARAMETERS": FAST_ARGON2,
        "SERVER_NAME": "localhost",
    }
    config.update(overrides)
    return config


test_config.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


@pytest.fixture(scope="session")
def _database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("db")
    app = create_app(test_config(path))
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield path
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def app(_database: Path) -> Iterator[Flask]:
    app = create_app(test_config(_database))
    if limiter.initialized:  # the storage exists once an app enabled rate limiting
        limiter.reset()
    # Requests reuse the app context this fixture pushes, hence its `g`: start each request
    # with an empty `g`, as in production, so Flask-Login never carries the previous request's
    # user (g._login_user) over to the next one.
    app.before_request_funcs.setdefault(None, []).insert(0, _fresh_request_globals)
    with app.app_context():
        yield app
        db.session.rollback()
        factories.empty_database()
        db.session.remove()
        db.engine.dispose()


def _fresh_request_globals() -> None:
    for name in list(vars(g)):
        delattr(g, name)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def world(app: Flask) -> factories.World:
    """Personas on the demo territory and a second territory to check isolation."""
    return factories.make_world()


@pytest.fixture
def login_as(client: FlaskClient):  # type: ignore[no-untyped-def]
    """Log the client in as a user (a real server-side session, as the login view makes)."""

    def login(user: Any) -> FlaskClient:
        factories.log_in(client, user)
        return client

    return login
