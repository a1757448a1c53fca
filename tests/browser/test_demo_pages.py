"""In a real Chromium, on the demo data: charts draw under the CSP and pages pass axe."""

from __future__ import annotations

from typing import Any

import pytest

from assett.demo import DEMO_LOGINS, DEMO_PASSWORD

from .conftest import LiveServer, log_in, screenshot
from .test_actor_journey import serious_violations

pytestmark = pytest.mark.browser


def charts_drawn(page: Any) -> int:
    """Wait for every chart of the page to be drawn by plotly.js; return how many."""
    charts = page.locator("[data-plotly]")
    for index in range(charts.count()):
        charts.nth(index).locator(".main-svg").first.wait_for()
    return charts.count()


def test_the_demo_actor_sees_its_radar_and_progress_drawn_with_no_accessibility_issue(
    demo_server: LiveServer, page: Any
) -> None:
    log_in(page, demo_server.url, DEMO_LOGINS["actor"], DEMO_PASSWORD)

    page.goto(f"{demo_server.url}/o/1/resultats")
    assert charts_drawn(page) == 1
    assert "Votre moyenne" in page.locator("main").inner_text()
    assert serious_violations(page) == []
    screenshot(page, "demo-results")

    page.goto(f"{demo_server.url}/o/1/progression")
    assert charts_drawn(page) == 1
    assert serious_violations(page) == []
    assert page.js_errors == []


def test_the_demo_animator_sees_the_dashboard_drawn_with_no_accessibility_issue(
    demo_server: LiveServer, page: Any
) -> None:
    log_in(page, demo_server.url, DEMO_LOGINS["animator"], DEMO_PASSWORD)

    page.goto(f"{demo_server.url}/t/demo/animation/")
    assert charts_drawn(page) >= 3
    assert "Organisations inscrites" in page.locator("main").inner_text()
    assert serious_violations(page) == []
    screenshot(page, "demo-dashboard")
    assert page.js_errors == []
