"""`flask demo`: a demo territory with about 30 organisations and their history, once."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select

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


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_the_demo_builds_a_territory_with_history_and_prints_the_logins(app: Flask) -> None:
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


def test_running_the_demo_twice_duplicates_nothing(app: Flask) -> None:
    runner = app.test_cli_runner()
    runner.invoke(args=["demo"])
    before = [count(model) for model in (Organisation, Assessment, User, Questionnaire)]

    result = runner.invoke(args=["demo"])

    assert result.exit_code == 0
    assert "rien de nouveau" in result.output
    assert [count(model) for model in (Organisation, Assessment, User, Questionnaire)] == before
