"""Template filters and globals: French numbers and dates, branding, plotly JSON."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Flask, g
from flask_babel import format_date, format_datetime, get_translations
from flask_babel import gettext as _

from . import content_text, i18n
from .domain.scoring import format_score
from .main.assets import register as register_assets


def score_filter(value: float | None) -> str:
    """Format a score out of 5 in the page's language (« 2,5 », "2.5")."""
    if value is None:
        return _(format_score(value))
    return i18n.localize_number(format_score(value))


def percent_filter(value: float | None) -> str:
    """Format a ratio (0..1) as a percentage with no decimals (« 45 % », "45%")."""
    if value is None:
        return "–"
    return f"{round(value * 100)} %" if i18n.is_source_language() else f"{round(value * 100)}%"


def number_filter(value: float | int | None, decimals: int | None = 1) -> str:
    """Format a number French style (comma, thin space thousands).

    `decimals=None`: as many decimals as the value needs, up to three (120 → « 120 »,
    2.5 → « 2,5 »): for quantities people typed.
    """
    if value is None:
        return "–"
    if decimals is None:
        text = f"{value:,.3f}".rstrip("0").rstrip(".")
    else:
        text = f"{value:,.{decimals}f}" if isinstance(value, float) else f"{value:,}"
    return i18n.localize_number(text.replace(",", "\u202f").replace(".", ","))


def date_filter(value: date | datetime | None, style: str = "medium") -> str:
    """Format a date in the page's language (« 6 décembre 2026 », "6 December 2026")."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, "d MMMM yyyy" if style == "medium" else style)
    return format_date(value, "d MMMM yyyy" if style == "medium" else style)


def french_plural(count: float) -> int:
    """The count that picks the form: French is singular below 2 (« 0 organisation »)."""
    return 1 if abs(count) < 2 else 2


def say_filter(phrases: object) -> str:
    """A domain Phrase in the page's language; several are joined by commas."""
    from .services.phrases import say, say_all

    if isinstance(phrases, list | tuple):
        return say_all(phrases)
    return say(phrases)  # type: ignore[arg-type]


def plural_count(count: float) -> float:
    """The count handed to ngettext: French pages have no catalogue, so gettext would apply
    the English rule (only 1 is singular); English pages use their catalogue's own rule."""
    return french_plural(count) if i18n.is_source_language() else count


def install_plurals(app: Flask) -> None:
    """Templates' ngettext picks forms by the page language's rule."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: get_translations().ugettext(s),
        ngettext=lambda s, p, n: get_translations().ungettext(s, p, plural_count(n)),
        newstyle=True,
        pgettext=lambda c, s: get_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: get_translations().unpgettext(c, s, p, plural_count(n)),
    )


def register(app: Flask) -> None:
    """Install filters and globals."""
    install_plurals(app)
    i18n.register(app)
    app.jinja_env.filters["score"] = score_filter
    app.jinja_env.filters["percent"] = percent_filter
    app.jinja_env.filters["number"] = number_filter
    app.jinja_env.filters["frdate"] = date_filter
    app.jinja_env.filters["say"] = say_filter  # a domain Phrase (or several) translated
    register_assets(app)
    content_text.register(app)

    @app.context_processor
    def inject_branding() -> dict[str, Any]:
        return {
            "current_territory": g.get("territory"),
            # Read before the template renders (templates run no query): the footer's mention.
            "accessibility_conformity": _accessibility_conformity(),
        }


def _accessibility_conformity() -> str:
    """The footer's « Accessibilité : … » mention (the statement's conformity)."""
    from .services.legal import footer_mention

    return footer_mention()
