"""Domain phrases (message id + values) shown in the page's language, French unchanged."""

from __future__ import annotations

from datetime import date

from flask import Flask
from flask_babel import force_locale

from assett.domain.phrase import OneDecimal, Phrase, joined
from assett.domain.synergy_matching import Reference
from assett.services.phrases import quantity_line, say, say_all


def test_a_phrase_reads_in_french_with_french_numbers_and_days() -> None:
    phrase = Phrase(
        "%(km)s km, %(score)s/5 le %(day)s",
        {"km": 1200, "score": OneDecimal(2), "day": date(2026, 3, 1)},
    )
    assert str(phrase) == "1\u202f200 km, 2,0/5 le 1er mars 2026"
    assert joined([phrase, Phrase("à proximité")]).endswith(", à proximité")


def test_an_english_page_writes_the_numbers_and_days_its_way(app: Flask) -> None:
    phrase = Phrase(
        "%(km)s km %(score)s %(day)s",
        {"km": 12.5, "score": OneDecimal(2.5), "day": date(2026, 3, 1)},
    )
    with app.test_request_context(), force_locale("en"):
        assert say(phrase) == "12.5 km 2.5 1 March 2026"
        assert quantity_line(1000, "t", "par an").startswith("1,000 t ")
    with app.test_request_context(), force_locale("fr"):
        assert say(phrase) == "12,5 km 2,5 1er mars 2026"
        assert quantity_line(1000, "t", "par an") == "1\u202f000 t par an"


def test_a_compatibility_link_may_carry_its_english(app: Flask) -> None:
    reference = Reference.default()
    links = [link for link in reference.compatibility.links if link.why_en]
    assert len(links) == len(reference.compatibility.links)  # every shipped link has English
    phrase = Phrase(links[0].why, english=links[0].why_en)
    with app.test_request_context(), force_locale("en"):
        assert say(phrase) == links[0].why_en
    with app.test_request_context(), force_locale("fr"):
        assert say_all([phrase]) == links[0].why
