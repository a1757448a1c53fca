"""Creating an organisation, its profile, its home page, and who may see them."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from assett.extensions import db
from assett.models import Membership, Organisation

from . import factories

VALID = {
    "name": "Boulangerie Lemoine",
    "legal_type": "entreprise",
    "siret": "732 829 320 00074",
    "naf_code": "1071C",
    "headcount_code": "02",
    "postcode": "76100",
    "commune": "Rouen",
    "has_vehicles": "oui",
}


def page_text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.get_data(as_text=True))


def field_error(response, field: str) -> str | None:  # type: ignore[no-untyped-def]
    """The error message shown next to a field, if any."""
    match = re.search(
        rf'<p class="error-message" id="{field}-error">(.*?)</p>', page_text(response)
    )
    return match.group(1) if match else None


def created(name: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.name == name))


def test_creating_an_organisation_stores_the_normalised_siret_and_the_naf_section(world, login_as):
    client = login_as(world.outsider)
    response = client.post("/t/demo/organisations/nouvelle", data=VALID)
    organisation = created("Boulangerie Lemoine")
    assert organisation is not None
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/o/{organisation.id}/")
    assert organisation.siret == "73282932000074"
    assert isinstance(organisation.siret, str)
    assert organisation.naf_code == "10.71C"
    assert organisation.naf_section == "C"
    assert organisation.naf_version == "NAF rév. 2"
    assert organisation.headcount_code == "02"
    assert organisation.postcode == "76100"
    assert organisation.has_vehicles is True
    assert organisation.sharing == "private"


def test_the_creator_becomes_the_first_member_and_the_org_belongs_to_that_territory(
    world, login_as
):
    client = login_as(world.outsider)
    client.post("/t/autre/organisations/nouvelle", data=VALID)
    organisation = created("Boulangerie Lemoine")
    assert organisation is not None
    assert organisation.territory_id == world.other_territory.id
    members = db.session.scalars(
        select(Membership.user_id).where(Membership.organisation_id == organisation.id)
    ).all()
    assert members == [world.outsider.id]


def test_a_company_active_in_two_territories_has_two_organisations(world, login_as):
    client = login_as(world.actor)
    client.post("/t/demo/organisations/nouvelle", data=VALID)
    client.post("/t/autre/organisations/nouvelle", data=VALID)
    rows = db.session.scalars(
        select(Organisation.territory_id).where(Organisation.name == "Boulangerie Lemoine")
    ).all()
    assert sorted(rows) == sorted([world.territory.id, world.other_territory.id])


def test_an_association_without_siret_is_accepted(world, login_as):
    client = login_as(world.outsider)
    data = {**VALID, "legal_type": "association", "siret": "", "naf_code": ""}
    response = client.post("/t/demo/organisations/nouvelle", data=data)
    assert response.status_code == 302
    organisation = created("Boulangerie Lemoine")
    assert organisation is not None
    assert organisation.siret is None
    assert organisation.naf_code is None
    assert organisation.naf_section is None


def test_a_la_poste_siret_outside_luhn_is_accepted(world, login_as):
    client = login_as(world.outsider)
    data = {**VALID, "siret": "356 000 000 49837"}
    assert client.post("/t/demo/organisations/nouvelle", data=data).status_code == 302
    assert created("Boulangerie Lemoine").siret == "35600000049837"


BAD_INPUTS = [
    pytest.param(
        {"siret": "7328293200007"},
        "siret",
        "Le SIRET doit comporter 14 chiffres.",
        id="siret-too-short",
    ),
    pytest.param(
        {"siret": "73282932000075"},
        "siret",
        "Le SIRET n'est pas valide (clé de contrôle).",
        id="siret-bad-luhn",
    ),
    pytest.param(
        {"siret": ""},
        "siret",
        "Le SIRET est obligatoire pour une entreprise.",
        id="company-without-siret",
    ),
    pytest.param(
        {"naf_code": "1071"},
        "naf_code",
        "Le code NAF « 1071 » n'est pas au format NAF rév. 2 (par exemple 10.71C).",
        id="naf-malformed",
    ),
    pytest.param(
        {"naf_code": "04.11Z"},
        "naf_code",
        "Le code NAF « 04.11Z » n'existe pas : la division 04 n'appartient à aucune "
        "section de la NAF rév. 2.",
        id="naf-unknown-division",
    ),
    pytest.param(
        {"postcode": "7610"},
        "postcode",
        "Le code postal doit comporter 5 chiffres.",
        id="postcode-too-short",
    ),
    pytest.param(
        {"postcode": "00100"},
        "postcode",
        "Le code postal « 00100 » n'existe pas.",
        id="postcode-unknown",
    ),
    pytest.param({"name": "  "}, "name", "Indiquez le nom de l'organisation.", id="no-name"),
    pytest.param(
        {"name": "x" * 201},
        "name",
        "Le nom ne doit pas dépasser 200 caractères.",
        id="name-too-long",
    ),
    pytest.param(
        {"legal_type": "sarl"},
        "legal_type",
        "Choisissez le type de structure.",
        id="unknown-legal-type",
    ),
    pytest.param(
        {"headcount_code": "99"},
        "headcount_code",
        "Choisissez une tranche d'effectif de la liste.",
        id="unknown-headcount",
    ),
    pytest.param(
        {"postcode": "76160", "commune": ""},
        "commune",
        "Choisissez la commune parmi celles du code postal.",
        id="no-commune",
    ),
    pytest.param(
        {"has_vehicles": ""},
        "has_vehicles",
        "Indiquez si votre organisation utilise des véhicules.",
        id="vehicles-unsaid",
    ),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_INPUTS)
def test_a_bad_profile_is_refused_with_the_message_next_to_its_field(
    world, login_as, change, field, message
):
    client = login_as(world.outsider)
    response = client.post("/t/demo/organisations/nouvelle", data={**VALID, **change})
    assert response.status_code == 400
    assert field_error(response, field) == message
    assert created(VALID["name"]) is None
    assert created(change.get("name", "")) is None


def test_every_bad_field_is_reported_at_once(world, login_as):
    client = login_as(world.outsider)
    data = {**VALID, "name": "", "siret": "123", "postcode": "abc"}
    response = client.post("/t/demo/organisations/nouvelle", data=data)
    assert response.status_code == 400
    assert field_error(response, "name")
    assert field_error(response, "siret")
    assert field_error(response, "postcode")
    assert 'aria-describedby="siret-error"' in response.get_data(as_text=True)


def test_the_creation_form_explains_siret_and_naf(world, login_as):
    client = login_as(world.outsider)
    text = page_text(client.get("/t/demo/organisations/nouvelle"))
    assert "Obligatoire pour une entreprise, facultatif pour une association" in text
    assert "NAF 2025" in text
    assert "1er janvier 2027" in text
    assert "Votre organisation utilise-t-elle des véhicules" in text


def test_creating_an_organisation_requires_login(client, world):
    response = client.get("/t/demo/organisations/nouvelle")
    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]


def test_creating_on_an_unknown_territory_is_not_found(world, login_as):
    client = login_as(world.outsider)
    assert client.get("/t/nulle-part/organisations/nouvelle").status_code == 404


def test_a_member_edits_the_profile(world, login_as):
    client = login_as(world.actor)
    data = {
        **VALID,
        "name": "Boulangerie Durand et fils",
        "naf_code": "47.24Z",
        "has_vehicles": "non",
    }
    response = client.post(f"/o/{world.org.id}/profil", data=data)
    assert response.status_code == 302
    db.session.refresh(world.org)
    assert world.org.name == "Boulangerie Durand et fils"
    assert world.org.naf_section == "G"
    assert world.org.has_vehicles is False
    page = page_text(client.get(f"/o/{world.org.id}/profil"))
    assert "G — Commerce ; réparation d'automobiles et de motocycles" in page


def test_a_bad_profile_edit_changes_nothing(world, login_as):
    client = login_as(world.actor)
    response = client.post(f"/o/{world.org.id}/profil", data={**VALID, "siret": "1"})
    assert response.status_code == 400
    db.session.refresh(world.org)
    assert world.org.name == "Boulangerie Durand"


def test_the_profile_form_shows_the_current_values(world, login_as):
    client = login_as(world.actor)
    text = page_text(client.get(f"/o/{world.org.id}/profil"))
    assert 'value="Boulangerie Durand"' in text
    assert 'value="10.71C"' in text
    assert re.search(r'<input[^>]*\bchecked\b[^>]*value="oui"', text)
    assert re.search(r'<option selected value="entreprise">', text)


def test_the_dashboard_shows_the_themes_with_their_status(world, login_as):
    version = factories.make_published_version(world.territory)
    factories.make_assessment_row(world.org, version, world.actor, score=2.5)
    client = login_as(world.actor)
    text = page_text(client.get(f"/o/{world.org.id}/"))
    assert "<h1>Boulangerie Durand</h1>" in text
    assert "Territoire de démonstration" in text
    assert "Énergie" in text
    assert "2,5/5" in text
    for path in (
        "resultats",
        "progression",
        "profil",
        "membres",
        "partage",
        "export.json",
        "export.zip",
    ):
        assert f'href="/o/{world.org.id}/{path}"' in text


ORG_PAGES = [
    "/o/{id}/",
    "/o/{id}/profil",
    "/o/{id}/membres",
    "/o/{id}/partage",
    "/o/{id}/quitter",
    "/o/{id}/export.json",
    "/o/{id}/export.zip",
]


@pytest.mark.parametrize("path", ORG_PAGES)
@pytest.mark.parametrize(
    "persona", ["other_actor", "admin", "animator", "outsider", "platform_admin"]
)
def test_anyone_but_a_member_gets_404_on_my_organisation_pages(world, login_as, path, persona):
    client = login_as(getattr(world, persona))
    assert client.get(path.format(id=world.org.id)).status_code == 404


@pytest.mark.parametrize(
    "path", ["/o/{id}/profil", "/o/{id}/membres", "/o/{id}/partage", "/o/{id}/quitter"]
)
def test_another_actor_cannot_post_to_my_organisation_pages(world, login_as, path):
    client = login_as(world.other_actor)
    response = client.post(
        path.format(id=world.org.id), data={**VALID, "level": "public", "fate": "delete"}
    )
    assert response.status_code == 404
    db.session.refresh(world.org)
    assert world.org.name == "Boulangerie Durand"
    assert world.org.sharing == "private"


@pytest.mark.parametrize("path", ORG_PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(client, world, path):
    response = client.get(path.format(id=world.org.id))
    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]


def test_an_unknown_organisation_is_not_found(world, login_as):
    client = login_as(world.actor)
    assert client.get("/o/999999/").status_code == 404


def test_the_creation_form_works_with_csrf_protection_on(app, world, login_as):
    app.config["WTF_CSRF_ENABLED"] = True
    client = login_as(world.outsider)
    assert client.post("/t/demo/organisations/nouvelle", data=VALID).status_code == 400
    assert created(VALID["name"]) is None
    page = client.get("/t/demo/organisations/nouvelle").get_data(as_text=True)
    token = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token
    response = client.post(
        "/t/demo/organisations/nouvelle", data={**VALID, "csrf_token": token.group(1)}
    )
    assert response.status_code == 302
    assert created(VALID["name"]) is not None


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"siret": "123"}, "siret", "The SIRET must have 14 digits."),
        ({"siret": "73282932000010"}, "siret", "The SIRET is not valid (check digit)."),
        ({"postcode": "00100"}, "postcode", 'The postcode "00100" does not exist.'),
        ({"naf_code": "1071"}, "naf_code", 'The NAF code "1071" is not in the NAF rev. 2 format'),
    ],
)
def test_on_an_english_page_a_bad_siret_postcode_or_naf_is_refused_in_english(
    world, login_as, change, field, message
):
    client = login_as(world.outsider)
    client.set_cookie("langue", "en")

    response = client.post("/t/demo/organisations/nouvelle", data={**VALID, **change})

    assert response.status_code == 400
    assert (field_error(response, field) or "").startswith(message)
    assert created(VALID["name"]) is None
