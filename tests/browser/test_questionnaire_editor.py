"""In a real Chromium: an admin adds a question and publishes; an actor then gets it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from assett.extensions import db
from assett.models import Territory

from .. import factories
from .conftest import LiveServer, screenshot
from .test_actor_journey import serious_violations

pytestmark = pytest.mark.browser

QUESTION = "Avez-vous désigné un référent sobriété énergétique ?"


def log_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/connexion")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_an_admin_adds_a_question_and_publishes_then_an_actor_gets_it(
    live_server: LiveServer, browser: Any
) -> None:
    with live_server.app.app_context():
        territory = db.session.scalar(select(Territory).where(Territory.slug == "demo"))
        admin = factories.make_user("admin.editeur@example.org")
        factories.give_role(admin, territory, "admin")
        actor = factories.make_user("acteur.editeur@example.org")
        org = factories.make_org(territory, "Imprimerie Test", members=(actor,))
        org_id = org.id
        db.session.remove()
    base = live_server.url
    admin_context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = admin_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, base, "admin.editeur@example.org")

    editor_url = f"{base}/t/demo/admin/questionnaires/energie/"
    for url in (f"{base}/t/demo/admin/", f"{base}/t/demo/admin/questionnaires/", editor_url):
        page.goto(url)
        assert serious_violations(page) == [], url
    page.locator(".editor-category").first.get_by_role("link", name="Ajouter une question").click()
    assert serious_violations(page) == []
    page.fill("textarea[name=text]", QUESTION)
    page.check("input[name=type][value=yes_no]")
    screenshot(page, "editor-question-form")
    assert page.locator("input[name=yes_points]").is_visible()
    assert not page.locator("input[name=max_points]").is_visible()
    page.get_by_role("button", name="Enregistrer dans le brouillon").click()
    page.wait_for_url(f"{editor_url}*")
    assert QUESTION in page.locator("main").inner_text()
    screenshot(page, "editor-energie-draft")

    for section in ("apercu", "versions", "importer", "niveaux"):
        page.goto(f"{editor_url}{section}")
        assert serious_violations(page) == [], section
        screenshot(page, f"editor-energie-{section}")
    page.goto(f"{editor_url}publier")
    assert QUESTION in page.locator("main").inner_text()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Publier la version 2").click()
    page.wait_for_url("**/versions")
    assert "Publiée" in page.locator("main table").inner_text()
    assert errors == []
    admin_context.close()

    actor_context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = actor_context.new_page()
    log_in(page, base, "acteur.editeur@example.org")
    page.goto(f"{base}/o/{org_id}/")
    page.locator("section[aria-labelledby=theme-card-energie]").get_by_role("button").click()
    page.wait_for_url("**/categorie/1")
    assert QUESTION in page.locator("main").inner_text()
    actor_context.close()
