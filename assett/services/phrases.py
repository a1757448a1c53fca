"""The domain's phrases (domain.phrase) in the page's language."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from flask_babel import format_date, get_locale, gettext

from ..domain.phrase import Phrase, french_value


def _french() -> bool:
    """Whether the page is in French, the source (so outside a request: mails, exports)."""
    locale = get_locale()
    return locale is None or locale.language == "fr"


def write(value: Any) -> str:
    """A phrase's value in the page's language: "1,200.5", "2.0", "3 March 2026"."""
    text = french_value(value)
    if _french() or isinstance(value, str):
        return text
    if isinstance(value, date):
        return str(format_date(value, "d MMMM y"))
    return text.replace(",", ".").replace("\u202f", ",").replace("\xa0", ",")


def number(value: float) -> str:
    """« 1 200,5 » on a French page, "1,200.5" on an English one (as i18n.localize_number)."""
    return write(value)


def say(phrase: Phrase) -> str:
    """The phrase translated, its values written the page's way."""
    if phrase.english is not None and not _french():
        return phrase.format(phrase.english, write)
    return phrase.format(gettext(phrase.text), write)


def say_all(phrases: Sequence[Phrase], separator: str = ", ") -> str:
    """Phrases shown one after the other."""
    return separator.join(say(phrase) for phrase in phrases)


def quantity_line(quantity: float, unit: str, frequency: str) -> str:
    """« 3 t par an », "3 t per year": a figure, its unit's label and its frequency's label."""
    words = [gettext(word) if word else word for word in (unit, frequency)]
    return " ".join([number(quantity), *words])
