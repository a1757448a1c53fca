"""Flows an organisation declares: closed lists, units, and the yearly figure they come to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from .text import N_, Message

DIRECTIONS: Final = ("offer", "need")
DIRECTION_LABELS: Final = {"offer": N_("Offre"), "need": N_("Besoin")}
KINDS: Final = ("waste", "taxonomy")
KIND_PREFIXES: Final = {"waste": "dechet", "taxonomy": "flux"}

# unit → (dimension, factor to the dimension's reference unit)
UNITS: Final = {
    "t": ("masse", 1.0),
    "kg": ("masse", 0.001),
    "m3": ("volume", 1.0),
    "MWh": ("energie", 1.0),
    "kWh": ("energie", 0.001),
    "pieces": ("pieces", 1.0),
    "jours": ("jours", 1.0),
}
UNIT_LABELS: Final = {
    "t": "t",
    "kg": "kg",
    "m3": "m³",
    "MWh": "MWh",
    "kWh": "kWh",
    "pieces": N_("pièces"),
    "jours": N_("jours"),
}
# The reference unit of each dimension, in which yearly figures are kept.
DIMENSION_UNITS: Final = {
    "masse": "t",
    "volume": "m³",
    "energie": "MWh",
    "pieces": "pièces",
    "jours": "jours",
}
# frequency → how many times a year the declared quantity comes; « continu » is per day.
FREQUENCIES: Final = {
    "ponctuel": 1,
    "hebdomadaire": 52,
    "mensuel": 12,
    "annuel": 1,
    "continu": 365,
}
FREQUENCY_LABELS: Final = {
    "ponctuel": N_("ponctuel (une fois)"),
    "hebdomadaire": N_("par semaine"),
    "mensuel": N_("par mois"),
    "annuel": N_("par an"),
    "continu": N_("continu (par jour)"),
}
MONTH_NAMES: Final = (
    N_("janvier"),
    N_("février"),
    N_("mars"),
    N_("avril"),
    N_("mai"),
    N_("juin"),
    N_("juillet"),
    N_("août"),
    N_("septembre"),
    N_("octobre"),
    N_("novembre"),
    N_("décembre"),
)
# Beyond these a figure is a typing slip, not a flow (10 million t a year: a large port).
MAX_QUANTITY: Final = 10_000_000.0
MAX_YEARLY: Final = 10_000_000.0


class FlowValueError(ValueError):
    """A declared value the domain refuses; `field` names the form field."""

    def __init__(self, message: Message, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Yearly:
    """A quantity brought to a year, in its dimension's reference unit."""

    value: float
    dimension: str

    @property
    def unit(self) -> str:
        return DIMENSION_UNITS[self.dimension]


def yearly_quantity(quantity: float | None, unit: str | None, frequency: str) -> Yearly | None:
    """The yearly figure of a quantity (None if no quantity); FlowValueError if absurd."""
    if frequency not in FREQUENCIES:
        raise FlowValueError(
            Message(N_("fréquence « %(frequency)s » inconnue"), frequency=frequency), "frequency"
        )
    if quantity is None:
        return None
    if unit not in UNITS:
        raise FlowValueError(Message(N_("unité « %(unit)s » inconnue"), unit=str(unit)), "unit")
    if quantity != quantity or quantity <= 0:  # NaN or not positive
        raise FlowValueError(Message(N_("la quantité doit être un nombre positif")), "quantity")
    if quantity > MAX_QUANTITY:
        raise FlowValueError(
            Message(N_("la quantité est trop grande (au plus 10 millions)")), "quantity"
        )
    dimension, factor = UNITS[unit]
    value = quantity * factor * FREQUENCIES[frequency]
    if value > MAX_YEARLY:
        raise FlowValueError(
            Message(
                N_("la quantité par an dépasse 10 millions : vérifiez l'unité et la fréquence")
            ),
            "quantity",
        )
    return Yearly(value, dimension)


def months_between(first: int | None, last: int | None) -> frozenset[int] | None:
    """The months of an availability window (it may wrap: 10 → 3); None means all year."""
    if first is None and last is None:
        return None
    if first is None or last is None:
        raise FlowValueError(
            Message(N_("indiquez le premier et le dernier mois, ou aucun")), "month_from"
        )
    for value, field in ((first, "month_from"), (last, "month_to")):
        if not 1 <= value <= 12:
            raise FlowValueError(Message(N_("un mois va de 1 à 12")), field)
    if first <= last:
        return frozenset(range(first, last + 1))
    return frozenset([*range(first, 13), *range(1, last + 1)])


def window_label(first: int | None, last: int | None) -> str:
    """« toute l'année », « de octobre à mars »."""
    if first is None or last is None or months_between(first, last) == frozenset(range(1, 13)):
        return "toute l'année"
    if first == last:
        return f"en {MONTH_NAMES[first - 1]}"
    return f"de {MONTH_NAMES[first - 1]} à {MONTH_NAMES[last - 1]}"


def category_key(kind: str, code: str) -> str:
    """« dechet:15 01 03 » or « flux:energie.chaleur.40_60 »."""
    return f"{KIND_PREFIXES[kind]}:{code}"


def family_of(kind: str, code: str) -> str:
    """The family a code belongs to: the sub-chapter of a waste, the group of a taxonomy item."""
    if kind == "waste":
        return f"dechet:{code[:5]}"
    return "flux:" + code.rsplit(".", 1)[0]


def format_figure(value: float) -> str:
    """12500.0 → « 12 500 », 0.25 → « 0,25 » (French, no trailing zeros)."""
    if value >= 100:
        text = f"{value:,.0f}"
    else:
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "\u202f").replace(".", ",")
