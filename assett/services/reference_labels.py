"""The profile's reference labels (legal types, headcount brackets, NAF sections) as shown.

The domain keeps the French labels, marked with N_; these helpers translate them into the
page's language. The `*_choices` lists hold lazy strings, so forms built once at import time
still follow each request's language.
"""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import gettext as _
from markupsafe import escape

from ..domain.profile import HEADCOUNT_BRACKETS, LEGAL_TYPES, NAF_SECTIONS


def legal_type_label(code: str | None) -> str:
    """« Établissement public » / "Public body"; the code itself if unknown, "" if none."""
    label = LEGAL_TYPES.get(code or "")
    return _(label) if label else (code or "")


def headcount_label(code: str | None) -> str:
    """« 10 à 19 salariés » / "10 to 19 employees"; "" if none or unknown."""
    bracket = HEADCOUNT_BRACKETS.get(code or "")
    return _(bracket[0]) if bracket else ""


def naf_section_name(section: str | None) -> str:
    """The NAF section's name alone (« Industrie manufacturière » / "Manufacturing")."""
    label = NAF_SECTIONS.get(section or "")
    return _(label) if label else (section or "")


def naf_section_title(section: str | None, separator: str = "–") -> str:
    """« C – Industrie manufacturière » / "C – Manufacturing"; "" if none."""
    if not section:
        return ""
    if section not in NAF_SECTIONS:
        return section
    return f"{section} {separator} {naf_section_name(section)}"


class _EscapedLazyString(LazyString):  # type: ignore[misc]
    """A label translated when shown, escaped like any text (a LazyString is not: its
    __html__ returns it as markup)."""

    def __html__(self) -> str:
        return str(escape(str(self)))


def _lazy(function: object, *args: object) -> str:
    made: str = _EscapedLazyString(function, *args)
    return made


def legal_type_choices() -> list[tuple[str, str]]:
    """(code, label) of every legal type, the labels translated when shown."""
    return [(code, _lazy(legal_type_label, code)) for code in LEGAL_TYPES]


def headcount_choices() -> list[tuple[str, str]]:
    """(code, label) of every headcount bracket, the labels translated when shown."""
    return [(code, _lazy(headcount_label, code)) for code in HEADCOUNT_BRACKETS]


def naf_section_choices(separator: str = "–") -> list[tuple[str, str]]:
    """(letter, « C – Industrie manufacturière ») of every section, translated when shown."""
    return [(code, _lazy(naf_section_title, code, separator)) for code in NAF_SECTIONS]
