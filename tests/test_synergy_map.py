"""The animators' map: shared flows only, hidden sites left off and counted, filters, no network."""

from __future__ import annotations

import json
import re
from html import unescape
from typing import Any

from assett.extensions import db
from assett.models import Organisation

from . import factories
from .page_source import source
from .test_flows import make_flow


def text(response: Any) -> str:
    return source(response)


def figure(response: Any) -> dict[str, Any]:
    found = re.search(r'data-plotly="([^"]*)"', response.get_data(as_text=True))
    assert found is not None
    return json.loads(unescape(found.group(1)))  # type: ignore[no-any-return]


def sharing(*orgs: Organisation) -> None:
    for org in orgs:
        org.sharing = "animators"
    db.session.commit()


def url(world: factories.World, query: str = "") -> str:
    return f"/t/{world.territory.slug}/animation/synergies/carte{query}"


def an_offer_and_a_need(world: factories.World, **need: Any) -> None:
    make_flow(world.org, code="15 01 03", quantity=2.0, yearly_quantity=24.0)
    values: dict[str, Any] = {
        "direction": "need",
        "code": "15 01 03",
        "quantity": 40.0,
        "yearly_quantity": 40.0,
        "unit": "t",
        "frequency": "annuel",
        "commune_code": "76231",  # Elbeuf
    }
    values.update(need)
    make_flow(world.other_org, **values)


def test_the_animator_sees_the_sites_the_link_and_the_same_data_in_the_table(
    world: factories.World, login_as: Any
) -> None:
    private = factories.make_org(world.territory, "Scierie Privée", commune="Rouen")
    sharing(world.org, world.other_org)
    an_offer_and_a_need(world)
    make_flow(private, direction="need", code="15 01 03", description="Besoin privé")

    page = login_as(world.animator).get(url(world))

    assert page.status_code == 200
    body = text(page)
    assert "2 sites sur la carte, 2 flux, 1 lien suggéré tracé," in body
    assert "Boulangerie Durand" in body
    assert "Garage Martin" in body
    assert "Elbeuf" in body
    assert "même code 15 01 03" in body
    assert "Scierie Privée" not in body
    drawn = figure(page)
    sites = [t for t in drawn["data"] if t["meta"]["layer"] == "sites"]
    assert sum(len(t["x"]) for t in sites) == 2
    assert {t["type"] for t in drawn["data"]} == {"scatter"}
    (link,) = [t for t in drawn["data"] if t["meta"]["layer"] == "links"]
    assert len(link["x"]) == 3
    assert link["x"][2] is None
    assert "Scierie Privée" not in json.dumps(drawn, ensure_ascii=False)


def test_a_hidden_site_is_left_off_the_map_counted_and_its_link_not_drawn(
    world: factories.World, login_as: Any
) -> None:
    sharing(world.org, world.other_org)
    an_offer_and_a_need(world, hide_site=True)

    page = login_as(world.animator).get(url(world))

    body = text(page)
    assert "1 flux n'est pas sur la carte : son organisation a caché son site." in body
    assert "1 lien suggéré n'est pas tracé car l'un de ses sites est caché" in body
    assert "1 site sur la carte, 1 flux, 0 lien suggéré tracé," in body
    assert "Elbeuf" not in body
    assert "Garage Martin" not in body
    assert "76231" not in body
    drawn = json.dumps(figure(page), ensure_ascii=False)
    assert "Garage Martin" not in drawn
    assert "49.28" not in drawn  # Elbeuf's latitude


def test_a_hidden_quantity_is_not_shown_on_the_map_or_in_its_table(
    world: factories.World, login_as: Any
) -> None:
    sharing(world.org, world.other_org)
    make_flow(world.org, quantity=7.25, yearly_quantity=87.0, hide_quantity=True)

    page = login_as(world.animator).get(url(world))

    body = text(page)
    assert "quantité cachée" in body
    assert "7,25" not in body
    assert "87" not in body
    assert "7,25" not in json.dumps(figure(page), ensure_ascii=False)


def test_filters_narrow_by_category_direction_and_commune(
    world: factories.World, login_as: Any
) -> None:
    sharing(world.org, world.other_org)
    an_offer_and_a_need(world)
    make_flow(
        world.other_org,
        direction="need",
        kind="taxonomy",
        code="service.collecte",
        quantity=None,
        unit=None,
        yearly_quantity=None,
        frequency="annuel",
    )
    client = login_as(world.animator)

    by_category = text(client.get(url(world, "?categorie=flux:service")))
    by_direction = text(client.get(url(world, "?sens=offer")))
    by_commune = text(client.get(url(world, "?commune=76231")))

    assert "1 site sur la carte, 1 flux, 0 lien suggéré tracé," in by_category
    assert "Collecte mutualisée" in by_category
    assert "1 site sur la carte, 1 flux," in by_direction
    assert "Boulangerie Durand" in by_direction
    assert "1 site sur la carte, 1 flux," in by_commune
    assert '<option value="76231" selected>Elbeuf (76231)</option>' in client.get(
        url(world, "?commune=76231")
    ).get_data(as_text=True)


def test_an_unknown_filter_value_is_ignored_and_named(
    world: factories.World, login_as: Any
) -> None:
    sharing(world.org)
    make_flow(world.org)

    page = login_as(world.animator).get(url(world, "?categorie=dechet:99&sens=%3Cx%3E&commune=0"))

    assert page.status_code == 200
    assert "Valeur de filtre inconnue, ignorée : Catégorie, Sens, Commune" in text(page)
    assert "1 site sur la carte" in text(page)


def test_the_page_asks_for_nothing_outside_the_application(
    world: factories.World, login_as: Any
) -> None:
    sharing(world.org, world.other_org)
    an_offer_and_a_need(world)

    html = login_as(world.animator).get(url(world)).get_data(as_text=True)

    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert all(not re.match(r"(https?:)?//", source) for source in sources), sources
    assert "topojson" not in html
    assert "mapbox" not in html


def test_a_territory_with_no_shared_flow_gets_an_empty_map_with_no_chart(
    world: factories.World, login_as: Any
) -> None:
    page = login_as(world.animator).get(url(world))

    assert page.status_code == 200
    assert "Aucun site à montrer avec ces filtres." in text(page)
    assert "data-plotly" not in page.get_data(as_text=True)
    assert "plotly.min.js" not in page.get_data(as_text=True)


def test_only_the_territorys_animators_and_admins_open_the_map(
    world: factories.World, login_as: Any, client: Any
) -> None:
    assert client.get(url(world)).status_code == 302
    assert login_as(world.actor).get(url(world)).status_code == 403
    assert login_as(world.admin).get(url(world)).status_code == 200


def test_followed_synergies_are_drawn_between_their_sharing_participants_and_listed(
    world: factories.World, login_as: Any
) -> None:
    from assett.services import synergy_pipeline

    third = factories.make_org(world.territory, "Scierie du Scorff", commune="Rouen")
    sharing(world.org, world.other_org, third)
    an_offer_and_a_need(world)
    synergy_pipeline.create_synergy(
        world.territory,
        world.animator,
        "mutualisation",
        "Collecte partagée des cartons",
        [world.org.id, world.other_org.id, third.id],
    )
    third.sharing = "private"  # stops sharing: no longer drawn nor named
    db.session.commit()

    page = login_as(world.animator).get(url(world))

    body = text(page)
    assert "Collecte partagée des cartons" in body
    assert "Idée" in body
    assert "Boulangerie Durand, Garage Martin" in body
    assert "Scierie du Scorff" not in body
    [line] = [t for t in figure(page)["data"] if t.get("meta", {}).get("layer") == "synergies"]
    assert line["line"]["dash"] == "dash"  # not active yet
    assert line["x"].count(None) == 1  # one segment: the two sharing participants
