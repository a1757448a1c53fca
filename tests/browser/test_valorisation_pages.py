"""In a real Chromium, on the demo data: the animator gives a trophy; the public pages show
the trophies and the published retour d'expérience, with no accessibility issue."""

from __future__ import annotations

from typing import Any

import pytest

from assett.clock import local_today
from assett.demo import DEMO_LOGINS, DEMO_PASSWORD

from .conftest import LiveServer, log_in, screenshot
from .test_actor_journey import serious_violations

pytestmark = pytest.mark.browser


def test_the_animator_defines_a_trophy_and_names_a_proposed_candidate(
    demo_server: LiveServer, page: Any
) -> None:
    log_in(page, demo_server.url, DEMO_LOGINS["animator"], DEMO_PASSWORD)

    page.goto(f"{demo_server.url}/t/demo/animation/trophees")
    assert "Trophée de la plus forte progression" in page.locator("main").inner_text()
    page.select_option("select[name=category]", "coup_de_coeur")
    page.fill("input[name=title]", "Trophée de l'engagement")
    page.fill("input[name=year]", str(local_today().year))
    page.get_by_role("button", name="Créer le trophée").click()
    page.wait_for_load_state()

    main = page.locator("main")
    assert "Trophée de l'engagement" in main.locator("h1").inner_text()
    candidates = main.locator("ol li")
    assert candidates.count() >= 1
    name = candidates.first.locator("strong").inner_text()
    assert serious_violations(page) == []
    candidates.first.get_by_role("button", name="Désigner lauréat").click()
    page.wait_for_load_state()

    assert "Le lauréat est enregistré." in page.locator("main").inner_text()
    assert name in page.locator("main ul").first.inner_text()
    screenshot(page, "valorisation-award")
    assert page.js_errors == []


def test_the_public_pages_show_trophies_and_the_published_case(
    demo_server: LiveServer, page: Any
) -> None:
    page.goto(f"{demo_server.url}/t/demo/trophees")
    assert "Coup de cœur du réseau" in page.locator("main").inner_text()
    assert serious_violations(page) == []

    page.goto(f"{demo_server.url}/t/demo/retours")
    assert serious_violations(page) == []
    page.get_by_role("link", name="Relamping LED").first.click()
    page.wait_for_load_state()
    text = page.locator("main").inner_text()
    assert "-38 %" in text
    assert "Connectez-vous" in text
    assert serious_violations(page) == []
    screenshot(page, "valorisation-case")

    page.goto(f"{demo_server.url}/t/demo/annuaire")
    assert "Trophée" in page.locator("main").inner_text()
    assert serious_violations(page) == []
    assert page.js_errors == []
