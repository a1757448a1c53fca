"""The animation dashboard at 390 px wide (a phone): no page scrolls sideways."""

from __future__ import annotations

from typing import Any

import pytest

from assett.demo import DEMO_LOGINS, DEMO_PASSWORD

from .conftest import LiveServer, log_in, screenshot

pytestmark = pytest.mark.browser

PAGES = (
    "/t/demo/animation/",
    "/t/demo/animation/?section=C",
    "/t/demo/animation/organisations",
    "/t/demo/animation/organisations?section=C",
)


def overflow(page: Any) -> list[str]:
    """The elements wider than the window, to say what overflows when the test fails."""
    return page.evaluate(
        """() => [...document.querySelectorAll('main *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(0, 8)
            .map(e => e.tagName + '.' + e.className + ' '
                 + Math.round(e.getBoundingClientRect().right))"""
    )


@pytest.mark.parametrize("path", PAGES)
def test_a_dashboard_page_does_not_scroll_sideways_at_390_px(
    demo_server: LiveServer, browser: Any, path: str
) -> None:
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        log_in(page, demo_server.url, DEMO_LOGINS["animator"], DEMO_PASSWORD)
        response = page.goto(f"{demo_server.url}{path}")
        assert response is not None
        assert response.status == 200
        page.locator("main").wait_for()
        for index in range(page.locator("[data-plotly]").count()):
            page.locator("[data-plotly]").nth(index).locator(".main-svg").first.wait_for()
        scroll_width, inner_width = page.evaluate(
            "() => [document.scrollingElement.scrollWidth, window.innerWidth]"
        )
        screenshot(page, "dashboard-390" + path.replace("/", "-").replace("?", "-"))
        assert scroll_width <= inner_width, overflow(page)
        # The measure sees an overflow when there is one: a 600 px block makes the page scroll.
        wide = page.evaluate(
            """() => { const block = document.createElement('div');
                block.style.width = '600px'; block.style.height = '1px';
                document.querySelector('main').append(block);
                const width = document.scrollingElement.scrollWidth;
                block.remove(); return width; }"""
        )
        assert wide > inner_width
    finally:
        context.close()
