"""Badges on the organisation's home (its members) and in the public directory (public only)."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta

import pytest

from assett.clock import local_today
from assett.extensions import db
from assett.services import badges as badge_service
from assett.services.charter import sign_charter
from assett.services.plans import completed_actions

from . import factories
from .valorisation_world import complete_action, take


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def demo(world: factories.World) -> factories.World:
    factories.provision_defaults(world.territory)
    factories.make_charter(world.territory, 1)
    return world


def test_the_home_shows_each_badge_with_how_it_was_earned(demo, login_as) -> None:
    sign_charter(demo.org, demo.actor, now=datetime(2026, 3, 3, 10, tzinfo=UTC))
    take(demo.org, "energie", 3)
    complete_action(demo.org, demo.actor, "Relamping LED")

    page = _text(login_as(demo.actor).get(f"/o/{demo.org.id}/"))

    assert "Charte signée le 3 mars 2026" in page
    assert "atteint en Énergie" in page
    assert "Action « Relamping LED » réalisée le" in page
    assert "Seuls vos membres les voient" in page


def test_all_four_themes_assessed_this_cycle_earn_the_badge(demo, login_as) -> None:
    for key in (
        "energie",
        "dechets-economie-circulaire",
        "eau-agriculture-biodiversite",
        "mobilite",
    ):
        take(demo.org, key, 1)

    page = _text(login_as(demo.actor).get(f"/o/{demo.org.id}/"))

    assert "Les quatre thèmes évalués" in page
    assert "4 thèmes évalués depuis le" in page


def test_a_theme_assessed_more_than_a_cycle_ago_withholds_the_four_themes_badge(demo) -> None:
    for key in ("energie", "dechets-economie-circulaire", "eau-agriculture-biodiversite"):
        take(demo.org, key, 1)
    take(demo.org, "mobilite", 1, when=datetime(2020, 1, 1, tzinfo=UTC))

    kinds = [b.kind for b in badge_service.badges_of_organisation(demo.org)]

    assert "quatre_themes" not in kinds


def test_a_level_at_the_lowest_band_earns_no_level_badge(demo) -> None:
    take(demo.org, "energie", 0)

    assert [b.kind for b in badge_service.badges_of_organisation(demo.org)] == []


def test_two_active_synergies_earn_the_synergy_badge_and_an_abandoned_one_does_not(
    demo,
) -> None:
    from assett.models import Synergy, SynergyParticipant

    for title, stage, reason in (
        ("Palettes", "active", None),
        ("Chaleur", "active", None),
        ("Cartons", "abandonnee", "trop loin"),
    ):
        synergy = Synergy(
            territory_id=demo.territory.id,
            kind="substitution",
            title=title,
            stage=stage,
            stage_reason=reason,
        )
        db.session.add(synergy)
        db.session.flush()
        for org in (demo.org, demo.other_org):
            db.session.add(SynergyParticipant(synergy_id=synergy.id, organisation_id=org.id))
    db.session.commit()

    [badge] = badge_service.badges_of_organisation(demo.org)

    assert badge.how == "2 synergies actives avec d'autres organisations"


def test_the_directory_shows_the_badges_of_public_organisations_only(demo, client) -> None:
    demo.org.sharing = "public"
    demo.other_org.sharing = "animators"
    db.session.commit()
    sign_charter(demo.org, demo.actor, now=datetime(2026, 3, 3, tzinfo=UTC))
    sign_charter(demo.other_org, demo.other_actor, now=datetime(2026, 4, 9, tzinfo=UTC))

    page = _text(client.get("/t/demo/annuaire"))

    assert "Charte signée le 3 mars 2026" in page
    assert "9 avril 2026" not in page
    assert "Garage Martin" not in page
    assert list(badge_service.badge_wall(demo.territory)) == [demo.org.id]


def test_the_badges_of_many_organisations_take_a_fixed_number_of_queries(
    demo, count_queries
) -> None:
    orgs = [factories.make_org(demo.territory, f"Org {i}", sharing="public") for i in range(6)]
    for org in orgs[:3]:
        take(org, "energie", 2)
    ids = [o.id for o in orgs]
    badge_service.badges_for(demo.territory, ids)  # the territory and definitions loaded

    with count_queries() as few:
        badge_service.badges_for(demo.territory, ids[:2])
    with count_queries() as many:
        badge_service.badges_for(demo.territory, ids)

    assert many.count == few.count
    assert completed_actions(demo.territory.id, []) == {}


def test_the_territory_review_period_starts_the_cycle_the_four_themes_badge_counts_from(
    demo,
) -> None:

    today = local_today()
    # A review period that began on the 1st of this month: last month's assessments are older.
    demo.territory.cycle_start_month = today.month
    demo.territory.cycle_end_month = today.month
    db.session.commit()
    before = datetime(today.year, today.month, 1, tzinfo=UTC) - timedelta(days=3)
    for key in ("energie", "dechets-economie-circulaire", "eau-agriculture-biodiversite"):
        take(demo.org, key, 1)
    take(demo.org, "mobilite", 1, when=before)

    assert "quatre_themes" not in [b.kind for b in badge_service.badges_of_organisation(demo.org)]
    assert badge_service.cycle_first_day(demo.territory, today) == today.replace(day=1)

    demo.territory.cycle_start_month = demo.territory.cycle_end_month = None
    db.session.commit()  # without a period: the last 12 months, which hold all four
    assert "quatre_themes" in [b.kind for b in badge_service.badges_of_organisation(demo.org)]
