"""In a real Chromium: « ← Précédent » sits before « Suivant → », and an answer ticked on a
page the actor leaves without pressing a button is saved by the page's beacon."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from assett.demo import DEMO_LOGINS, DEMO_PASSWORD
from assett.extensions import db
from assett.models import Answer

from .conftest import LiveServer, log_in, screenshot

pytestmark = pytest.mark.browser


def start_first_theme(page: Any, base: str) -> int:
    """Start (or resume) the first theme offered on the organisation's page; its draft's id."""
    page.goto(f"{base}/o/1/")
    page.locator("form[action*='/commencer'] button").first.click()
    page.wait_for_url("**/categorie/*")
    return int(page.url.split("/evaluations/")[1].split("/")[0])


def stored_answers(server: LiveServer, assessment_id: int) -> dict[str, object]:
    with server.app.app_context():
        rows = db.session.scalars(select(Answer).where(Answer.assessment_id == assessment_id))
        found = {row.question_key: row.value for row in rows}
        db.session.remove()
    return found


def test_previous_is_shown_before_next(demo_server: LiveServer, page: Any) -> None:
    log_in(page, demo_server.url, DEMO_LOGINS["actor"], DEMO_PASSWORD)
    assessment_id = start_first_theme(page, demo_server.url)
    page.goto(f"{demo_server.url}/o/1/evaluations/{assessment_id}/categorie/2")

    previous = page.get_by_role("button", name="← Précédent").bounding_box()
    following = page.get_by_role("button", name="Suivant →").bounding_box()

    screenshot(page, "questionnaire-buttons")
    assert previous["x"] < following["x"]
    page.get_by_role("button", name="Suivant →").click()
    page.wait_for_url("**/categorie/3")


def test_leaving_a_page_mid_way_saves_what_was_ticked(demo_server: LiveServer, page: Any) -> None:
    log_in(page, demo_server.url, DEMO_LOGINS["actor"], DEMO_PASSWORD)
    assessment_id = start_first_theme(page, demo_server.url)
    radio = page.locator(".question input[type=radio]:not([disabled])").first
    key = radio.get_attribute("name").removeprefix("q_")
    value = radio.get_attribute("value")
    before = stored_answers(demo_server, assessment_id).get(key)
    if before == value:  # pre-filled with that choice: tick another one
        radio = page.locator(f".question input[name=q_{key}]").nth(1)
        value = radio.get_attribute("value")
    radio.check()

    page.goto(f"{demo_server.url}/mon-espace")  # the tab moves on: pagehide sends the beacon

    # The beacon travels beside the navigation: read the database after each page loaded.
    for _attempt in range(20):
        if str(stored_answers(demo_server, assessment_id).get(key)) == value:
            break
        page.goto(f"{demo_server.url}/compte")
    assert str(stored_answers(demo_server, assessment_id).get(key)) == value
    assert page.js_errors == []
