"""axe-core on every page each persona reaches by following links, in a real Chromium.

What the page « Ce que l'application vérifie automatiquement » promises: starting from each
persona's home on the demo data, every same-site link is followed (one page per route shape:
/o/1/flux/3 and /o/1/flux/4 count once), and each HTML page passes the WCAG 2.1 A and AA rules
of axe-core with no serious or critical violation.
"""

from __future__ import annotations

import re
from collections import deque
from typing import Any
from urllib.parse import urlsplit

import pytest

from assett.demo import DEMO_LOGINS, DEMO_PASSWORD

from .conftest import LiveServer, log_in
from .test_actor_journey import serious_violations

pytestmark = pytest.mark.browser

# Links that act, download or leave the HTML pages.
SKIPPED = re.compile(
    r"(deconnexion|/export|\.csv|\.xlsx|\.ics|\.md$|\.json$|/telecharger|/assets/|/static/"
    r"|/logo$|theme\.css|/preuves/\d+$|/desabonnement|^/r/)"
)
PAGES_PER_PERSONA = 40
HOMES = {
    "anonymous": "/",
    "actor": "/mon-espace",
    "admin": "/mon-espace",
    "animator": "/mon-espace",
    "platform": "/plateforme/",
}


def _shape(path: str) -> str:
    return re.sub(r"/\d+", "/<n>", path)


def _links(page: Any, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "a[href]:not([download])", "links => links.map(link => link.href)"
    )
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != origin or SKIPPED.search(parts.path):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def crawl(page: Any, server: LiveServer, start: str) -> dict[str, list[str]]:
    """Visit the pages reachable from `start`; the serious violations of each."""
    seen_shapes: set[str] = set()
    queue = deque([start])
    checked: dict[str, list[str]] = {}
    while queue and len(checked) < PAGES_PER_PERSONA:
        path = queue.popleft()
        shape = _shape(urlsplit(path).path)
        if shape in seen_shapes:
            continue
        seen_shapes.add(shape)
        response = page.goto(server.url + path)
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        checked[path] = serious_violations(page)
        queue.extend(_links(page, server.url))
    return checked


@pytest.mark.parametrize("persona", list(HOMES))
def test_every_page_a_persona_reaches_passes_axe(
    demo_server: LiveServer, page: Any, persona: str
) -> None:
    if persona != "anonymous":
        log_in(page, demo_server.url, DEMO_LOGINS[persona], DEMO_PASSWORD)

    checked = crawl(page, demo_server, HOMES[persona])

    assert len(checked) >= 3, checked  # the crawl reached the persona's pages
    assert {path: found for path, found in checked.items() if found} == {}
    assert page.js_errors == []
