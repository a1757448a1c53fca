"""The demo's stakeholder map and collective actions: made once, one action shown publicly."""

from __future__ import annotations

import re
from html import unescape

from flask import Flask
from sqlalchemy import func, select

from assett.demo_collective import MOBILITY_PARTICIPANTS, seed_demo_collective
from assett.extensions import db
from assett.models import CharterSignature, CollectiveAction, Organisation, Stakeholder, Territory


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_the_demo_maps_partners_and_shows_one_action_publicly_once(
    app: Flask, built_demo: Territory
) -> None:
    territory = db.session.scalar(select(Territory).where(Territory.slug == "demo"))
    assert territory is not None

    assert count(Stakeholder) == 5
    assert count(CollectiveAction) == 2
    public = db.session.scalars(select(CollectiveAction).where(CollectiveAction.is_public)).all()
    assert len(public) == 1
    assert db.session.scalar(
        select(func.count()).where(CharterSignature.synergy_commitment.is_(True))
    )

    page = app.test_client().get("/t/demo/actions-collectives").get_data(as_text=True)
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page)))
    assert "Plan de mobilité inter-entreprises de la zone des Quais" in text
    assert "Collecte mutualisée" not in text
    sharing = dict(
        db.session.execute(
            select(Organisation.name, Organisation.sharing).where(
                Organisation.name.in_(MOBILITY_PARTICIPANTS)
            )
        ).all()
    )
    for name, level in sharing.items():
        assert (name in text) == (level == "public"), name

    assert seed_demo_collective(territory.id) == 0
    assert count(Stakeholder) == 5
    assert count(CollectiveAction) == 2
