"""At 390 px wide (a phone), no page of any persona scrolls sideways.

Each persona's pages are found by following the links of the pages it sees, from its home
(one page per URL pattern: ids count as one). The dashboard of the animation team
(/t/<slug>/animation/) is covered by its own tests.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urldefrag, urlparse

import pytest

from assett.demo import DEMO_LOGINS, DEMO_PASSWORD

from .conftest import LiveServer, log_in, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SKIPPED = re.compile(
    r"/static/|/animation/|^/r/|/deconnexion|/export|\.(csv|xlsx|json|yaml|png|svg|pdf|ics|md)$|/logo"
)
LIMIT = 300


def pattern_of(path: str) -> str:
    """A URL's pattern: numbers and the keys of themes, categories and questions count as one."""
    path = re.sub(r"\d+", "N", path)
    return re.sub(
        r"/(questionnaires|categories|questions|options)/(?!nouvelle|nouveau|importer)[^/]+",
        r"/\1/X",
        path,
    )


def same_site_links(page: Any, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(link => link.href)")
    host = urlparse(base).netloc
    found = []
    for href in hrefs:
        url = urldefrag(href)[0]
        parsed = urlparse(url)
        downloads = "format=" in parsed.query  # CSV/XLSX exports chosen by a parameter
        if parsed.netloc == host and not SKIPPED.search(parsed.path) and not downloads:
            found.append(url)
    return found


def overflowing(page: Any) -> int:
    """How many pixels the page is wider than the window (0 if it fits)."""
    return int(
        page.evaluate(
            "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
            " - window.innerWidth"
        )
    )


CULPRITS = """() => {
  const found = [];
  for (const element of document.querySelectorAll("body *")) {
    const box = element.getBoundingClientRect();
    if (box.right > window.innerWidth + 1 && !element.closest(".table-wrap *")) {
      const parent = element.parentElement;
      const parentBox = parent ? parent.getBoundingClientRect() : null;
      if (!parentBox || parentBox.right <= window.innerWidth + 1) {
        found.push(element.tagName.toLowerCase() + "." + [...element.classList].join("."));
      }
    }
  }
  return found.slice(0, 5).join(", ");
}"""


def culprits(page: Any) -> str:
    """The outermost elements that stick out of the window."""
    return str(page.evaluate(CULPRITS))


def crawl(page: Any, base: str, start: str, name: str) -> tuple[list[str], list[str]]:
    """Visit the pages reachable from `start`; return the patterns seen and those too wide."""
    queue = [base + start]
    seen: set[str] = set()
    checked: list[str] = []
    too_wide: list[str] = []
    while queue and len(checked) < LIMIT:
        url = queue.pop(0)
        parsed = urlparse(url)
        key = pattern_of(parsed.path) + ("?" if parsed.query else "")
        if key in seen:
            continue
        seen.add(key)
        response = page.goto(url)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        page.wait_for_load_state("load")
        checked.append(parsed.path)
        extra = overflowing(page)
        if extra > 0:
            too_wide.append(f"{parsed.path} (+{extra} px: {culprits(page)})")
            screenshot(page, f"narrow-{name}-{len(too_wide)}")
        queue.extend(same_site_links(page, base))
    return checked, too_wide


@pytest.fixture
def phone(browser: Any) -> Any:
    context = browser.new_context(locale="fr-FR", viewport=PHONE)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize(
    ("persona", "start"),
    [
        (None, "/t/demo/"),
        ("actor", "/"),
        ("admin", "/"),
        ("platform", "/"),
    ],
)
def test_no_page_scrolls_sideways_at_390_px(
    demo_server: LiveServer, phone: Any, persona: str | None, start: str
) -> None:
    if persona is not None:
        log_in(phone, demo_server.url, DEMO_LOGINS[persona], DEMO_PASSWORD)
    if persona == "actor":  # a questionnaire page too: start a theme and begin there
        phone.goto(f"{demo_server.url}/o/1/")
        phone.locator("form[action*='/commencer'] button").first.click()
        phone.wait_for_url("**/categorie/*")
        start = urlparse(phone.url).path

    checked, too_wide = crawl(phone, demo_server.url, start, persona or "visitor")

    print(f"{persona or 'visitor'}: {len(checked)} pages checked at 390 px", sorted(checked))
    assert len(checked) >= (3 if persona is None else 8)
    assert too_wide == [], "\n".join(too_wide)
