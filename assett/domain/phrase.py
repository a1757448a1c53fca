"""A sentence the domain builds with values, translated where it is shown.

The domain imports no Flask: it returns `Phrase(N_("%(km)s km"), {"km": 4})`, a message id
(French, with placeholders) and its values. The page translates the message id and writes the
values the way its language does (services.phrases.say): numbers (« 1 200 », "1,200"), scores
with one decimal (OneDecimal) and days (« 3 mars 2026 », "3 March 2026"). `str(phrase)` is
the French.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .flows import format_figure
from .text import french_day


@dataclass(frozen=True)
class OneDecimal:
    """A number always written with one decimal (a score: « 2,0 »)."""

    value: float


def french_value(value: Any) -> str:
    """A value as a French page writes it: « 1 200 », « 0,25 », « 2,0 », « 1er mars 2026 »."""
    if isinstance(value, OneDecimal):
        return f"{value.value:.1f}".replace(".", ",")
    if isinstance(value, date):
        return french_day(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_figure(value)
    return str(value)


@dataclass(frozen=True)
class Phrase:
    """`text` is the message id; its values are written at display."""

    text: str
    params: Mapping[str, Any] = field(default_factory=dict)
    # A text that comes from data with its own English (no message id), e.g. a territory file.
    english: str | None = None

    def __str__(self) -> str:
        return self.format(self.text, french_value)

    def format(self, template: str, write: Callable[[Any], str]) -> str:
        """The template filled with the values, each written by `write`."""
        if not self.params:
            return template
        return template % {key: write(value) for key, value in self.params.items()}


def joined(phrases: Sequence[Phrase], separator: str = ", ") -> str:
    """The French of phrases shown one after the other."""
    return separator.join(str(phrase) for phrase in phrases)
