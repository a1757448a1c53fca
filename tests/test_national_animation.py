"""The platform admin's national view: events, awards and retours d'expérience of territories."""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import Any

from assett.reporting import network_animation
from assett.services.awards import create_award, give_award
from assett.services.event_registrations import register

from . import factories
from .events_helpers import make_event
from .valorisation_world import published_case

URL = "/plateforme/reseau"


def _orgs(world: factories.World, count: int, sharing: str, prefix: str = "Org") -> list[Any]:
    found = []
    for n in range(count):
        user = factories.make_user(f"{prefix}{sharing}{n}@example.org".lower())
        org = factories.make_org(world.territory, f"{prefix} {sharing} {n}", members=(user,))
        org.sharing = sharing
        found.append((org, user))
    factories.db.session.commit()
    return found


def test_awards_name_only_public_winners_and_small_counts_are_suppressed(
    world: factories.World, login_as: Any
) -> None:
    public = _orgs(world, 1, "public")
    private = _orgs(world, 1, "animators")
    award = create_award(world.territory, world.admin, "coup_de_coeur", "Coup de cœur", 2026)
    give_award(award, public[0][0].id, "", world.admin)
    give_award(award, private[0][0].id, "", world.admin)

    page = html.unescape(login_as(world.platform_admin).get(URL).get_data(as_text=True))

    assert "Coup de cœur 2026" in page
    assert "Org public 0" in page
    assert "Org animators 0" not in page
    assert "1 organisation non publique" in page
    figures = network_animation.figures_by_territory()[world.territory.id]
    assert figures.awards == 2
    assert figures.awarded is None  # 2 organisations: fewer than 5, not shown


def test_events_and_registrations_are_counted_per_territory(world: factories.World) -> None:
    event = make_event(world.territory, world.animator, title="Atelier réseau", capacity=10)
    for org, user in _orgs(world, 5, "private"):
        register(event, user, org.id)
    make_event(world.other_territory, world.platform_admin, title="Visite d'usine")

    before = datetime(2029, 1, 1, tzinfo=UTC)
    figures = network_animation.figures_by_territory(before)
    assert figures[world.territory.id].events_upcoming == 1
    assert figures[world.territory.id].participants == 5  # five organisations: shown
    assert figures[world.other_territory.id].participants is None
    after = network_animation.figures_by_territory(datetime(2031, 1, 1, tzinfo=UTC))
    assert after[world.territory.id].events_held == 1
    titles = [e.title for e in network_animation.recent_events()]
    assert set(titles) == {"Atelier réseau", "Visite d'usine"}


def test_only_published_cases_of_public_organisations_are_counted_and_listed(
    world: factories.World, login_as: Any
) -> None:
    ((org, user),) = _orgs(world, 1, "public")
    published_case(org, user, world.animator, title="Relamping LED", theme_key=None)
    org.sharing = "animators"  # changed its mind afterwards: out of the library and the view
    ((other, other_user),) = _orgs(world, 1, "public", prefix="Autre")
    published_case(
        other, other_user, world.animator, title="Chaleur fatale récupérée", theme_key=None
    )
    factories.db.session.commit()

    page = html.unescape(login_as(world.platform_admin).get(URL).get_data(as_text=True))

    assert "Chaleur fatale récupérée" in page
    assert "Relamping LED" not in page
    figures = network_animation.figures_by_territory()[world.territory.id]
    assert figures.cases == 1
    assert figures.case_authors is None
