"""The profile checked against the official lists: NAF rév. 2, communes by postcode, SIRET."""

from __future__ import annotations

import csv
import html
import logging
import re
from importlib import resources

from sqlalchemy import func, select

from assett.domain.reference_data import communes_for_postcode, find_commune, naf_labels
from assett.extensions import db
from assett.models import Organisation

from . import factories
from .test_orgs import VALID, created, field_error


def text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.get_data(as_text=True))


def test_the_shipped_lists_hold_every_naf_subclass_and_the_communes():
    labels = naf_labels()
    assert len(labels) == 732
    assert labels["10.71C"] == "Boulangerie et boulangerie-pâtisserie"
    assert all(re.fullmatch(r"\d{2}\.\d{2}[A-Z]", code) for code in labels)
    rows = resources.files("assett").joinpath("data/communes.csv").read_text("utf-8")
    assert len(list(csv.DictReader(rows.splitlines()))) > 34_000
    rouen = find_commune("76000", "rouen")
    assert rouen is not None
    assert rouen.code == "76540"
    assert rouen.epci_name == "Métropole Rouen Normandie"
    assert find_commune("76000", "Darnétal") is None
    sources = resources.files("assett").joinpath("data/SOURCES.md").read_text("utf-8")
    assert "@socialgouv/codes-naf" in sources
    assert "@etalab/decoupage-administratif" in sources


def test_a_well_formed_naf_code_missing_from_the_list_is_refused(world, login_as):
    client = login_as(world.outsider)
    response = client.post("/t/demo/organisations/nouvelle", data={**VALID, "naf_code": "10.71F"})
    assert response.status_code == 400
    assert field_error(response, "naf_code") == (
        "Le code NAF « 10.71F » ne figure pas dans la nomenclature NAF rév. 2."
    )
    assert created(VALID["name"]) is None


def test_the_naf_label_is_shown_beside_the_code(world, login_as):
    client = login_as(world.actor)
    page = text(client.get(f"/o/{world.org.id}/profil"))
    assert "Boulangerie et boulangerie-pâtisserie" in page
    home = text(client.get(f"/o/{world.org.id}/"))
    assert "10.71C Boulangerie et boulangerie-pâtisserie" in home


def test_a_postcode_without_commune_is_refused(world, login_as):
    client = login_as(world.outsider)
    response = client.post("/t/demo/organisations/nouvelle", data={**VALID, "postcode": "76999"})
    assert response.status_code == 400
    assert field_error(response, "postcode") == "Aucune commune n'a le code postal « 76999 »."


def test_a_commune_of_another_postcode_is_refused(world, login_as):
    client = login_as(world.outsider)
    data = {**VALID, "postcode": "76160", "commune": "Rouen"}
    response = client.post("/t/demo/organisations/nouvelle", data=data)
    assert response.status_code == 400
    assert field_error(response, "commune") == (
        "La commune « Rouen » n'a pas le code postal 76160 : choisissez-la dans la liste."
    )
    assert created(VALID["name"]) is None


def test_the_communes_of_the_postcode_are_offered_as_a_choice_without_javascript(world, login_as):
    client = login_as(world.outsider)
    data = {**VALID, "postcode": "76160", "commune": ""}
    response = client.post("/t/demo/organisations/nouvelle", data=data)
    assert response.status_code == 400
    page = text(response)
    select_html = re.search(r'<select id="commune" name="commune".*?</select>', page, re.S)
    assert select_html is not None
    names = re.findall(r"<option value=\"\d\w\d+\"[^>]*>([^<]+)</option>", select_html.group(0))
    assert names == [c.name for c in communes_for_postcode("76160")]
    assert "Darnétal" in names
    assert len(names) == 11
    # The user picks one in the list: its INSEE code is sent, its name is stored.
    response = client.post("/t/demo/organisations/nouvelle", data={**data, "commune": "76212"})
    assert response.status_code == 302
    organisation = created(VALID["name"])
    assert organisation is not None
    assert (organisation.postcode, organisation.commune) == ("76160", "Darnétal")


def test_a_commune_typed_loosely_is_stored_with_its_official_name(world, login_as):
    client = login_as(world.outsider)
    data = {**VALID, "postcode": "76800", "commune": "st etienne du rouvray"}
    assert client.post("/t/demo/organisations/nouvelle", data=data).status_code == 302
    assert created(VALID["name"]).commune == "Saint-Étienne-du-Rouvray"


def test_a_postcode_of_one_commune_fills_it_in(world, login_as):
    client = login_as(world.outsider)
    data = {**VALID, "postcode": "76100", "commune": ""}
    assert client.post("/t/demo/organisations/nouvelle", data=data).status_code == 302
    assert created(VALID["name"]).commune == "Rouen"


def test_a_siret_already_registered_in_the_territory_is_refused_with_a_link_to_join(
    world, login_as, caplog
):
    world.org.siret = "73282932000074"
    db.session.commit()
    client = login_as(world.outsider)
    count = db.session.scalar(select(func.count(Organisation.id)))
    response = client.post("/t/demo/organisations/nouvelle", data=VALID)
    assert response.status_code == 400
    assert field_error(response, "siret") == (
        "Ce SIRET est déjà celui d'une organisation inscrite sur ce territoire : "
        "demandez à la rejoindre plutôt que d'en créer une seconde."
    )
    assert db.session.scalar(select(func.count(Organisation.id))) == count
    link = f"/o/{world.org.id}/demander-a-rejoindre"
    assert f'href="{link}"' in response.get_data(as_text=True)
    assert "« Boulangerie Durand » est déjà inscrite avec ce SIRET." in text(response)

    assert "Demander à rejoindre « Boulangerie Durand »" in text(client.get(link))
    with caplog.at_level(logging.WARNING, logger="assett.mail"):
        response = client.post(link)
    assert response.status_code == 302
    mailed = [r.getMessage() for r in caplog.records if r.name == "assett.mail"]
    assert len(mailed) == 1  # to the organisation's only member
    assert "Demande pour rejoindre Boulangerie Durand" in mailed[0]
    assert f"/o/{world.org.id}/membres" in mailed[0]


def test_the_same_siret_on_another_territory_or_on_itself_is_accepted(world, login_as):
    world.foreign_org.siret = "73282932000074"
    world.org.siret = "73282932000074"
    db.session.commit()
    client = login_as(world.actor)
    data = {**VALID, "name": "Boulangerie Durand"}
    assert client.post(f"/o/{world.org.id}/profil", data=data).status_code == 302
    other = factories.make_org(world.other_territory, "Autre boulangerie")
    assert other.siret is None


def test_asking_to_join_an_organisation_without_siret_is_not_found(world, login_as):
    client = login_as(world.outsider)
    assert client.get(f"/o/{world.org.id}/demander-a-rejoindre").status_code == 404
