"""Marking the domain's French labels for translation, without importing Flask.

`N_("Réalisée")` returns its argument unchanged; it only tells the extractor (`flask
translations update`, keyword N_) to put the text in the catalogue. The page translates the
label when it shows it (`{{ _(label) }}`, or `gettext(label)` in a service).
"""

from __future__ import annotations

import re
from datetime import date


def N_(text: str) -> str:  # noqa: N802  (gettext's conventional name)
    """The text itself, marked for the message catalogue."""
    return text


class Message(str):
    """A French sentence that keeps its msgid (marked with N_) and its values, so that a page in
    another language can translate it; as a `str`, it is the French text.

    Values are texts, whole numbers, decimals (shown with one decimal) or dates."""

    msgid: str
    values: dict[str, object]

    def __new__(cls, msgid: str, **values: object) -> Message:
        made = super().__new__(cls, msgid % {k: french(v) for k, v in values.items()})
        made.msgid = msgid
        made.values = values
        return made


class Bilingual(str):
    """A text copied from content or reference data, known in French (as a `str`) and, when it
    has one, in English: a theme's title, a catalogue action's title, a flow category. The page
    shows it in its language (the French marked `lang="fr"` when there is no English)."""

    en: str | None

    def __new__(cls, french: str, english: str | None = None) -> Bilingual:
        made = super().__new__(cls, french)
        made.en = english or None
        return made


_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")


def read_message(msgid: str, text: str) -> dict[str, str] | None:
    """The values of a sentence the app wrote from `msgid` (French), read back from its text;
    None when the text does not read as that sentence. Each value is at least one character,
    the first ones as short as can be."""
    pattern, start = [], 0
    for found in _PLACEHOLDER.finditer(msgid):
        pattern.append(re.escape(msgid[start : found.start()]))
        name = found.group(1)
        pattern.append(f"(?P<{name}>.+?)" if name else "%")
        start = found.end()
    pattern.append(re.escape(msgid[start:]))
    matched = re.fullmatch("".join(pattern), text, re.DOTALL)
    return matched.groupdict() if matched else None


class Figure(str):
    """A number as the French write it (« 2,5 »), which a page in English shows « 2.5 »."""


# The months as message ids: a French date in the domain, a month name translated in a form.
FRENCH_MONTHS = (
    N_("janvier"), N_("février"), N_("mars"), N_("avril"), N_("mai"), N_("juin"),
    N_("juillet"), N_("août"), N_("septembre"), N_("octobre"), N_("novembre"), N_("décembre"),
)  # fmt: skip


def french_day(day: date) -> str:
    """« 3 mars 2026 » (« 1er » for the first of a month)."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {FRENCH_MONTHS[day.month - 1]} {day.year}"


def french(value: object) -> str:
    """A value of a message written in French: « 2,5 », « 1er mars 2026 »."""
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    if isinstance(value, date):
        return french_day(value)
    return str(value)
