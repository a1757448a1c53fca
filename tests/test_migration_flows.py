"""Revision 0008: the flow table refuses what the code never writes, and keeps ids unique."""

from __future__ import annotations

from typing import Any

import pytest
from flask_migrate import downgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from assett.extensions import db

from .test_migrations import NOW, MigratedApp, _insert, _organisation_at_0001, migrated_app  # noqa: F401

FLOW = {
    "direction": "offer",
    "kind": "waste",
    "code": "15 01 03",
    "quantity": 2.0,
    "unit": "t",
    "frequency": "mensuel",
    "yearly_quantity": 24.0,
    "commune_code": "76540",
    "description": "",
    "hide_quantity": False,
    "hide_site": False,
    "accepts_hazardous": False,
    "created_at": NOW,
    "updated_at": NOW,
}


def _flow(connection: Any, organisation: int, **changes: Any) -> int:
    return _insert(connection, "flow", organisation_id=organisation, **(FLOW | changes))


@pytest.mark.parametrize(
    "changes",
    [
        {"direction": "sale"},
        {"kind": "other"},
        {"unit": "litres"},
        {"frequency": "parfois"},
        {"quantity": -1.0},
        {"quantity": 0.0},
        {"quantity": 2e7},
        {"yearly_quantity": 2e7},
        {"unit": None},
        {"month_from": 13, "month_to": 2},
        {"month_from": 4},
        {"latitude": 95.0, "longitude": 1.0},
        {"latitude": 49.0},
    ],
)
def test_the_flow_table_refuses_values_the_code_never_writes(
    migrated_app: MigratedApp,  # noqa: F811
    changes: dict[str, Any],
) -> None:
    migrated_app("head")
    with db.engine.begin() as connection:
        _territory, organisation = _organisation_at_0001(connection)
        _flow(connection, organisation)  # the valid row goes in

    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        _flow(connection, organisation, **changes)


def test_flows_go_with_their_organisation_and_their_ids_are_never_reused(
    migrated_app: MigratedApp,  # noqa: F811
) -> None:
    migrated_app("head")
    with db.engine.begin() as connection:
        _territory, organisation = _organisation_at_0001(connection)
        first = _flow(connection, organisation, quantity=None, unit=None, yearly_quantity=None)
        connection.execute(text("DELETE FROM flow WHERE id = :id"), {"id": first})
        second = _flow(connection, organisation)
    with db.engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.execute(text("PRAGMA foreign_keys = ON"))
        connection.execute(text("DELETE FROM organisation WHERE id = :id"), {"id": organisation})

    assert second > first
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM flow")).scalar() == 0


def test_downgrading_0008_removes_the_flow_table(migrated_app: MigratedApp) -> None:  # noqa: F811
    migrated_app("0008")
    assert "flow" in inspect(db.engine).get_table_names()

    downgrade(revision="-1")  # to whatever revision 0008 follows

    assert "flow" not in inspect(db.engine).get_table_names()
