"""The demo's synergies: two followed from the suggestions, one active with measured benefits."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from assett.demo_synergies import seed_demo_synergies
from assett.extensions import db
from assett.models import Synergy, SynergyBenefit, Territory


def test_the_demo_follows_two_synergies_one_active_with_measured_benefits(
    app: Flask, login_as: Any, built_demo: Territory
) -> None:
    synergies = list(db.session.scalars(select(Synergy).order_by(Synergy.id)))
    assert [s.stage for s in synergies] == ["active", "discussion"]
    assert [s.kind for s in synergies] == ["substitution", "mutualisation"]
    assert all(s.origin == "suggestion" for s in synergies)
    measured = db.session.get(SynergyBenefit, (synergies[0].id, "measured"))
    assert measured is not None
    assert measured.tonnes == 18.5
    assert measured.co2e is not None
    assert measured.co2e > 0
    territory = db.session.scalars(select(Territory).where(Territory.slug == "demo")).one()
    assert seed_demo_synergies(territory.id, "animation@demo.assett.example") == 0  # once
