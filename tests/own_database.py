"""Apps on a database of their own, for tests that need real commits: migrations, concurrency.

They never share the suite's database or its fixtures: each gets a fresh SQLite file, or a
fresh PostgreSQL database beside ASSETT_TEST_DATABASE_URL's, dropped afterwards.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from assett import create_app

POSTGRES_URL = os.environ.get("ASSETT_TEST_DATABASE_URL") or ""
ON_POSTGRES = POSTGRES_URL.startswith("postgresql")
FAST_ARGON2 = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}


def _admin(statement: str) -> None:
    engine = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(statement))
    engine.dispose()


@contextmanager
def own_database(tmp_path: Path, purpose: str) -> Iterator[str]:
    """The URL of an empty database for one test, removed when the test ends."""
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path / f'{purpose}.db'}"
        return
    base = make_url(POSTGRES_URL)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"{base.database}_{purpose}_{worker}"
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def own_app(url: str, **overrides: Any) -> Flask:
    """The app on the given database, configured as the tests need it."""
    config: dict[str, Any] = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "ARGON2_PARAMETERS": FAST_ARGON2,
        "SERVER_NAME": "localhost",
    }
    config.update(overrides)
    return create_app(config)
