"""In a real Chromium: the animator creates a workshop; an actor registers, downloads the .ics."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from sqlalchemy import select

from assett.extensions import db
from assett.models import Territory

from .. import factories
from .conftest import LiveServer, log_in, screenshot

pytestmark = pytest.mark.browser

ANIMATOR = "animation.navigateur@example.org"
ACTOR = "atelier.navigateur@example.org"
TITLE = "Atelier navigateur : chaleur partagée"


def _people(live_server: LiveServer) -> None:
    with live_server.app.app_context():
        territory = db.session.scalar(select(Territory).where(Territory.slug == "demo"))
        assert territory is not None
        animator = factories.make_user(ANIMATOR)
        factories.give_role(animator, territory, "animator")
        actor = factories.make_user(ACTOR)
        factories.make_org(territory, "Serrurerie Navigateur", members=(actor,))
        db.session.remove()


def test_the_animator_creates_a_workshop_and_an_actor_registers_and_gets_the_ics(
    live_server: LiveServer, browser: Any, page: Any, tmp_path: Path
) -> None:
    base = live_server.url
    _people(live_server)

    log_in(page, base, ANIMATOR, factories.PASSWORD)
    page.goto(f"{base}/t/demo/animation/evenements")
    page.get_by_role("link", name="Créer un événement").click()
    page.wait_for_url("**/animation/evenements/nouveau")
    page.select_option("select[name=kind]", "atelier")
    page.fill("input[name=title]", TITLE)
    page.fill("textarea[name=description]", "Repérer les gisements de chaleur.")
    page.fill("input[name=start_day]", "2030-03-31")  # clocks go forward that night
    page.fill("input[name=start_time]", "14:00")
    page.fill("input[name=end_time]", "16:30")
    page.fill("input[name=place]", "Maison des entreprises, Rouen")
    page.fill("input[name=capacity]", "10")
    page.check("input[name=is_public]")
    page.get_by_role("button", name="Créer l'événement").click()
    page.wait_for_load_state()
    assert TITLE in page.locator("h1").inner_text()
    screenshot(page, "events-animator")
    assert page.js_errors == []

    context = browser.new_context(locale="fr-FR", accept_downloads=True)
    actor = context.new_page()
    log_in(actor, base, ACTOR, factories.PASSWORD)
    actor.goto(f"{base}/t/demo/evenements")
    actor.get_by_role("link", name=TITLE).click()
    actor.get_by_role("button", name="M'inscrire").click()
    actor.wait_for_load_state()
    assert "Vous êtes inscrit." in actor.locator("main").inner_text()
    with actor.expect_download() as download:
        actor.get_by_role("link", name="Ajouter à mon agenda (.ics)").click()
    saved = tmp_path / "atelier.ics"
    download.value.save_as(saved)
    calendar = Calendar.from_ical(saved.read_bytes())
    [item] = calendar.walk("VEVENT")
    assert str(item["summary"]) == TITLE
    # 14:00 in Paris on 31 March 2030 is summer time: 12:00 UTC.
    assert item.decoded("dtstart") == datetime(2030, 3, 31, 12, 0, tzinfo=UTC)
    screenshot(actor, "events-actor")
    context.close()

    page.goto(f"{base}/t/demo/")
    assert TITLE in page.locator("main").inner_text()
