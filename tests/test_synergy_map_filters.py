"""The map's mutualisation groups (drawn, listed, never revealing a hidden site) and its
filters: each one changes what is drawn and what the tables list; a bad value is named."""

from __future__ import annotations

import json
from typing import Any

from assett.extensions import db
from assett.services import synergy_pipeline

from . import factories
from .test_flows import make_flow
from .test_synergy_map import figure, sharing, text, url

SERVICE = {
    "direction": "need",
    "kind": "taxonomy",
    "code": "service.collecte",
    "quantity": None,
    "unit": None,
    "yearly_quantity": None,
    "frequency": "annuel",
}


def layer(response: Any, name: str) -> list[dict[str, Any]]:
    return [t for t in figure(response)["data"] if t.get("meta", {}).get("layer") == name]


def drawn_points(response: Any, name: str) -> int:
    return sum(sum(1 for x in t["x"] if x is not None) for t in layer(response, name))


def sites_table(response: Any) -> str:
    """The table of sites beside the map (the followed synergies' table names all their
    participants, on the map or not)."""
    return text(response).split("Sites, offres et besoins")[1].split("Liens suggérés tracés")[0]


def territory(world: factories.World) -> factories.Organisation:
    """Three organisations at Rouen producing wooden packaging; the third one also needs a
    shared collection, as does the second (a group purchase); a fourth at Elbeuf needs it."""
    third = factories.make_org(world.territory, "Scierie du Robec", commune="Rouen")
    sharing(world.org, world.other_org, third)
    for org in (world.org, world.other_org, third):
        make_flow(org, code="15 01 03")
    make_flow(world.other_org, **SERVICE)
    make_flow(third, **SERVICE)
    return third


def test_a_shared_collection_group_is_drawn_with_a_legend_and_hover_and_listed(
    world: factories.World, login_as: Any
) -> None:
    territory(world)

    page = login_as(world.animator).get(url(world))

    body = text(page)
    assert "2 groupes de mutualisation tracés." in body
    assert "Groupes de mutualisation suggérés tracés sur la carte" in body
    assert "Collecte mutualisée" in body
    assert "Achat ou service partagé" in body
    assert "3 organisations :" in body
    groups = layer(page, "groups")
    names = {t["name"] for t in groups if t.get("showlegend", True)}
    assert names == {"Collecte mutualisée suggérée", "Achat ou service partagé suggéré"}
    hovers = " ".join(h for t in groups for h in t.get("hovertext", []))
    assert "3 organisations dans le groupe" in hovers
    assert "Scierie du Robec" in hovers


def test_a_member_with_a_hidden_site_is_not_drawn_counted_or_named_by_any_group(
    world: factories.World, login_as: Any
) -> None:
    hidden = factories.make_org(world.territory, "Menuiserie Cachée", commune="Elbeuf")
    sharing(world.org, world.other_org, hidden)
    make_flow(world.org, code="15 01 03")
    make_flow(world.other_org, code="15 01 03", commune_code="76231")
    make_flow(hidden, code="15 01 03", commune_code="76231", hide_site=True, quantity=9.75)

    page = login_as(world.animator).get(url(world))

    body = text(page)
    assert "1 groupe de mutualisation tracé." in body
    assert "2 organisations :" in body
    assert "Menuiserie Cachée" not in body
    assert "9,75" not in body
    drawn = json.dumps(layer(page, "groups"), ensure_ascii=False)
    assert "2 organisations dans le groupe" in drawn
    assert "Menuiserie Cachée" not in drawn
    assert "9,75" not in drawn


def test_a_hidden_site_never_makes_a_group_on_the_map(
    world: factories.World, login_as: Any
) -> None:
    sharing(world.org, world.other_org)
    make_flow(world.org, code="15 01 03")
    make_flow(world.other_org, code="15 01 03", hide_site=True)

    page = login_as(world.animator).get(url(world))

    assert "0 groupe de mutualisation tracé." in text(page)
    assert layer(page, "groups") == []


def test_each_filter_changes_what_is_drawn_and_what_is_listed(
    world: factories.World, login_as: Any
) -> None:
    third = territory(world)
    elbeuf = factories.make_org(world.territory, "Ferme d'Elbeuf", commune="Elbeuf")
    sharing(elbeuf)
    make_flow(elbeuf, commune_code="76231", **SERVICE)
    idea = synergy_pipeline.create_synergy(
        world.territory,
        world.animator,
        "mutualisation",
        "Collecte des palettes",
        [world.org.id, world.other_org.id],
    )
    active = synergy_pipeline.create_synergy(
        world.territory,
        world.animator,
        "mutualisation",
        "Achat groupé de collecte",
        [third.id, elbeuf.id],
    )
    for stage in ("discussion", "etude", "mise_en_oeuvre", "active"):
        synergy_pipeline.change_stage(active, world.animator, stage)
    db.session.commit()
    client = login_as(world.animator)

    everything = client.get(url(world))
    by_category = client.get(url(world, "?categorie=flux:service"))
    by_direction = client.get(url(world, "?sens=offer"))
    by_commune = client.get(url(world, "?commune=76231"))
    by_stage = client.get(url(world, "?etape=active"))
    abandoned = client.get(url(world, "?etape=abandonnee"))

    assert drawn_points(everything, "sites") == 4
    assert "2 groupes de mutualisation tracés." in text(everything)
    assert "Collecte des palettes" in text(everything)
    assert "Achat groupé de collecte" in text(everything)
    # Category: the waste offers and their group go; the service needs stay.
    assert drawn_points(by_category, "sites") == 3
    assert "1 groupe de mutualisation tracé." in text(by_category)
    assert {t["meta"]["kind"] for t in layer(by_category, "groups")} == {"need"}
    assert "15 01 03" not in text(by_category).split("Groupes de mutualisation")[1]
    # Direction: offers only, so the shared collection alone is drawn.
    assert drawn_points(by_direction, "sites") == 3
    assert {t["meta"]["kind"] for t in layer(by_direction, "groups")} == {"offer"}
    assert "Ferme d'Elbeuf" in sites_table(everything)
    assert "Ferme d'Elbeuf" not in sites_table(by_direction)
    # Commune: Elbeuf keeps one site, no group, and no followed line can be drawn.
    assert drawn_points(by_commune, "sites") == 1
    assert layer(by_commune, "groups") == []
    assert layer(by_commune, "synergies") == []
    assert "Boulangerie Durand" not in sites_table(by_commune)
    # Stage: only the active synergy is drawn and listed.
    assert [t["meta"]["kind"] for t in layer(everything, "synergies")] == ["active", "other"]
    assert [t["meta"]["kind"] for t in layer(by_stage, "synergies")] == ["active"]
    assert "Achat groupé de collecte" in text(by_stage)
    assert "Collecte des palettes" not in text(by_stage)
    assert '<option value="active" selected>Active</option>' in by_stage.get_data(as_text=True)
    assert layer(abandoned, "synergies") == []
    assert "Aucune synergie suivie à cette étape" in text(abandoned)
    assert idea.stage == "idee"


def test_an_abandoned_synergy_is_drawn_only_when_its_stage_is_asked_for(
    world: factories.World, login_as: Any
) -> None:
    sharing(world.org, world.other_org)
    make_flow(world.org, code="15 01 03")
    make_flow(world.other_org, code="15 01 03")
    synergy = synergy_pipeline.create_synergy(
        world.territory,
        world.animator,
        "mutualisation",
        "Benne commune",
        [world.org.id, world.other_org.id],
    )
    synergy_pipeline.change_stage(synergy, world.animator, "abandonnee", "Plus de place")
    db.session.commit()
    client = login_as(world.animator)

    default = client.get(url(world))
    asked = client.get(url(world, "?etape=abandonnee"))

    assert "Benne commune" not in text(default)
    assert layer(default, "synergies") == []
    assert "Benne commune" in text(asked)
    (line,) = layer(asked, "synergies")
    assert line["meta"]["kind"] == "abandoned"
    assert line["name"] == "Synergie abandonnée"


def test_an_unknown_stage_is_named_and_ignored_with_no_error(
    world: factories.World, login_as: Any
) -> None:
    sharing(world.org)
    make_flow(world.org)
    client = login_as(world.animator)

    for value in ("fini", "%3Cscript%3E", "x" * 500, "IDEE"):
        page = client.get(url(world, f"?etape={value}"))
        assert page.status_code == 200
        assert "Valeur de filtre inconnue, ignorée : Étape" in text(page)
        assert "1 site sur la carte" in text(page)
        assert "<script>" not in page.get_data(as_text=True)
