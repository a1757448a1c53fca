"""The demo in English: no French UI text on any page a persona reaches.

French left on a page is either content shown in French on purpose (inside lang="fr", skipped)
or user content of the demo, listed in tests/english_known_french.txt. Anything else is a UI
string that escaped the catalogue.
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from assett.demo import DEMO_LOGINS
from assett.extensions import db
from assett.models import User

from .english_pages import (
    PageText,
    french_beyond_names,
    french_on_pages,
    known_french,
    looks_french,
    undated,
)

HOMES = {
    "anonymous": "/",
    "actor": "/mon-espace",
    "admin": "/mon-espace",
    "animator": "/mon-espace",
    "platform": "/mon-espace",
}


@pytest.mark.parametrize("persona", list(HOMES))
def test_every_page_a_persona_reaches_in_english_has_no_french_ui_text(
    app: Flask, client: FlaskClient, login_as, persona: str, built_demo: object
) -> None:
    if persona != "anonymous":
        login_as(db.session.query(User).filter_by(email=DEMO_LOGINS[persona]).one())
    client.set_cookie("langue", "en")

    found = french_on_pages(client, HOMES[persona])

    unexpected = {
        text: page
        for text, page in found.items()
        if undated(text) not in known_french() and french_beyond_names(text)
    }
    assert not unexpected, "\n".join(f"{page}: {text}" for text, page in unexpected.items())


def test_the_check_sees_french_ui_text_and_skips_content_marked_french() -> None:
    reader = PageText()
    reader.feed(
        '<html lang="en"><body><a title="Données personnelles">Home</a><p>Mot de passe oublié ?</p>'
        '<p lang="fr">Énergie <b>renouvelable</b></p><p>Energy</p><script>var é;</script>'
    )

    french = [text for text in reader.texts if looks_french(text)]

    assert french == ["Données personnelles", "Mot de passe oublié ?"]


def test_the_demo_name_and_dates_are_left_out_but_french_around_them_is_not() -> None:
    assert not french_beyond_names("Awards · Territoire de démonstration")
    assert french_beyond_names("Prix · Territoire de démonstration · Retour à la liste")
    known_on_another_day = "· Workshop · 16 December 2026, 14:00 – 16:30 · Maison des entreprises"
    assert undated(known_on_another_day) == undated(
        "· Workshop · 2 January 2027, 14:00 – 16:30 · Maison des entreprises"
    )
    assert undated("1 200 € par an") == "1 200 € par an"
