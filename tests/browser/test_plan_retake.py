"""In a real Chromium: results → three actions in the plan → one réalisée → the theme retaken
with the answer that action moved pre-selected, and said so."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from assett.domain.scoring import applicable_questions
from assett.extensions import db
from assett.models import Territory
from assett.services import assessments
from assett.services.questionnaires import definition_of, published_version, territory_questionnaire

from .. import factories
from ..test_plans import lowest
from .conftest import LiveServer, log_in, screenshot

pytestmark = pytest.mark.browser

EMAIL = "plan.navigateur@example.org"
RELEVE = "Relever chaque mois les compteurs et suivre les factures"


def _assessed_actor(live_server: LiveServer) -> int:
    """An actor whose organisation answered « Énergie » as a beginner; its id."""
    with live_server.app.app_context():
        territory = db.session.scalar(select(Territory).where(Territory.slug == "demo"))
        assert territory is not None
        actor = factories.make_user(EMAIL)
        org = factories.make_org(territory, "Fromagerie Navigateur", members=(actor,))
        questionnaire = territory_questionnaire(territory.id, "energie")
        assert questionnaire is not None
        definition = definition_of(published_version(questionnaire))
        profile = assessments.profile_of(org)
        answers = {q.key: lowest(q) for _c, q in applicable_questions(definition, profile)}
        factories.make_assessment(org, "energie", answers, user=actor)
        org_id = org.id
        db.session.remove()
    return org_id


def test_a_completed_action_preselects_its_answer_when_the_theme_is_retaken(
    live_server: LiveServer, page: Any
) -> None:
    base = live_server.url
    org_id = _assessed_actor(live_server)
    log_in(page, base, EMAIL, factories.PASSWORD)

    page.goto(f"{base}/o/{org_id}/resultats")
    page.locator("main").get_by_role("link", name="Plan d'action").first.click()
    page.wait_for_url(f"**/o/{org_id}/plan")
    for _ in range(3):
        page.get_by_role("button", name="Ajouter à mon plan").first.click()
        page.wait_for_url(re.compile(rf"/o/{org_id}/plan/\d+$"))
        page.goto(f"{base}/o/{org_id}/plan")
    assert page.locator("table tbody tr").count() == 3
    page.get_by_role("link", name=RELEVE).click()
    page.wait_for_url(re.compile(rf"/o/{org_id}/plan/\d+$"))
    page.select_option("select[name=action-status]", "realisee")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    screenshot(page, "plan-action-realisee")

    page.goto(f"{base}/o/{org_id}/")
    page.locator("section[aria-labelledby=theme-card-energie]").get_by_role("button").click()
    page.wait_for_url("**/categorie/1")

    question = page.locator("#question-suivi_consommations")
    note = question.locator(".prefilled-by-action")
    assert f"d'après votre action “{RELEVE}” réalisée le" in note.inner_text()
    assert question.locator("input[value=mensuel]").is_checked()
    assert "pré-rempli avec vos réponses du" in page.locator("main").inner_text()
    screenshot(page, "retake-prefilled-by-action")
    assert page.js_errors == []
