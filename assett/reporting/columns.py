"""How a dashboard table is declared: its columns, their formats, rounding and suppression; the
page, the CSV and the XLSX are all rendered from a Table (reporting/tables.py builds them).

A column with `hidden` shows « moins de 5 organisations » instead of a figure of a row computed
over too few organisations (the rows already hold None there; the label says why).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _

from ..clock import LOCAL_TIMEZONE
from ..domain.aggregation import MIN_GROUP_SIZE

EMPTY = "–"


@dataclass(frozen=True)
class Format:
    """How a kind of value is rounded and written; `number_format` is the XLSX one."""

    name: str
    decimals: int | None = None
    number_format: str | None = None
    width: int = 12
    numeric: bool = True


TEXT = Format("text", width=24, numeric=False)
LABEL = Format("label", width=24, numeric=False)  # a code shown by its label
YES_NO = Format("yes_no", width=8, numeric=False)
INTEGER = Format("integer", decimals=0, number_format="0", width=10)
SCORE = Format("score", decimals=1, number_format="0.0", width=10)
CHANGE = Format("change", decimals=1, number_format="+0.0;-0.0;0.0", width=10)
DECIMAL = Format("decimal", decimals=1, number_format="0.0", width=10)
PERCENT = Format("percent", decimals=2, number_format="0%", width=10)
DATE = Format("date", number_format="dd/mm/yyyy", width=12)


class Suppressed:
    """A figure over fewer than 5 organisations: written as « moins de 5 organisations »."""

    def __str__(self) -> str:
        return str(_("moins de %(count)s organisations", count=MIN_GROUP_SIZE))


SUPPRESSED = Suppressed()


class Withheld(Suppressed):
    """A count withheld so that no small group is found by subtraction."""

    def __str__(self) -> str:
        return str(_("non diffusé (secret statistique)"))


WITHHELD = Withheld()


@lru_cache(maxsize=65536)  # scores take few distinct values: each is rounded once
def rounded(value: float, decimals: int) -> float:
    """Round half up as the page does (2.45 → 2.5), not to the nearest even."""
    step = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(value))).quantize(step, rounding=ROUND_HALF_UP))


def local_day(moment: datetime | date | None) -> date | None:
    """The local calendar day of a moment."""
    if isinstance(moment, datetime):
        return moment.astimezone(LOCAL_TIMEZONE).date() if moment.tzinfo else moment.date()
    return moment


@dataclass(frozen=True)
class Column:
    """One column: its header, how to read it from a row, how to write it."""

    label: str
    getter: Callable[[Any], Any]
    format: Format = TEXT
    hidden: Callable[[Any], bool] | None = None
    labels: Mapping[Any, Any] | None = None

    def __post_init__(self) -> None:
        # Translate the labels once per table, not once per cell.
        labels = self.labels
        if self.format is YES_NO and labels is None:
            labels = {True: _("oui"), False: _("non")}
        if labels is not None:
            object.__setattr__(self, "labels", {key: str(text) for key, text in labels.items()})

    def value(self, row: Any) -> Any:
        """The typed value written in every export: rounded, labelled, or SUPPRESSED."""
        if self.hidden is not None and self.hidden(row):
            return SUPPRESSED
        return self.typed(self.getter(row))

    def typed(self, value: Any) -> Any:
        """The value written for what the getter read, which alone decides it (exports cache it)."""
        if isinstance(value, Suppressed):
            return value
        if value is None or value == "":
            return None
        fmt = self.format
        if fmt is LABEL and self.labels is not None:
            return self.labels.get(value, str(value))
        if fmt is DATE:
            return local_day(value)
        if fmt is YES_NO:
            return bool(value)
        if fmt is INTEGER:
            return int(value)
        if fmt.decimals is not None:
            return rounded(value, fmt.decimals)
        return str(value)

    def cell(self, row: Any) -> tuple[str, bool]:
        """The text shown on the page, and whether it stands for a suppressed figure."""
        value = self.value(row)
        text = self.text(value)
        if isinstance(value, int | float) and not isinstance(value, bool):
            text = page_number(text)
        return text, isinstance(value, Suppressed)

    def text(self, value: Any, csv: bool = False) -> str:
        """The value as French text: on the page, or in a CSV (no thousands separator)."""
        if value is None:
            return "" if csv else EMPTY
        if isinstance(value, Suppressed | str):
            return str(value)
        fmt = self.format
        if fmt is YES_NO and self.labels is not None:
            return str(self.labels[bool(value)])
        if fmt is DATE:
            return f"{value:%d/%m/%Y}"
        if fmt is PERCENT:
            return f"{round(value * 100)} %"
        if fmt is INTEGER:
            return str(value) if csv else f"{value:,}".replace(",", "\u202f")
        text = f"{value:.{fmt.decimals}f}".replace(".", ",")
        if fmt is CHANGE and not csv:
            return "+" + text if value > 0 else text.replace("-", "−")
        return text


def in_french() -> bool:
    """Whether the page (and so the file it sends) is in French, the source language."""
    locale = get_locale()
    return locale is None or locale.language == "fr"


def page_number(text: str) -> str:
    """A number written the French way (« 1 234,5 », « 12 % ») in the page's language."""
    if in_french():
        return text
    return text.replace(",", ".").replace("\u202f", ",").replace(" %", "%")


@dataclass(frozen=True)
class Table:
    """A dashboard table: its name in URLs and file names, its title, its columns, its rows."""

    key: str
    title: str
    columns: Sequence[Column]
    rows: Iterable[Any]


def translated(labels: Mapping[str, str]) -> dict[str, str]:
    """The labels of a LABEL column, translated."""
    return {key: _(label) for key, label in labels.items()}
