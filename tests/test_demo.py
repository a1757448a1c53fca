"""`flask demo`: a demo territory with about 30 organisations and their history, once."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import Table, func, select

from assett.extensions import db
from assett.models import (
    Assessment,
    CharterSignature,
    Organisation,
    Questionnaire,
    Territory,
    TerritoryRole,
    User,
)

from . import demo_snapshot


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_the_demo_builds_a_territory_with_history_and_prints_the_logins(
    app: Flask, demo_rows: demo_snapshot.DemoRows
) -> None:
    result = app.test_cli_runner().invoke(args=["demo"])

    assert result.exit_code == 0, result.output
    assert "/t/demo/" in result.output
    for email in (
        "acteur@demo.assett.example",
        "admin@demo.assett.example",
        "animation@demo.assett.example",
    ):
        assert email in result.output
    territory = db.session.scalar(select(Territory).where(Territory.slug == "demo"))
    assert territory is not None
    assert territory.name == "Territoire de démonstration"
    assert 25 <= count(Organisation) <= 35
    roles = {role.role for role in db.session.scalars(select(TerritoryRole))}
    assert roles == {"admin", "animator"}
    assert count(CharterSignature) > 0
    dates = db.session.execute(
        select(func.min(Assessment.submitted_at), func.max(Assessment.submitted_at))
    ).one()
    assert dates[1] - dates[0] > timedelta(days=2 * 365)
    actor = db.session.scalar(select(User).where(User.email == "acteur@demo.assett.example"))
    themes = db.session.scalars(
        select(Assessment.theme_key)
        .join(Organisation)
        .where(Organisation.name == "Boulangerie Durand")
        .distinct()
    ).all()
    assert actor is not None
    assert len(themes) == 4
    # The demo other tests load (`built_demo`, kept from one build per worker) is this one.
    built = demo_snapshot.read_rows()
    assert [table.name for table, _ in built.tables] == [
        table.name for table, _ in demo_rows.tables
    ]
    for (table, rows), (_, kept) in zip(built.tables, demo_rows.tables, strict=True):
        if db.engine.dialect.name == "sqlite":  # elsewhere the ids (in texts too) differ
            assert _comparable(table, rows) == _comparable(table, kept), table.name
        elif table.name in BLOCKED_BY_ID:
            assert _blocks_summed(rows) == _blocks_summed(kept), table.name
        else:
            assert len(rows) == len(kept), table.name


def test_running_the_demo_again_duplicates_nothing(app: Flask, built_demo: Territory) -> None:
    runner = app.test_cli_runner()
    before = [count(model) for model in (Organisation, Assessment, User, Questionnaire)]

    result = runner.invoke(args=["demo"])

    assert result.exit_code == 0
    assert "rien de nouveau" in result.output
    assert [count(model) for model in (Organisation, Assessment, User, Questionnaire)] == before


# Sums kept per block of consecutive organisation ids: where the ids differ, so do the blocks
# the same organisations fall in, not the sums over all blocks.
BLOCKED_BY_ID = {"profile_potential"}

# Drawn at random by each build (salts, secrets): the only values two builds may differ in.
RANDOM_COLUMNS = {"user.password_hash", "event.uid", "plan_version.token", "network_version.token"}


def _comparable(table: Table, rows: tuple[dict[str, Any], ...]) -> list[dict[str, Any]]:
    """The rows but for their moments and the values drawn at random."""
    return [
        {
            name: value
            for name, value in row.items()
            if f"{table.name}.{name}" not in RANDOM_COLUMNS
            and not isinstance(value, datetime | date)
        }
        for row in rows
    ]


def _blocks_summed(rows: tuple[dict[str, Any], ...]) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """profile_potential summed over its blocks, per value, theme and question or category."""
    sums: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    for row in rows:
        group = (row["facet"], row["value"], row["theme_key"], row["kind"], row["key"])
        lost, most, orgs = sums.get(group, (0.0, 0.0, 0))
        sums[group] = (
            lost + row["weighted_lost"],
            most + row["weighted_max"],
            orgs + row["n_orgs"],
        )
    return {
        group: (round(lost, 9), round(most, 9), orgs) for group, (lost, most, orgs) in sums.items()
    }
