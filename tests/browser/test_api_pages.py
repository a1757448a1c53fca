"""In a real Chromium, on the demo data: an admin creates an API key that reads the dashboard,
and the key page and the API's reference page pass axe."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from assett.clock import local_today
from assett.demo import DEMO_LOGINS, DEMO_PASSWORD

from .conftest import LiveServer, log_in, screenshot
from .test_actor_journey import serious_violations

pytestmark = pytest.mark.browser


def test_a_demo_admin_key_reads_the_demo_dashboard_and_the_reference_documents_it(
    demo_server: LiveServer, page: Any
) -> None:
    log_in(page, demo_server.url, DEMO_LOGINS["admin"], DEMO_PASSWORD)
    page.goto(f"{demo_server.url}/t/demo/admin/api/cles")
    assert serious_violations(page) == []

    page.fill("input[name=name]", "Portail open data")
    page.check("input[name=scopes][value='read:dashboard']")
    page.fill("input[name=expires_on]", (local_today() + timedelta(days=90)).isoformat())
    page.locator("main form button[type=submit]", has_text="Créer la clé").click()
    page.wait_for_load_state()
    token = page.input_value("#new-token")
    assert token.startswith("assett_")
    assert serious_violations(page) == []
    screenshot(page, "admin-api-key-created")

    answer = page.request.get(
        f"{demo_server.url}/api/v1/dashboard", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status == 200
    figures = answer.json()
    assert figures["territory"] == "demo"
    assert figures["themes"]
    assert isinstance(figures["registered"], int)

    page.goto(f"{demo_server.url}/api/v1/")
    assert "/api/v1/dashboard" in page.locator("main").inner_text()
    assert serious_violations(page) == []
    screenshot(page, "api-reference")
    assert page.js_errors == []
