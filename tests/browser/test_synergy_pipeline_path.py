"""In Chromium, on the demo: the animator turns a suggestion into a synergy, takes it to « active »
with measured benefits, and finds it in the totals and on the map."""

from __future__ import annotations

from typing import Any

import pytest

from assett.demo import DEMO_LOGINS, DEMO_PASSWORD

from .conftest import LiveServer, log_in, screenshot
from .test_actor_journey import serious_violations

pytestmark = pytest.mark.browser


def _stage(page: Any, stage: str) -> None:
    page.select_option("select[name=stage]", stage)
    page.get_by_role("button", name="Changer d'étape").click()
    page.wait_for_load_state()


def test_the_animator_follows_a_suggestion_to_an_active_synergy_with_its_benefits(
    demo_server: LiveServer, page: Any
) -> None:
    log_in(page, demo_server.url, DEMO_LOGINS["animator"], DEMO_PASSWORD)
    page.goto(f"{demo_server.url}/t/demo/animation/synergies")
    follow = page.get_by_role("button", name="Suivre cette synergie")

    follow.first.click()  # the demo already follows the best pair
    page.wait_for_load_state()
    assert "Cette suggestion est déjà suivie" in page.locator("main").inner_text()

    page.get_by_role("button", name="Suivre cette synergie").nth(1).click()
    page.wait_for_load_state()
    main = page.locator("main")
    assert "La synergie est créée" in main.inner_text()
    title = page.locator("h1").inner_text()
    detail = page.url

    _stage(page, "etude")
    estimated = page.locator("form[action*='estimated']")
    estimated.locator("input[name$=tonnes]").fill("12,5")
    estimated.locator("input[name$=euros]").fill("3000")
    estimated.get_by_role("button", name="Enregistrer les bénéfices").click()
    page.wait_for_load_state()

    _stage(page, "active")
    measured = page.locator("form[action*='measured']")
    measured.locator("input[name$=tonnes]").fill("-4")  # refused, naming the field
    measured.get_by_role("button", name="Enregistrer les bénéfices").click()
    page.wait_for_load_state()
    assert "Déchets détournés" in page.locator(".notice-error, .error-message").first.inner_text()
    page.js_errors.clear()  # the browser logs the refusal's 400 as a console error
    measured = page.locator("form[action*='measured']")
    measured.locator("input[name$=tonnes]").fill("10")
    measured.locator("input[name$=euros]").fill("2500")
    measured.get_by_role("button", name="Enregistrer les bénéfices").click()
    page.wait_for_load_state()
    assert page.url.split("#")[0] == detail.split("#")[0]
    assert serious_violations(page) == []
    screenshot(page, "synergy-active")

    page.goto(f"{demo_server.url}/t/demo/animation/synergies/bilan")
    assert page.locator("main").inner_text().count("Active") >= 1
    assert serious_violations(page) == []

    page.goto(f"{demo_server.url}/t/demo/animation/synergies/carte")
    followed = page.locator("table[aria-labelledby=suivies-titre]").inner_text()
    assert title.split(" : ")[0][:20] in followed or title[:20] in followed
    assert page.js_errors == []
