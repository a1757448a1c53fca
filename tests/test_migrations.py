"""The Alembic migrations build exactly the models' schema and undo it, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from assett import create_app
from assett.extensions import db

from .conftest import TEST_DATABASE_URL, test_config


def _fresh_postgres_database(url: str, name: str) -> str:
    """Create an empty database beside the test one and return its URL."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def migration_app(tmp_path: Path) -> Iterator[Flask]:
    if TEST_DATABASE_URL and TEST_DATABASE_URL.startswith("postgresql"):
        url = _fresh_postgres_database(TEST_DATABASE_URL, f"assett_migrations_{os.getpid()}")
    else:
        url = f"sqlite:///{tmp_path / 'migrations.db'}"
    app = create_app(test_config(tmp_path, SQLALCHEMY_DATABASE_URI=url))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_upgrade_builds_the_schema_the_models_describe(migration_app: Flask) -> None:
    upgrade()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []
    tables = set(inspect(db.engine).get_table_names())
    assert {"assessment", "answer", "organisation", "questionnaire_version"} <= tables


def test_downgrade_removes_every_table(migration_app: Flask) -> None:
    upgrade()
    downgrade(revision="base")
    tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert tables == set()


def test_upgrade_runs_again_after_a_downgrade(migration_app: Flask) -> None:
    upgrade()
    downgrade(revision="base")
    upgrade()
    assert "assessment" in inspect(db.engine).get_table_names()
