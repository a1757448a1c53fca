"""« Remplir depuis le SIRET »: the forms filled server-side, and the JSON endpoint."""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from assett import create_app
from assett.extensions import db, limiter
from assett.models import Organisation
from tests.conftest import test_config as make_config

from . import factories
from .factories import World
from .sirene_support import Replay, csv_line, make_siret, replay_server, stock_row, write_extract

BAKERY = "81234567600017"
SHOP = make_siret("81234567", "0002")
CREATE = "/t/demo/organisations/nouvelle"
LOOKUP = "/t/demo/siret"


def text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def imported(app: Flask, world: World, tmp_path: Path) -> None:
    """The demo territory's SIRENE extract holds the bakery's shop."""
    extract = write_extract(
        tmp_path / "extrait.csv",
        [
            csv_line(
                stock_row(
                    SHOP,
                    usual="FOURNIL DU VIEUX MARCHE",
                    headcount="02",
                    postcode="76000",
                    legal_name="BOULANGERIE DURAND",
                )
            )
        ],
    )
    result = app.test_cli_runner().invoke(
        args=["sirene", "import", str(extract), "--territory", "demo"]
    )
    assert result.exit_code == 0, result.output


@pytest.fixture
def replay(app: Flask) -> Iterator[Replay]:
    with replay_server() as server:
        server.record(BAKERY, "recherche_entreprises_81234567600017")
        app.config.update(
            COMPANY_SEARCH_ENABLED=True, COMPANY_SEARCH_URL=server.url, COMPANY_SEARCH_TIMEOUT=0.5
        )
        yield server


def blank_profile(**fields: str) -> dict[str, str]:
    data = {
        "name": "",
        "legal_type": "",
        "siret": "",
        "naf_code": "",
        "headcount_code": "",
        "postcode": "",
        "commune": "",
        "has_vehicles": "oui",
    }
    data.update(fields)
    return data


def test_the_creation_form_is_filled_from_the_replayed_api_without_script(
    login_as: Any, world: World, replay: Replay
) -> None:
    client = login_as(world.outsider)

    response = client.post(
        CREATE, data=blank_profile(siret="812 345 676 00017", fill_from_siret="1")
    )

    page = text(response)
    assert response.status_code == 200
    assert 'value="BOULANGERIE DURAND"' in page
    assert '<option selected value="entreprise">' in page
    assert 'value="10.71C"' in page
    assert '<option selected value="11">' in page
    assert 'value="76000"' in page
    assert '<option value="76540" selected>Rouen</option>' in page
    assert 'value="81234567600017"' in page
    assert "Profil rempli depuis l'annuaire des entreprises" in page
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 3  # none created


def test_the_filled_form_then_creates_the_organisation(
    login_as: Any, world: World, imported: None
) -> None:
    client = login_as(world.outsider)
    client.post(CREATE, data=blank_profile(siret=SHOP, fill_from_siret="1"))

    response = client.post(
        CREATE,
        data=blank_profile(
            name="BOULANGERIE DURAND",
            legal_type="entreprise",
            siret=SHOP,
            naf_code="10.71C",
            headcount_code="02",
            postcode="76000",
            commune="76540",
        ),
    )

    assert response.status_code == 302
    created = db.session.scalar(select(Organisation).where(Organisation.siret == SHOP))
    assert created is not None
    assert (created.commune, created.headcount_code, created.naf_section) == ("Rouen", "02", "C")


def test_the_profile_edit_form_is_filled_from_the_imported_extract(
    login_as: Any, world: World, imported: None
) -> None:
    client = login_as(world.actor)
    data = blank_profile(
        name="Boulangerie Durand",
        legal_type="association",
        siret=SHOP,
        postcode="76000",
        commune="Rouen",
        fill_from_siret="1",
    )

    response = client.post(f"/o/{world.org.id}/profil", data=data)

    page = text(response)
    assert response.status_code == 200
    assert 'value="BOULANGERIE DURAND"' in page
    assert '<option selected value="entreprise">' in page
    assert '<option selected value="02">' in page
    assert "répertoire SIRENE" in page
    db.session.refresh(world.org)
    assert world.org.name == "Boulangerie Durand"  # filling never saves


def test_a_malformed_siret_is_named_next_to_the_field(login_as: Any, world: World) -> None:
    client = login_as(world.outsider)

    response = client.post(
        CREATE, data=blank_profile(name="Mon entreprise", siret="123", fill_from_siret="1")
    )

    page = text(response)
    assert response.status_code == 400
    assert (
        '<p class="error-message" id="siret-error">Le SIRET doit comporter 14 chiffres.</p>' in page
    )
    assert 'value="Mon entreprise"' in page


def test_a_slow_api_leaves_what_was_typed_and_says_so(
    login_as: Any, world: World, replay: Replay
) -> None:
    unknown = make_siret("55544433", "0012")
    replay.slow.add(unknown)
    client = login_as(world.outsider)

    response = client.post(
        CREATE, data=blank_profile(name="Ma SCOP", siret=unknown, fill_from_siret="1")
    )

    page = text(response)
    assert response.status_code == 200
    assert 'value="Ma SCOP"' in page
    assert "L'annuaire des entreprises ne répond pas pour le moment" in page


def test_the_json_endpoint_gives_the_values_to_a_logged_in_user(
    login_as: Any, world: World, imported: None
) -> None:
    client = login_as(world.actor)

    response = client.get(LOOKUP, query_string={"siret": SHOP})

    assert response.status_code == 200
    answer = response.get_json()
    assert answer["found"] is True
    assert answer["source"] == "sirene"
    assert answer["fields"]["name"] == "BOULANGERIE DURAND"
    assert answer["fields"]["commune_code"] == "76540"


def test_the_json_endpoint_refuses_a_malformed_siret_with_a_message(
    login_as: Any, world: World
) -> None:
    response = login_as(world.actor).get(LOOKUP, query_string={"siret": "81234567600018"})

    assert response.status_code == 400
    assert response.get_json() == {
        "found": False,
        "field": "siret",
        "message": "Le SIRET n'est pas valide (clé de contrôle).",
    }


def test_the_json_endpoint_is_for_logged_in_users_only(client: Any, world: World) -> None:
    response = client.get(LOOKUP, query_string={"siret": BAKERY})
    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]


def test_the_json_endpoint_of_an_unknown_territory_is_a_404(login_as: Any, world: World) -> None:
    response = login_as(world.actor).get("/t/nulle-part/siret", query_string={"siret": BAKERY})
    assert response.status_code == 404


def test_the_json_endpoint_is_rate_limited_per_user(
    app: Flask,
    world: World,
    _database: Path,  # noqa: PT019  (its value: the path)
) -> None:
    limiter._key_prefix = ""
    fresh = create_app(
        make_config(_database, RATELIMIT_ENABLED=True, SIRET_LOOKUP_RATE_LIMIT="3 per minute")
    )
    try:
        actor = fresh.test_client()
        factories.log_in(actor, world.actor)
        statuses = [actor.get(LOOKUP, query_string={"siret": BAKERY}) for _ in range(4)]
        other = fresh.test_client()
        factories.log_in(other, world.other_actor)

        assert [response.status_code for response in statuses] == [200, 200, 200, 429]
        assert "Trop de recherches de SIRET" in statuses[-1].get_json()["error"]
        assert other.get(LOOKUP, query_string={"siret": BAKERY}).status_code == 200
    finally:
        with fresh.app_context():
            db.engine.dispose()


def test_the_forms_fills_share_the_budget_and_saving_is_never_counted(
    app: Flask,
    world: World,
    _database: Path,  # noqa: PT019  (its value: the path)
) -> None:
    limiter._key_prefix = ""
    fresh = create_app(
        make_config(_database, RATELIMIT_ENABLED=True, SIRET_LOOKUP_RATE_LIMIT="3 per minute")
    )
    profile = f"/o/{world.org.id}/profil"
    fill = blank_profile(name="Boulangerie Durand", siret=BAKERY, fill_from_siret="1")
    save = blank_profile(
        name="Boulangerie Durand",
        legal_type="entreprise",
        siret=BAKERY,
        postcode="76000",
        commune="Rouen",
    )
    try:
        actor = fresh.test_client()
        factories.log_in(actor, world.actor)
        statuses = [actor.get(LOOKUP, query_string={"siret": BAKERY}).status_code]
        statuses += [actor.post(profile, data=save).status_code for _ in range(4)]
        statuses += [actor.post(profile, data=fill).status_code for _ in range(3)]

        assert statuses == [200, 302, 302, 302, 302, 200, 200, 429]
        refused = actor.post(CREATE, data=fill)
        assert refused.status_code == 429
        assert "Trop de recherches de SIRET" in text(refused)
    finally:
        with fresh.app_context():
            db.engine.dispose()


def test_the_forms_load_the_fill_script_and_name_the_endpoint(login_as: Any, world: World) -> None:
    page = text(login_as(world.actor).get(f"/o/{world.org.id}/profil"))

    assert '<script src="/static/js/siret-fill.js" defer></script>' in page
    assert 'data-siret-lookup="/t/demo/siret"' in page
    assert 'name="fill_from_siret"' in page


@pytest.mark.parametrize(
    "typed",
    [
        "<script>alert(1)</script>",
        "\x00" * 14,
        "9" * 5000,
        "８１２３４５６７６０００１７",
        "' OR 1=1 --",
    ],
)
def test_hostile_input_to_the_json_endpoint_gets_a_400_naming_the_field(
    login_as: Any, world: World, typed: str
) -> None:
    response = login_as(world.actor).get(LOOKUP, query_string={"siret": typed})

    assert response.status_code == 400
    assert response.get_json()["field"] == "siret"
    assert response.get_json()["message"] == "Le SIRET doit comporter 14 chiffres."
