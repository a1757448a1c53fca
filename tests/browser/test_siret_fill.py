"""In a real Chromium: a SIRET fills the organisation form through the page's script."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from assett.extensions import db
from assett.models import Territory
from assett.services.sirene_import import import_establishments, open_extract

from .. import factories
from ..sirene_support import csv_line, make_siret, replay_server, stock_row, write_extract
from .conftest import LiveServer, log_in
from .test_actor_journey import serious_violations

pytestmark = pytest.mark.browser

SHOP = make_siret("81234567", "0002")
BAKERY = "81234567600017"  # answered by the replayed company search API


def test_the_script_fills_the_form_from_the_extract_then_from_the_api(
    live_server: LiveServer, page: Any, tmp_path: Path
) -> None:
    extract = write_extract(
        tmp_path / "extrait.csv",
        [
            csv_line(
                stock_row(
                    SHOP,
                    usual="FOURNIL DU VIEUX MARCHE",
                    headcount="02",
                    postcode="76100",
                    legal_name="BOULANGERIE DURAND",
                )
            )
        ],
    )
    with live_server.app.app_context():
        factories.make_user("siret@example.org")
        territory = db.session.scalar(select(Territory).where(Territory.slug == "demo"))
        assert territory is not None
        with open_extract(str(extract)) as stream:
            assert import_establishments(territory.id, stream).stored == 1
        db.session.remove()
    log_in(page, live_server.url, "siret@example.org", factories.PASSWORD)
    form_url = f"{live_server.url}/t/demo/organisations/nouvelle"
    page.goto(form_url)
    assert serious_violations(page) == []

    page.fill("#siret", SHOP)
    page.get_by_role("button", name="Remplir depuis le SIRET").click()

    status = page.locator("#siret-fill-status")
    status.filter(has_text="répertoire SIRENE").wait_for()
    assert page.input_value("#name") == "BOULANGERIE DURAND"
    assert page.input_value("#legal_type") == "entreprise"
    assert page.input_value("#naf_code") == "10.71C"
    assert page.input_value("#headcount_code") == "02"
    assert page.input_value("#postcode") == "76100"
    assert page.input_value("#commune") == "Rouen"
    assert page.url == form_url  # filled in place: nothing was posted

    with replay_server() as replay:
        replay.record(BAKERY, "recherche_entreprises_81234567600017")
        live_server.app.config.update(
            COMPANY_SEARCH_ENABLED=True, COMPANY_SEARCH_URL=replay.url, COMPANY_SEARCH_TIMEOUT=2
        )
        try:
            # Typing a whole SIRET and leaving the field is enough.
            page.fill("#siret", "812 345 676 00017")
            page.press("#siret", "Tab")
            status.filter(has_text="annuaire des entreprises").wait_for()
        finally:
            live_server.app.config["COMPANY_SEARCH_ENABLED"] = False
    assert page.input_value("#headcount_code") == "11"
    assert page.input_value("#siret") == BAKERY

    page.locator("#has_vehicles-1").check()
    page.get_by_role("button", name="Créer l'organisation").click()
    page.wait_for_load_state()
    assert "L'organisation « BOULANGERIE DURAND » est créée." in page.content()
    assert page.js_errors == []
