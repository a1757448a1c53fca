"""Flow labels in the page's language: categories, units, frequencies, availability.

A taxonomy item shows its English label (`en:` in the taxonomy) on an English page; a waste
keeps its official French label (the list of waste has no English source shipped), returned
as a French `LocalText` so that the page marks it `lang="fr"`.
"""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import gettext as _

from ..domain.content_language import LocalText, language_of
from ..domain.flow_reference import category_text, group_text
from ..domain.flows import FREQUENCY_LABELS, MONTH_NAMES, UNIT_LABELS, format_figure, window_parts


def page_language() -> str:
    """The current page's content language ("fr" outside a request)."""
    return language_of(get_locale())


def category(kind: str, code: str) -> LocalText:
    """A waste's French label (« 15 01 03 emballages en bois »), or the item's label."""
    return category_text(kind, code, page_language())


def taxonomy_group(key: str) -> LocalText:
    """A taxonomy family's label in the page's language."""
    return group_text(key, page_language())


def unit_label(unit: str | None) -> str:
    """« m³ », « pièces » / "pieces"; the code itself if unknown."""
    label = UNIT_LABELS.get(unit or "")
    return _(label) if label else (unit or "")


def frequency_label(frequency: str) -> str:
    """« par mois » / "per month"."""
    label = FREQUENCY_LABELS.get(frequency)
    return _(label) if label else frequency


def month_names() -> list[str]:
    """January to December in the page's language."""
    return [_(name) for name in MONTH_NAMES]


def quantity_text(quantity: float, unit: str | None, frequency: str) -> str:
    """« 12,5 t par mois » / "12.5 t per month"."""
    figure = format_figure(quantity)
    if page_language() != "fr":  # as assett.i18n.localize_number, which services cannot import
        figure = figure.replace(",", ".").replace("\u202f", ",")
    return f"{figure} {unit_label(unit)} {frequency_label(frequency)}"


def window_text(first: int | None, last: int | None) -> str:
    """« toute l'année », « de octobre à mars » / "all year", "from October to March"."""
    message, values = window_parts(first, last)
    return str(_(message, **{key: _(month) for key, month in values.items()}))
