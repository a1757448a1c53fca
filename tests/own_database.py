"""Apps on a database of their own, for tests that need real commits: migrations, concurrency.

They never share the suite's database or its fixtures: each gets a fresh SQLite file, or a
fresh PostgreSQL database beside ASSETT_TEST_DATABASE_URL's, dropped afterwards.

`MigratedDatabases` keeps the database at each Alembic revision, built once per worker by
upgrading one revision at a time, and gives a test a copy of it: a file copy on SQLite,
`CREATE DATABASE … TEMPLATE …` on PostgreSQL. A test that starts at a revision then costs a
copy, not an upgrade from an empty database through every revision below it.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar, cast

from alembic.config import Config
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import assett
from assett import create_app
from assett.extensions import db

POSTGRES_URL = os.environ.get("ASSETT_TEST_DATABASE_URL") or ""
ON_POSTGRES = POSTGRES_URL.startswith("postgresql")
FAST_ARGON2 = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}


def _admin(statement: str) -> None:
    engine = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(statement))
    engine.dispose()


def _database_name(purpose: str) -> str:
    """The worker's PostgreSQL database for that purpose."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"{make_url(POSTGRES_URL).database}_{purpose}_{worker}"


def _database_url(name: str) -> str:
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


@contextmanager
def own_database(tmp_path: Path, purpose: str, template: str | None = None) -> Iterator[str]:
    """The URL of a database for one test, removed when the test ends.

    Empty, or a copy of `template` (a SQLite file, or a PostgreSQL database's name).
    """
    if not ON_POSTGRES:
        path = tmp_path / f"{purpose}.db"
        if template is not None:
            _copy_sqlite(Path(template), path)
        yield f"sqlite:///{path}"
        return
    name = _database_name(purpose)
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    try:
        yield _database_url(name)
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _copy_sqlite(source: Path, target: Path) -> None:
    """Copy a SQLite database through its backup API (whatever its journal holds)."""
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    origin.close()
    copy.close()


def revisions() -> list[str]:
    """Every Alembic revision, oldest first."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(config)
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]


T = TypeVar("T")
MIGRATIONS = Path(assett.__file__).resolve().parent.parent / "migrations"


class MigratedDatabases:
    """The database at each revision, built once (on first use) and copied for each test."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.revisions = revisions()
        self.templates: dict[str, str] = {}  # revision -> SQLite file or PostgreSQL database
        self.filled: dict[str, object] = {}  # prepared name -> what its `fill` returned

    def _build(self) -> None:
        """Upgrade one database a revision at a time, keeping a copy at each."""
        with own_database(self.folder, "migrating") as url:
            app = own_app(url)
            with app.app_context():
                for revision in self.revisions:
                    upgrade(revision=revision)
                    db.session.remove()
                    db.engine.dispose()  # a template has no open connection
                    self.templates[revision] = self._keep(url, revision)

    def _keep(self, url: str, revision: str) -> str:
        if not ON_POSTGRES:
            path = self.folder / f"at-{revision}.db"
            _copy_sqlite(Path(make_url(url).database or ""), path)
            return str(path)
        name = _database_name(f"at_{revision}")
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _admin(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(url).database}"')
        return name

    def prepare(self, name: str, revision: str, fill: Callable[[Flask], T]) -> T:
        """Keep under `name` the database at `revision` once `fill(app)` has run on it (app
        context pushed), built once; `copy(tmp_path, purpose, name)` then copies it. Returns
        what `fill` returned."""
        if name not in self.templates:
            if not self.templates:
                self._build()
            with own_database(self.folder, f"preparing_{name}", self.templates[revision]) as url:
                app = own_app(url)
                with app.app_context():
                    self.filled[name] = fill(app)
                    db.session.remove()
                    db.engine.dispose()
                self.templates[name] = self._keep(url, name)
        return cast(T, self.filled[name])

    @contextmanager
    def copy(self, tmp_path: Path, purpose: str, revision: str) -> Iterator[str]:
        """The URL of a copy of the database at `revision` ("base": empty; "head": the last;
        or a name given to `prepare`)."""
        if revision == "base":
            with own_database(tmp_path, purpose) as url:
                yield url
            return
        if not self.templates:
            self._build()
        revision = self.revisions[-1] if revision == "head" else revision
        with own_database(tmp_path, purpose, self.templates[revision]) as url:
            yield url

    def drop(self) -> None:
        """Remove the PostgreSQL templates (SQLite files go with the worker's folder)."""
        if ON_POSTGRES:
            for name in self.templates.values():
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
