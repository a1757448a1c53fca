"""In a real Chromium, on the demo data: the catalogue admin pages pass axe and work without JS."""

from __future__ import annotations

from typing import Any

import pytest

from assett.demo import DEMO_LOGINS, DEMO_PASSWORD

from .conftest import LiveServer, log_in, screenshot
from .test_actor_journey import serious_violations

pytestmark = pytest.mark.browser


def test_the_demo_admin_reorders_and_edits_the_catalogue_with_no_accessibility_issue(
    demo_server: LiveServer, page: Any
) -> None:
    log_in(page, demo_server.url, DEMO_LOGINS["admin"], DEMO_PASSWORD)
    page.goto(f"{demo_server.url}/t/demo/admin/actions/")
    assert "Catalogue d'actions" in page.locator("h1").inner_text()
    assert serious_violations(page) == []
    screenshot(page, "admin-action-catalogue")

    first_row = page.locator("#theme-energie ~ div table tbody tr").first
    title = first_row.locator("td a").first.inner_text()
    first_row.get_by_role("button", name="Descendre").click()
    page.wait_for_load_state()
    second_row = page.locator("#theme-energie ~ div table tbody tr").nth(1)
    assert second_row.locator("td a").first.inner_text() == title

    second_row.locator("td a").first.click()
    page.wait_for_load_state()
    assert serious_violations(page) == []
    page.fill("input[name=cost_min]", "beaucoup")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "Coût indicatif minimum : doit être un nombre" in page.locator("main").inner_text()
    assert serious_violations(page) == []
    screenshot(page, "admin-action-form-errors")
    # The refused form answers 400, which Chromium logs; nothing else may be logged.
    assert [e for e in page.js_errors if "status of 400" not in e] == []
