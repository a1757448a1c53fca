"""The actors' resource catalogue: what it lists, its filters, and where its links go."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from assett.clock import local_today

from . import factories

TODAY = local_today()


@pytest.fixture
def catalogue(world: factories.World) -> dict[str, Any]:
    """Two themes on the demo territory and resources of every kind."""
    factories.make_published_version(world.territory, "energie", "Énergie")
    factories.make_published_version(world.territory, "mobilite", "Mobilité")
    return {
        "audit": factories.make_resource(
            world.territory,
            "Audit énergétique",
            themes=["energie"],
            levels=["premiers_pas"],
            offer_type="accompagnement",
            needs=["techniques"],
            description="Un bureau d'études visite vos bâtiments.",
        ),
        "pret": factories.make_resource(
            world.territory,
            "Prêt vert",
            themes=["energie", "mobilite"],
            levels=["avance"],
            offer_type="financement",
            needs=["financieres"],
            description="Financer vos véhicules électriques et vos travaux.",
            url="https://www.bpifrance.fr/pret-vert",
        ),
        "velo": factories.make_resource(
            world.territory,
            "Plan vélo entreprise",
            themes=["mobilite"],
            levels=["avance"],
            offer_type="outil",
            needs=["humaines"],
            description="Un guide pas à pas.",
        ),
        "tous": factories.make_resource(
            world.territory,
            "Club des acteurs engagés",
            themes=[],
            levels=[],
            offer_type="evenement",
            description="Rencontres trimestrielles.",
        ),
        "inactive": factories.make_resource(world.territory, "Offre retirée", is_active=False),
        "expired": factories.make_resource(
            world.territory, "Appel à projets clos", valid_until=TODAY - timedelta(days=1)
        ),
        "future": factories.make_resource(
            world.territory, "Appel à projets 2099", valid_from=TODAY + timedelta(days=1)
        ),
        "foreign": factories.make_resource(world.other_territory, "Offre d'un autre territoire"),
    }


def _titles(response: Any) -> list[str]:
    text = response.get_data(as_text=True)
    return re.findall(r"<h3>(?:<a [^>]*>)?([^<]+)", text)


def test_anyone_can_browse_the_current_resources_of_the_territory(
    client: Any, world: factories.World, catalogue: dict[str, Any]
) -> None:
    response = client.get("/t/demo/ressources")

    assert response.status_code == 200
    assert _titles(response) == [
        "Audit énergétique",
        "Club des acteurs engagés",
        "Plan vélo entreprise",
        "Prêt vert",
    ]
    assert "4 ressources" in response.get_data(as_text=True)


def test_an_unknown_territory_has_no_catalogue(client: Any, world: factories.World) -> None:
    assert client.get("/t/nulle-part/ressources").status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("theme=energie", ["Audit énergétique", "Club des acteurs engagés", "Prêt vert"]),
        ("theme=mobilite", ["Club des acteurs engagés", "Plan vélo entreprise", "Prêt vert"]),
        ("type=financement", ["Prêt vert"]),
        ("level=avance", ["Plan vélo entreprise", "Prêt vert"]),
        ("level=premiers_pas", ["Audit énergétique"]),
        ("need=humaines", ["Plan vélo entreprise"]),
        ("q=vehicules", ["Prêt vert"]),
        ("q=BUREAU+d%27%C3%A9tudes", ["Audit énergétique"]),
        ("q=pr%C3%AAt+vert", ["Prêt vert"]),
        ("q=introuvable", []),
        ("theme=mobilite&level=avance&type=outil", ["Plan vélo entreprise"]),
        (
            "theme=inconnu&type=bidon",
            ["Audit énergétique", "Club des acteurs engagés", "Plan vélo entreprise", "Prêt vert"],
        ),
    ],
)
def test_filters_narrow_the_catalogue(
    client: Any,
    world: factories.World,
    catalogue: dict[str, Any],
    query: str,
    expected: list[str],
) -> None:
    response = client.get(f"/t/demo/ressources?{query}")

    assert response.status_code == 200
    assert _titles(response) == expected


def test_the_filter_form_keeps_the_chosen_values_so_the_url_can_be_shared(
    client: Any, world: factories.World, catalogue: dict[str, Any]
) -> None:
    text = client.get("/t/demo/ressources?theme=mobilite&type=outil&q=guide").get_data(as_text=True)

    assert '<form method="get"' in text
    assert '<option value="mobilite" selected>' in text
    assert '<option value="outil" selected>' in text
    assert 'name="q" value="guide"' in text
    assert "Effacer les filtres" in text


def test_a_member_opens_resources_through_the_counted_link(
    login_as: Any, world: factories.World, catalogue: dict[str, Any]
) -> None:
    text = login_as(world.actor).get("/t/demo/ressources").get_data(as_text=True)

    pret = catalogue["pret"]
    assert f'href="/r/{pret.id}?org={world.org.id}"' in text
    assert 'href="https://www.bpifrance.fr/pret-vert"' not in text


def test_the_counted_link_records_the_opening_for_the_organisation(
    login_as: Any, world: factories.World, catalogue: dict[str, Any]
) -> None:
    from assett.services.resource_base import opened_by_count

    pret = catalogue["pret"]
    response = login_as(world.actor).get(f"/r/{pret.id}?org={world.org.id}")

    assert response.status_code == 302
    assert response.headers["Location"] == "https://www.bpifrance.fr/pret-vert"
    assert opened_by_count(pret) == 1


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "foreign_actor"])
def test_people_without_an_organisation_here_get_the_direct_link(
    client: Any, world: factories.World, catalogue: dict[str, Any], persona: str
) -> None:
    if persona == "outsider":
        factories.log_in(client, world.outsider)
    elif persona == "foreign_actor":
        foreign_member = world.foreign_org.memberships[0].user
        factories.log_in(client, foreign_member)

    text = client.get("/t/demo/ressources").get_data(as_text=True)

    assert 'href="https://www.bpifrance.fr/pret-vert"' in text
    assert "/r/" not in text


def test_a_resource_with_a_dangerous_link_is_listed_without_a_link(
    client: Any, world: factories.World
) -> None:
    factories.make_resource(world.territory, "Lien douteux", url="javascript:alert(1)")

    text = client.get("/t/demo/ressources").get_data(as_text=True)

    assert "Lien douteux" in text
    assert "javascript:" not in text
