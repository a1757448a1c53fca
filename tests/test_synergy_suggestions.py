"""The animators' suggestions: among sharing organisations only, hidden fields never shown."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import func, select

from assett.domain.flow_reference import commune_coordinates
from assett.extensions import db
from assett.models import Flow, Organisation, Territory
from assett.services.synergies import territory_suggestions

from . import factories
from .page_source import source
from .test_flows import make_flow


def text(response: Any) -> str:
    return source(response)


def sharing(*orgs: Organisation) -> None:
    for org in orgs:
        org.sharing = "animators"
    db.session.commit()


def test_the_animator_sees_ranked_explained_pairs_among_sharing_organisations(
    world: factories.World, login_as: Any
) -> None:
    private = factories.make_org(world.territory, "Scierie Privée", commune="Rouen")
    sharing(world.org, world.other_org)
    make_flow(world.org, code="15 01 03", quantity=2.0, yearly_quantity=24.0)
    make_flow(
        world.other_org,
        direction="need",
        code="15 01 03",
        quantity=40.0,
        yearly_quantity=40.0,
        unit="t",
        frequency="annuel",
    )
    make_flow(private, direction="need", code="15 01 03", description="Besoin privé")

    page = login_as(world.animator).get(f"/t/{world.territory.slug}/animation/synergies")

    assert page.status_code == 200
    body = text(page)
    assert "Boulangerie Durand" in body
    assert "Garage Martin" in body
    assert (
        "même code 15 01 03, moins de 1 km, couvre 60 % du besoin, disponible toute l'année" in body
    )
    assert "Scierie Privée" not in body
    assert "Besoin privé" not in body
    assert "à partir de 2 flux déclarés par 2 organisations" in body


def test_a_hidden_quantity_or_site_never_appears_on_the_suggestions_page(
    world: factories.World, login_as: Any
) -> None:
    sharing(world.org, world.other_org)
    make_flow(world.org, quantity=7.25, yearly_quantity=87.0, hide_quantity=True)
    make_flow(
        world.other_org,
        direction="need",
        code="15 01 03",
        quantity=40.0,
        yearly_quantity=40.0,
        unit="t",
        frequency="annuel",
        hide_site=True,
        commune_code="76108",
    )

    body = text(login_as(world.animator).get(f"/t/{world.territory.slug}/animation/synergies"))

    assert "même code 15 01 03, à proximité, disponible toute l'année" in body
    assert "7,25" not in body
    assert "87" not in body
    assert "couvre" not in body
    assert "quantité cachée" in body
    assert "Bois-Guillaume" not in body
    assert "site caché" in body


def test_neighbours_needing_the_same_service_are_suggested_as_a_group(
    world: factories.World, login_as: Any
) -> None:
    sharing(world.org, world.other_org)
    for org in (world.org, world.other_org):
        make_flow(
            org,
            direction="need",
            kind="taxonomy",
            code="service.collecte",
            quantity=None,
            unit=None,
            yearly_quantity=None,
            frequency="annuel",
        )

    body = text(login_as(world.animator).get(f"/t/{world.territory.slug}/animation/synergies"))

    assert (
        "2 organisations à moins de 1 km ont le même besoin : Collecte mutualisée des déchets"
        in body
    )


def test_only_the_territorys_animators_and_admins_open_the_suggestions(
    world: factories.World, login_as: Any, client: Any
) -> None:
    url = f"/t/{world.territory.slug}/animation/synergies"
    assert client.get(url).status_code == 302
    assert login_as(world.actor).get(url).status_code == 403
    assert login_as(world.admin).get(url).status_code == 200
    foreign = factories.make_user("animateur.autre@example.org")
    factories.give_role(foreign, world.other_territory, "animator")
    assert login_as(foreign).get(url).status_code == 404


def test_the_demo_territory_holds_about_forty_flows_that_the_matching_uses(
    app: Flask, built_demo: object
) -> None:
    runner = app.test_cli_runner()

    flows = db.session.scalars(select(Flow)).all()
    assert 40 <= len(flows) <= 50
    assert all(flow.commune_code in commune_coordinates() for flow in flows)
    territory = db.session.scalar(select(Territory))
    assert territory is not None
    suggestions = territory_suggestions(territory.id)
    assert len(suggestions.pairs) >= 5
    assert suggestions.groups
    runner.invoke(args=["demo"])
    assert db.session.scalar(select(func.count(Flow.id))) == len(flows)


def test_an_exact_point_places_a_flow_and_going_private_removes_it(
    world: factories.World, login_as: Any
) -> None:
    sharing(world.org, world.other_org)
    make_flow(world.org, latitude=49.4431, longitude=1.0993)
    make_flow(
        world.other_org,
        direction="need",
        latitude=49.4431,
        longitude=1.2233,
        quantity=None,
        unit=None,
        yearly_quantity=None,
        commune_code="27229",  # Évreux
    )

    (pair,) = territory_suggestions(world.territory.id).pairs
    assert "9 km" in pair.explanation  # the points, not Rouen and Évreux 45 km apart

    world.other_org.sharing = "private"
    db.session.commit()
    assert territory_suggestions(world.territory.id).pairs == []
