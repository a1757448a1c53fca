"""Printed on A4, the results page is the organisation's annual review.

No navigation, charts at the page's width that never cover what follows, the data tables
printed (a reader of paper cannot open a « Voir les données » disclosure).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from assett.demo import DEMO_LOGINS, DEMO_PASSWORD

from .conftest import LiveServer, log_in
from .test_demo_pages import charts_drawn

pytestmark = pytest.mark.browser

A4_CONTENT_WIDTH = 680  # px at 96 dpi: 21 cm less two margins of 1.5 cm

BOXES = """() => {
  const box = (element) => {
    const r = element.getBoundingClientRect();
    return {top: r.top + scrollY, bottom: r.bottom + scrollY, left: r.left, right: r.right,
            height: r.height, name: element.tagName + "." + element.className};
  };
  const blocks = [...document.querySelectorAll(
    "main h1, main h2, main h3, main p, main table, main .chart, main ul, main ol")]
    .filter(element => element.offsetParent !== null && !element.closest("table"));
  return blocks.map(box);
}"""


def overlaps(boxes: list[dict[str, Any]]) -> list[str]:
    """Pairs of blocks, neither inside the other, whose boxes cover each other."""
    found = []
    for index, first in enumerate(boxes):
        for second in boxes[index + 1:]:
            inside = (
                first["top"] <= second["top"] and second["bottom"] <= first["bottom"]
            ) or (second["top"] <= first["top"] and first["bottom"] <= second["bottom"])
            vertical = min(first["bottom"], second["bottom"]) - max(first["top"], second["top"])
            horizontal = min(first["right"], second["right"]) - max(first["left"], second["left"])
            if not inside and vertical > 1 and horizontal > 1:
                found.append(f"{first['name']} / {second['name']}")
    return found


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def printed(page: Any, url: str, name: str) -> bytes:
    """Open `url` for print at the width of an A4 page; keep a picture and the PDF."""
    page.set_viewport_size({"width": A4_CONTENT_WIDTH, "height": 1000})
    page.goto(url)
    charts_drawn(page)
    page.emulate_media(media="print")
    page.wait_for_function(
        "() => [...document.querySelectorAll('details.data-table')].every(d => d.open)"
        " && [...document.querySelectorAll('[data-plotly] .main-svg')]"
        f".every(svg => svg.getBoundingClientRect().width <= {A4_CONTENT_WIDTH})"
    )
    folder = Path(__file__).resolve().parents[2] / "test-results"
    folder.mkdir(exist_ok=True)
    page.screenshot(path=str(folder / f"print-{name}.png"), full_page=True)
    top = {"x": 0, "y": 0, "width": A4_CONTENT_WIDTH, "height": 1100}
    page.screenshot(path=str(folder / f"print-{name}-top.png"), full_page=True, clip=top)
    pdf = page.pdf(format="A4", print_background=True)
    (folder / f"print-{name}.pdf").write_bytes(pdf)
    return bytes(pdf)


def test_the_results_page_prints_as_an_annual_review_on_a4(
    demo_server: LiveServer, page: Any
) -> None:
    log_in(page, demo_server.url, DEMO_LOGINS["actor"], DEMO_PASSWORD)

    pdf = printed(page, f"{demo_server.url}/o/1/resultats", "results")

    assert not page.locator(".org-nav").is_visible()
    assert not page.locator(".main-nav").is_visible()
    assert not page.locator(".site-footer").is_visible()
    assert page.locator("main h1").is_visible()
    assert page.locator("details.data-table table").first.is_visible()
    chart = page.locator("[data-plotly]").first.bounding_box()
    assert chart["x"] + chart["width"] <= A4_CONTENT_WIDTH
    assert overlaps(page.evaluate(BOXES)) == []
    pages = pdf_pages(pdf)
    print(f"results: {pages} A4 pages")
    assert 1 <= pages <= 12
    assert page.js_errors == []


def test_the_progress_page_prints_its_chart_whole_and_its_data_table(
    demo_server: LiveServer, page: Any
) -> None:
    log_in(page, demo_server.url, DEMO_LOGINS["actor"], DEMO_PASSWORD)

    pdf = printed(page, f"{demo_server.url}/o/1/progression", "progress")

    assert not page.locator(".org-nav").is_visible()
    table = page.locator("details.data-table table")
    assert table.is_visible()
    assert table.locator("tbody tr").count() >= 2
    chart = page.locator("[data-plotly]").first.bounding_box()
    drawing = page.locator("[data-plotly] .main-svg").first.bounding_box()
    assert chart["x"] + chart["width"] <= A4_CONTENT_WIDTH
    assert drawing["y"] + drawing["height"] <= chart["y"] + chart["height"] + 1
    assert overlaps(page.evaluate(BOXES)) == []
    pages = pdf_pages(pdf)
    print(f"progress: {pages} A4 pages")
    assert 1 <= pages <= 6


def test_the_screen_gets_its_chart_back_after_printing(demo_server: LiveServer, page: Any) -> None:
    log_in(page, demo_server.url, DEMO_LOGINS["actor"], DEMO_PASSWORD)
    page.goto(f"{demo_server.url}/o/1/resultats")
    charts_drawn(page)
    page.emulate_media(media="print")
    page.wait_for_function("() => document.querySelector('details.data-table').open")

    page.emulate_media(media="screen")

    page.wait_for_function("() => !document.querySelector('details.data-table').open")
    page.wait_for_function(
        "() => document.querySelector('[data-plotly] .main-svg').getBoundingClientRect().width"
        " > 900"
    )
