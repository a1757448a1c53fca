"""Revision 0009 (plan evidence, file bytes, targets) on SQLite and PostgreSQL: its rules hold
in the migrated database, the files go with their action and organisation, downgrade drops all."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_migrate import downgrade
from sqlalchemy import Connection, inspect, text
from sqlalchemy.exc import IntegrityError

from assett.extensions import db

from .own_database import MigratedDatabases, own_app
from .test_migrations import _insert, _organisation_at_0001

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
NEW_TABLES = {"plan_evidence", "evidence_blob", "theme_target"}


@pytest.fixture
def migrated(tmp_path: Path, migrated_databases: MigratedDatabases) -> Iterator[Flask]:
    with migrated_databases.copy(tmp_path, "evidence", "head") as url:
        app = own_app(url)
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()


def _action(connection: Connection) -> tuple[int, int]:
    _territory, organisation = _organisation_at_0001(connection)
    action = _insert(
        connection,
        "plan_action",
        organisation_id=organisation,
        theme_key="energie",
        title="Relever les compteurs",
        description="",
        improves=[],
        status="a_faire",
        created_at=NOW,
        updated_at=NOW,
    )
    return organisation, action


def _file(connection: Connection, action: int, **values: Any) -> int:
    row = {
        "plan_action_id": action,
        "kind": "file",
        "title": "Bilan",
        "filename": "bilan.pdf",
        "content_type": "application/pdf",
        "size": 9,
        "created_at": NOW,
        **values,
    }
    return _insert(connection, "plan_evidence", **row)


def _count(table: str) -> int:
    with db.engine.connect() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())  # noqa: S608


def test_a_files_bytes_go_with_its_action_then_with_its_organisation(migrated: Flask) -> None:
    with db.engine.begin() as connection:
        organisation, action = _action(connection)
        evidence = _file(connection, action)
        _insert(connection, "evidence_blob", evidence_id=evidence, content=b"%PDF-1.4\n")
        _insert(
            connection,
            "theme_target",
            organisation_id=organisation,
            theme_key="energie",
            score=3.0,
            target_on=date(2027, 6, 30),
            updated_at=NOW,
        )
        second = _action_of(connection, organisation)
        _insert(connection, "evidence_blob", evidence_id=_file(connection, second), content=b"x")
    assert (_count("plan_evidence"), _count("evidence_blob")) == (2, 2)

    with db.engine.begin() as connection:
        connection.execute(text("DELETE FROM plan_action WHERE id = :id"), {"id": action})
    assert (_count("plan_evidence"), _count("evidence_blob")) == (1, 1)

    with db.engine.begin() as connection:
        connection.execute(text("DELETE FROM organisation WHERE id = :id"), {"id": organisation})
    assert (_count("plan_evidence"), _count("evidence_blob"), _count("theme_target")) == (0, 0, 0)


def _action_of(connection: Connection, organisation: int) -> int:
    return _insert(
        connection,
        "plan_action",
        organisation_id=organisation,
        theme_key="energie",
        title="Changer de contrat",
        description="",
        improves=[],
        status="en_cours",
        created_at=NOW,
        updated_at=NOW,
    )


@pytest.mark.parametrize(
    "values",
    [
        {"content_type": "text/html"},
        {"size": 10 * 1024 * 1024 + 1},
        {"kind": "script"},
        {"url": "https://exemple.fr"},  # a file with an address
        {"kind": "link", "url": None, "content_type": None},  # a link without one
    ],
)
def test_the_migrated_database_refuses_evidence_the_code_never_writes(
    migrated: Flask, values: dict[str, Any]
) -> None:
    with db.engine.begin() as connection:
        _organisation, action = _action(connection)

    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        _file(connection, action, **values)


@pytest.mark.parametrize("score", [-0.1, 5.1])
def test_the_migrated_database_refuses_a_target_outside_0_to_5(
    migrated: Flask, score: float
) -> None:
    with db.engine.begin() as connection:
        organisation, _action_id = _action(connection)

    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        _insert(
            connection,
            "theme_target",
            organisation_id=organisation,
            theme_key="energie",
            score=score,
            target_on=date(2027, 6, 30),
            updated_at=NOW,
        )


def test_downgrading_0009_drops_its_tables_and_keeps_the_plans(migrated: Flask) -> None:
    with db.engine.begin() as connection:
        _organisation, action = _action(connection)
        _file(connection, action)

    downgrade(revision="0008")

    assert not NEW_TABLES & set(inspect(db.engine).get_table_names())
    assert _count("plan_action") == 1
