"""Crawl the pages a persona reaches with English chosen, and find the French left on them.

Shared by tests/test_english_pages.py. The text of a page is what a reader sees: text nodes and
the title, aria-label, placeholder and alt attributes, outside <script>, <style> and any element
marked lang="fr" (content shown in French on purpose, see assett/content_text.py).
"""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from flask.testing import FlaskClient

# Links that act, download or leave the HTML pages.
SKIPPED = re.compile(
    r"(deconnexion|/export|\.csv|\.xlsx|\.ics|\.md$|\.json$|/telecharger|/assets/|/static/"
    r"|/logo$|theme\.css|/preuves/\d+$|/desabonnement|^/r/|^/api/)"
)
VOID = {"area", "br", "col", "hr", "img", "input", "link", "meta", "source", "wbr"}
SHOWN_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
FRENCH_LETTERS = re.compile(r"[éèêëàâùûçôîïœÉÈÊÀÇÔŒ]")
FRENCH_WORDS = re.compile(
    r"\b(le|la|les|de|des|du|et|pour|votre|vos|une|aucun|aucune|avec|dans|est|sont|pas|aux"
    r"|cette|sur|ou|qui|que)\b",
    re.IGNORECASE,
)
KNOWN = Path(__file__).with_name("english_known_french.txt")


# The demo's dates and years follow the day it is built: texts are compared without them.
_DAY = re.compile(
    r"\b\d{1,2} (January|February|March|April|May|June|July|August|September|October"
    r"|November|December) 20\d\d\b"
)
_YEAR = re.compile(r"\b20\d\d\b")


def undated(text: str) -> str:
    """The text with its English dates and years written as placeholders."""
    return _YEAR.sub("<year>", _DAY.sub("<date>", text))


def known_french() -> set[str]:
    """User content of the demo (names, texts people typed), French in every language,
    undated."""
    lines = KNOWN.read_text(encoding="utf-8").splitlines()
    return {undated(line) for line in lines if line and not line.startswith("#")}


# The demo territory's name, French in every language, stands in most page titles (with dates
# that follow the day the demo is built): the check reads a text without it.
DEMO_NAMES = ("Territoire de démonstration",)


def looks_french(text: str) -> bool:
    return bool(FRENCH_LETTERS.search(text) or FRENCH_WORDS.search(text))


def french_beyond_names(text: str) -> bool:
    """Whether a text still looks French once the demo's names are left out."""
    for name in DEMO_NAMES:
        text = text.replace(name, "")
    return looks_french(text)


class PageText(HTMLParser):
    """The texts a reader sees and the links of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, bool]] = []  # (tag, hidden from the check)
        self.texts: list[str] = []
        self.links: list[str] = []

    def _hidden(self) -> bool:
        return bool(self.open and self.open[-1][1])

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        hidden = self._hidden() or tag in ("script", "style") or values.get("lang") == "fr"
        if not hidden:
            self.texts.extend(values[name] for name in SHOWN_ATTRIBUTES if values.get(name))
            if tag == "input" and values.get("type") in ("submit", "button"):
                self.texts.append(values.get("value", ""))
        if tag not in VOID:
            self.open.append((tag, hidden))

    def handle_endtag(self, tag: str) -> None:
        while self.open:
            if self.open.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self._hidden():
            self.texts.append(data)


def shape(path: str) -> str:
    """One page per route shape: /o/1/flux/3 and /o/1/flux/4 count once."""
    parts = urlsplit(path)
    route = re.sub(r"/\d+", "/<n>", parts.path)
    route = re.sub(r"/questions/[^/]+/", "/questions/<key>/", route)
    query = re.sub(r"=[^&]*", "=", parts.query)
    return route + (f"?{query}" if query else "")


def french_on_pages(client: FlaskClient, start: str, limit: int = 250) -> dict[str, str]:
    """French text seen on the pages reachable from `start`: text → first page it is on."""
    found: dict[str, str] = {}
    seen: set[str] = set()
    queue = deque([start])
    pages = 0
    while queue and pages < limit:
        path = queue.popleft()
        if shape(path) in seen:
            continue
        seen.add(shape(path))
        response = client.get(path)
        if response.status_code in (301, 302, 303):
            target = urlsplit(response.headers["Location"])
            queue.append(target.path + (f"?{target.query}" if target.query else ""))
            continue
        assert response.status_code < 500, path
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        pages += 1
        reader = PageText()
        reader.feed(response.get_data(as_text=True))
        for text in reader.texts:
            text = " ".join(text.split())
            # A campaign preview's unsubscribe link carries a signed token that differs per run.
            text = re.sub(r"/desabonnement/\S+", "/desabonnement/<jeton>", text)
            if len(text) > 1 and looks_french(text):
                found.setdefault(text, path)
        for href in reader.links:
            link = urlsplit(href)
            if link.netloc not in ("", "localhost") or not link.path.startswith("/"):
                continue
            if not SKIPPED.search(link.path):
                queue.append(link.path + (f"?{link.query}" if link.query else ""))
    return found
