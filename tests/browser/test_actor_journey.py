"""In a real Chromium: an actor signs up, fills Énergie and reads the score it earned."""

from __future__ import annotations

import re
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from assett.domain import scoring
from assett.domain.profile import Profile
from assett.extensions import db
from assett.services.accounts import make_signup_token
from assett.services.questionnaires import definition_of, published_version, territory_questionnaire

from .conftest import LiveServer, screenshot

pytestmark = pytest.mark.browser

SERIOUS = {"serious", "critical"}


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the current page."""
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']}"
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS
    ]


def answer_current_page(page: Any) -> dict[str, Any]:
    """Answer every question on the page: the last choice of radios, the first checkbox."""
    given: dict[str, Any] = {}
    for fieldset in page.locator(".question fieldset").all():
        radios = fieldset.locator("input[type=radio]")
        boxes = fieldset.locator("input[type=checkbox]:not([name^='na_'])")
        if radios.count():
            choice = radios.nth(radios.count() - 1)
            choice.check()
            given[choice.get_attribute("name").removeprefix("q_")] = choice.get_attribute("value")
        elif boxes.count():
            choice = boxes.first
            choice.check()
            given[choice.get_attribute("name").removeprefix("q_")] = [choice.get_attribute("value")]
    return given


def expected_energy_score(live_server: LiveServer, given: dict[str, Any]) -> str:
    """The score the answers given should earn, computed from the published definition."""
    with live_server.app.app_context():
        from assett.models import Territory

        territory = db.session.query(Territory).filter_by(slug="demo").one()
        version = published_version(territory_questionnaire(territory.id, "energie"))
        definition = definition_of(version)
        db.session.remove()
    answers = {}
    for key, raw in given.items():
        question = definition.question(key)
        value = int(raw) if question.type == "scale" else raw
        answers[key] = scoring.Answer(value=value)
    profile = Profile(
        legal_type="association", naf_section="S", headcount_min=10, has_vehicles=False
    )
    result = scoring.score_theme(definition, answers, profile)
    return scoring.format_score(result.score)


def test_an_actor_signs_up_fills_energie_and_sees_the_expected_score(
    live_server: LiveServer, page: Any
) -> None:
    base = live_server.url
    page.goto(f"{base}/t/demo/inscription")
    page.fill("input[name=email]", "navigateur@example.org")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/inscription")
    # The link of the e-mail (written to the server log without SMTP), as its owner opens it.
    with live_server.app.app_context():
        token = make_signup_token("navigateur@example.org")
    page.goto(f"{base}/t/demo/inscription/{token}")
    page.fill("input[name=display_name]", "Camille Navigateur")
    page.fill("input[name=password]", "une-phrase-de-passe-solide")
    page.fill("input[name=confirm]", "une-phrase-de-passe-solide")
    page.locator("main form button[type=submit]").click()

    page.wait_for_url("**/organisations/nouvelle")
    page.fill("input[name=name]", "Association Vélo Test")
    page.select_option("select[name=legal_type]", "association")
    page.fill("input[name=naf_code]", "94.99Z")
    page.select_option("select[name=headcount_code]", "11")
    page.fill("input[name=postcode]", "76000")
    page.fill("input[name=commune]", "Rouen")
    page.check("input[name=has_vehicles][value=non]")
    page.locator("main form button[type=submit]").last.click()

    page.locator("section[aria-labelledby=theme-card-energie]").get_by_role("button").click()
    page.wait_for_url("**/categorie/1")
    assert serious_violations(page) == []
    screenshot(page, "questionnaire-energie-page-1")

    given: dict[str, Any] = {}
    category = 1
    while True:
        given.update(answer_current_page(page))
        next_button = page.get_by_role("button", name="Suivant →")
        if next_button.count():
            next_button.click()
            # Read the next page once loaded: while it is parsed, its last questions and
            # buttons are not there yet.
            category += 1
            page.wait_for_url(f"**/categorie/{category}")
            continue
        page.get_by_role("button", name="Vérifier et envoyer").click()
        break
    page.wait_for_url("**/envoyer")
    screenshot(page, "review-energie")
    page.get_by_role("button", name="Envoyer mon évaluation").click()
    page.wait_for_url(re.compile(r"/resultats"))

    expected = expected_energy_score(live_server, given)
    theme = page.locator(".theme-result", has_text="Énergie")
    assert f"{expected}/5" in theme.inner_text()
    assert f"{expected}/5" in page.locator(".average").inner_text()
    assert serious_violations(page) == []
    screenshot(page, "results-energie")
    assert page.js_errors == []
