"""The platform admin's view of the territories side by side, with small groups hidden."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from assett.models import Organisation
from assett.models._base import utcnow
from assett.reporting.benchmark import ThemeMean, territories_side_by_side

from . import factories

URL = "/plateforme/comparaison"


def _scored(org: Organisation, version: Any, score: float | None, days_ago: int = 0) -> None:
    submitted_at = utcnow() - timedelta(days=days_ago)
    factories.make_assessment_row(org, version, score=score, submitted_at=submitted_at)


def _network(world: factories.World) -> None:
    """Demo: 8 organisations; energie scored by 5 (1.0 1.5 2.0 3.0 4.0, one 400 days ago),
    plus one « Non évalué »; mobilite by 4 only. Autre: 1 organisation, energie 4.5."""
    energie = factories.make_published_version(world.territory, "energie", "Énergie")
    mobilite = factories.make_published_version(world.territory, "mobilite", "Mobilité")
    orgs = [world.org, world.other_org] + [
        factories.make_org(world.territory, f"Organisation {index}") for index in range(6)
    ]
    for org, score in zip(orgs, (1.0, 1.5, 2.0, 3.0), strict=False):
        _scored(org, energie, score)
    _scored(orgs[4], energie, 4.0, days_ago=400)
    _scored(orgs[5], energie, None)
    for org in orgs[:4]:
        _scored(org, mobilite, 3.0)
    elsewhere = factories.make_published_version(world.other_territory, "energie", "Énergie")
    _scored(world.foreign_org, elsewhere, 4.5)


def _row(comparison: Any, slug: str) -> Any:
    return next(row for row in comparison.territories if row.territory.slug == slug)


def test_participation_counts_registered_assessed_and_recently_active_organisations(
    world: factories.World,
) -> None:
    _network(world)

    demo = _row(territories_side_by_side(), "demo")

    # 8 registered; 6 with a submitted assessment (5 scored + 1 « Non évalué »);
    # 5 active: the one whose only assessment is 400 days old is not.
    assert (demo.registered, demo.with_assessment, demo.active_12_months) == (8, 6, 5)
    autre = _row(territories_side_by_side(), "autre")
    assert (autre.registered, autre.with_assessment, autre.active_12_months) == (1, 1, 1)


def test_a_mean_over_five_organisations_is_shown_and_over_four_is_not(
    world: factories.World,
) -> None:
    _network(world)

    comparison = territories_side_by_side()

    demo = _row(comparison, "demo")
    # (1.0 + 1.5 + 2.0 + 3.0 + 4.0) / 5 = 2.3; the « Non évalué » one is not counted.
    assert demo.mean("energie") == ThemeMean(n=5, mean=2.3)
    assert demo.mean("mobilite") == ThemeMean(n=4, mean=None)
    assert demo.mean("mobilite").suppressed
    assert _row(comparison, "autre").mean("energie") == ThemeMean(n=1, mean=None)
    assert _row(comparison, "autre").mean("mobilite") == ThemeMean(n=0, mean=None)


def test_the_platform_admin_sees_the_territories_side_by_side(
    login_as: Any, world: factories.World
) -> None:
    _network(world)

    response = login_as(world.platform_admin).get(URL)

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Territoires côte à côte" in page
    assert "Territoire de démonstration" in page
    assert "Autre territoire" in page
    assert "<strong>2,3</strong>" in page
    assert "(5 organisations)" in page
    # Demo mobilité, autre énergie and autre mobilité.
    assert page.count('<td class="num muted">moins de 5 organisations</td>') == 3
    assert "4,5" not in page
    for name in ("Boulangerie Durand", "Garage Martin", "Scierie du Val"):
        assert name not in page


def test_theme_columns_follow_the_platform_defaults_then_territory_themes(
    world: factories.World,
) -> None:
    factories.make_published_version(None, "mobilite", "Mobilité")
    factories.make_published_version(None, "energie", "Énergie")
    own = factories.make_published_version(world.territory, "numerique", "Numérique responsable")
    _scored(world.org, own, 2.0)

    columns = territories_side_by_side().themes

    assert [(c.key, c.title) for c in columns] == [
        ("mobilite", "Mobilité"),
        ("energie", "Énergie"),
        ("numerique", "Numérique responsable"),
    ]


def test_the_number_of_queries_does_not_grow_with_territories(
    world: factories.World, count_queries: Any
) -> None:
    _network(world)
    for index in range(3):
        territory = factories.make_territory(f"t{index}", f"Territoire {index}")
        factories.make_org(territory, "Une organisation")

    with count_queries() as queries:
        comparison = territories_side_by_side()

    assert len(comparison.territories) == 5
    # Registered, assessed, active, means, territories, theme titles (defaults, others).
    assert queries.count <= 7


def test_only_the_platform_admin_may_open_it(
    client: Any, login_as: Any, world: factories.World
) -> None:
    assert client.get(URL).status_code == 302
    assert "/connexion" in client.get(URL).headers["Location"]
    for user in (world.actor, world.admin, world.animator):
        assert login_as(user).get(URL).status_code == 403


def test_the_platform_home_links_to_it(login_as: Any, world: factories.World) -> None:
    page = login_as(world.platform_admin).get("/plateforme/").get_data(as_text=True)

    assert 'href="/plateforme/comparaison"' in page
