"""The demo actor's organisation has a plan: one action completed, one under way, one to do."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from assett.extensions import db
from assett.models import Organisation, PlanAction, PlanEvidence, PlanNote, PlanStep, ThemeTarget


def test_the_demo_gives_the_actor_a_plan_of_three_suggested_actions(
    app: Flask, built_demo: object
) -> None:
    runner = app.test_cli_runner()

    bakery = db.session.scalar(
        select(Organisation).where(Organisation.name == "Boulangerie Durand")
    )
    assert bakery is not None
    items = db.session.scalars(
        select(PlanAction).where(PlanAction.organisation_id == bakery.id).order_by(PlanAction.id)
    ).all()
    assert [item.status for item in items] == ["realisee", "en_cours", "a_faire"]
    assert all(item.catalogue_key for item in items)
    assert items[0].completed_on is not None
    assert len(db.session.scalars(select(PlanStep)).all()) == 2
    assert len(db.session.scalars(select(PlanNote)).all()) == 2
    [link] = db.session.scalars(select(PlanEvidence)).all()
    assert (link.plan_action_id, link.kind) == (items[0].id, "link")
    [target] = db.session.scalars(select(ThemeTarget)).all()
    # The target's theme has an action still open: the plan says how to reach it.
    assert (target.organisation_id, target.theme_key) == (bakery.id, items[1].theme_key)
    assert items[1].status == "en_cours"
    assert target.score == 3.5

    runner.invoke(args=["demo"])
    assert len(db.session.scalars(select(PlanAction)).all()) == 3
