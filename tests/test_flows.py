"""Flows as a member declares them: list, add, search a category, edit, delete; bad input."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from html import unescape
from typing import Any

import pytest
from sqlalchemy import func, select

from assett.extensions import db
from assett.models import Flow, Organisation

from . import factories

GOOD: dict[str, str] = {
    "direction": "offer",
    "category": "dechet:15 01 03",
    "quantity": "2,5",
    "unit": "t",
    "frequency": "mensuel",
    "month_from": "",
    "month_to": "",
    "commune": "76540",
    "latitude": "",
    "longitude": "",
    "description": "Palettes cassées, à enlever sur place",
}


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", unescape(response.get_data(as_text=True)))


def flow_count() -> int:
    return db.session.scalar(select(func.count(Flow.id))) or 0


def make_flow(org: Organisation, **values: Any) -> Flow:
    fields: dict[str, Any] = {
        "direction": "offer",
        "kind": "waste",
        "code": "15 01 03",
        "quantity": 2.0,
        "unit": "t",
        "frequency": "mensuel",
        "yearly_quantity": 24.0,
        "commune_code": "76540",
    }
    fields.update(values)
    flow = Flow(organisation_id=org.id, **fields)
    db.session.add(flow)
    db.session.commit()
    return flow


def test_a_member_declares_an_offer_and_finds_it_listed_with_its_yearly_figure(
    world: factories.World, login_as: Any
) -> None:
    client = login_as(world.actor)
    form = client.get(f"/o/{world.org.id}/flux/nouveau?sens=offer")
    assert form.status_code == 200
    assert 'value="76540"' in form.get_data(as_text=True)  # the profile's commune (Rouen)

    response = client.post(f"/o/{world.org.id}/flux/nouveau", data=GOOD)

    assert response.status_code == 302
    flow = db.session.scalar(select(Flow))
    assert flow is not None
    assert (flow.kind, flow.code, flow.quantity, flow.yearly_quantity) == (
        "waste",
        "15 01 03",
        2.5,
        30.0,
    )
    assert flow.organisation_id == world.org.id
    assert flow.created_by_id == world.actor.id
    assert not flow.hide_quantity
    assert not flow.hide_site
    listed = text(client.get(f"/o/{world.org.id}/flux"))
    assert "15 01 03 emballages en bois" in listed
    assert "2,5 t par mois" in listed
    assert "Palettes cassées" in listed
    assert "Rouen (76540)" in listed


def test_a_need_of_the_taxonomy_with_a_season_and_hidden_quantity(
    world: factories.World, login_as: Any
) -> None:
    client = login_as(world.actor)
    data = GOOD | {
        "direction": "need",
        "category": "flux:energie.usage.chauffage_locaux",
        "quantity": "120",
        "unit": "MWh",
        "frequency": "annuel",
        "month_from": "10",
        "month_to": "3",
        "hide_quantity": "y",
        "accepts_hazardous": "y",
    }

    assert client.post(f"/o/{world.org.id}/flux/nouveau", data=data).status_code == 302

    flow = db.session.scalar(select(Flow))
    assert flow is not None
    assert (flow.kind, flow.month_from, flow.month_to, flow.hide_quantity) == (
        "taxonomy",
        10,
        3,
        True,
    )
    assert flow.accepts_hazardous
    listed = text(client.get(f"/o/{world.org.id}/flux"))
    assert "Chauffage des locaux" in listed
    assert "de octobre à mars" in listed
    assert "quantité cachée" in listed


def test_an_offer_never_records_the_authorisation_to_receive_hazardous_waste(
    world: factories.World, login_as: Any
) -> None:
    client = login_as(world.actor)
    client.post(f"/o/{world.org.id}/flux/nouveau", data=GOOD | {"accepts_hazardous": "y"})

    flow = db.session.scalar(select(Flow))
    assert flow is not None
    assert not flow.accepts_hazardous


def test_the_category_search_narrows_the_select_without_any_script(
    world: factories.World, login_as: Any
) -> None:
    client = login_as(world.actor)

    everything = client.get(f"/o/{world.org.id}/flux/nouveau").get_data(as_text=True)
    narrowed = text(client.get(f"/o/{world.org.id}/flux/nouveau?q=emballages+bois"))
    by_code = text(client.get(f"/o/{world.org.id}/flux/nouveau?q=200108"))
    heat = text(client.get(f"/o/{world.org.id}/flux/nouveau?q=chaleur"))

    assert everything.count("<option") > 842
    assert "<script" not in everything
    assert 'value="dechet:15 01 03"' in narrowed
    assert 'value="dechet:20 01 08"' not in narrowed
    assert "1 catégorie correspond à « emballages bois »." in narrowed
    assert 'value="dechet:20 01 08"' in by_code
    assert 'value="flux:energie.chaleur.40_60"' in heat
    assert 'value="dechet:15 01 03"' not in heat


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"quantity": "-3"}, "quantity", "Quantité : la quantité doit être un nombre positif"),
        ({"quantity": "0"}, "quantity", "Quantité : la quantité doit être un nombre positif"),
        ({"quantity": "douze"}, "quantity", "Quantité : un nombre est attendu"),
        ({"quantity": "1e400"}, "quantity", "Quantité : un nombre est attendu"),
        ({"quantity": "99999999"}, "quantity", "Quantité : la quantité est trop grande"),
        (
            {"quantity": "50000", "frequency": "continu"},
            "quantity",
            "Quantité : la quantité par an dépasse 10 millions",
        ),
        ({"unit": ""}, "unit", "Unité : choisissez l'unité de la quantité"),
        ({"unit": "litres"}, "unit", "Unité : unité inconnue"),
        ({"frequency": "parfois"}, "frequency", "Fréquence : fréquence inconnue"),
        ({"category": "dechet:99 99 99"}, "category", "Catégorie : choisissez une catégorie"),
        ({"category": "flux:inconnu.x"}, "category", "Catégorie : choisissez une catégorie"),
        ({"category": ""}, "category", "Catégorie : choisissez une catégorie"),
        ({"direction": "vente"}, "direction", "Sens : choisissez offre ou besoin"),
        ({"commune": "99999"}, "commune", "Commune : commune inconnue"),
        ({"commune": ""}, "commune", "Commune : indiquez la commune du site"),
        ({"month_from": "13", "month_to": "2"}, "month_from", "Premier mois : un mois de 1 à 12"),
        ({"month_from": "4"}, "month_from", "indiquez le premier et le dernier mois"),
        ({"latitude": "49,4"}, "longitude", "indiquez la latitude et la longitude"),
        ({"latitude": "95", "longitude": "1"}, "latitude", "une latitude va de -90 à 90"),
        ({"description": "x" * 2001}, "description", "Description : au plus 2000 caractères"),
        ({"description": "a\x00b"}, "description", "caractère invisible"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(
    world: factories.World, login_as: Any, changes: dict[str, str], field: str, message: str
) -> None:
    client = login_as(world.actor)

    response = client.post(f"/o/{world.org.id}/flux/nouveau", data=GOOD | changes)

    assert response.status_code == 400
    body = text(response)
    assert message in body
    assert f'id="{field}-error"' in body
    assert flow_count() == 0


def test_a_postcode_serving_one_commune_is_taken_and_one_serving_several_asks_which(
    world: factories.World, login_as: Any
) -> None:
    client = login_as(world.actor)

    several = client.post(f"/o/{world.org.id}/flux/nouveau", data=GOOD | {"commune": "76150"})
    one = client.post(f"/o/{world.org.id}/flux/nouveau", data=GOOD | {"commune": "27000"})

    assert several.status_code == 400
    assert "plusieurs communes ont ce code postal" in text(several)
    assert "(Maromme)" in text(several)
    assert one.status_code == 302
    assert db.session.scalars(select(Flow.commune_code)).all() == ["27229"]


def test_a_member_edits_then_deletes_a_flow(world: factories.World, login_as: Any) -> None:
    flow = make_flow(world.org)
    client = login_as(world.actor)

    page = client.get(f"/o/{world.org.id}/flux/{flow.id}")
    assert page.status_code == 200
    assert '<option selected value="dechet:15 01 03">' in page.get_data(as_text=True)
    changed = client.post(
        f"/o/{world.org.id}/flux/{flow.id}", data=GOOD | {"quantity": "4", "hide_site": "y"}
    )
    assert changed.status_code == 302
    db.session.refresh(flow)
    assert (flow.quantity, flow.yearly_quantity, flow.hide_site) == (4.0, 48.0, True)
    refused = client.post(f"/o/{world.org.id}/flux/{flow.id}", data=GOOD | {"quantity": "-1"})
    assert refused.status_code == 400
    db.session.refresh(flow)
    assert flow.quantity == 4.0

    deleted = client.post(f"/o/{world.org.id}/flux/{flow.id}/supprimer")

    assert deleted.status_code == 302
    assert flow_count() == 0
    assert "Aucun flux déclaré" in text(client.get(f"/o/{world.org.id}/flux"))


def test_another_organisations_member_never_reaches_my_flows(
    world: factories.World, login_as: Any, client: Any
) -> None:
    flow = make_flow(world.org, description="Secret de fabrication")
    anonymous = client.get(f"/o/{world.org.id}/flux")
    assert anonymous.status_code == 302
    other = login_as(world.other_actor)

    for url in (f"/o/{world.org.id}/flux", f"/o/{world.org.id}/flux/{flow.id}"):
        assert other.get(url).status_code == 404
    assert other.post(f"/o/{world.org.id}/flux/{flow.id}/supprimer").status_code == 404
    # Its own space does not open another organisation's flow by id either.
    assert other.get(f"/o/{world.other_org.id}/flux/{flow.id}").status_code == 404
    assert "Secret de fabrication" not in text(other.get(f"/o/{world.other_org.id}/flux"))
    assert flow_count() == 1


def test_flows_are_in_the_organisations_export_and_go_with_it(
    world: factories.World, login_as: Any
) -> None:
    make_flow(world.org, description="Palettes")
    make_flow(world.other_org, description="Autre")
    client = login_as(world.actor)

    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/o/{world.org.id}/export.zip").get_data()))
    raw = archive.read("flows.csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(raw), delimiter=";"))
    exported = client.get(f"/o/{world.org.id}/export.json").get_json()

    assert [(r["code"], r["description"], r["yearly_quantity"]) for r in rows] == [
        ("15 01 03", "Palettes", "24")
    ]
    assert [f["description"] for f in exported["flows"]] == ["Palettes"]
    org_id = world.org.id
    response = client.post(
        "/compte/supprimer", data={"password": factories.PASSWORD, f"org_{org_id}": "delete"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalars(select(Flow.description)).all() == ["Autre"]


def test_on_an_english_page_the_taxonomy_is_in_english_and_the_waste_list_marked_french(
    world: factories.World, login_as: Any
) -> None:
    make_flow(world.org)
    make_flow(world.org, direction="need", kind="taxonomy", code="energie.chaleur.60_90")
    client = login_as(world.actor)
    client.set_cookie("langue", "en")

    listed = text(client.get(f"/o/{world.org.id}/flux"))
    form = text(client.get(f"/o/{world.org.id}/flux/nouveau?q=bois"))

    assert "Waste heat from 60 to 90 °C" in listed
    assert "Chaleur fatale" not in listed
    assert '<span lang="fr">15 01 03 emballages en bois</span>' in listed
    assert "2 t" in listed
    assert 'lang="fr" value="dechet:15 01 03">15 01 03 emballages en bois</option>' in form
    assert ">Wood fuel (chips, pellets, logs)</option>" in form
    client.set_cookie("langue", "fr")
    french = text(client.get(f"/o/{world.org.id}/flux"))
    assert "Chaleur fatale de 60 à 90 °C" in french
    assert '<span lang="fr">' not in french


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"quantity": "-3"}, "quantity", "Quantity: the quantity must be a positive number"),
        ({"month_from": "4"}, "month_from", "give the first and the last month, or neither"),
        (
            {"quantity": "50000", "frequency": "continu"},
            "quantity",
            "Quantity: the quantity per year exceeds 10 million: check the unit and the frequency",
        ),
    ],
)
def test_on_an_english_page_a_refused_value_is_explained_in_english_next_to_its_field(
    world: factories.World, login_as: Any, changes: dict[str, str], field: str, message: str
) -> None:
    client = login_as(world.actor)
    client.set_cookie("langue", "en")

    response = client.post(f"/o/{world.org.id}/flux/nouveau", data=GOOD | changes)

    assert response.status_code == 400
    body = text(response)
    assert message in body
    assert f'id="{field}-error"' in body
    assert "la quantité" not in body
    assert flow_count() == 0
