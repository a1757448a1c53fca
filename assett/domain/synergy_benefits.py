"""A synergy's benefits: the figures, their limits, and the tCO2e they avoid (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

import yaml

from .synergy_pipeline import SynergyValueError
from .text import N_, Message

PHASES: Final = ("estimated", "measured")
PHASE_LABELS: Final = {"estimated": N_("Estimés"), "measured": N_("Mesurés")}

# field → (label, unit, upper bound): beyond the bound a figure is a typing slip.
FIGURES: Final = {
    "tonnes": (N_("Déchets détournés"), N_("t/an"), 10_000_000.0),
    "water_m3": (N_("Eau économisée"), N_("m³/an"), 100_000_000.0),
    "energy_mwh": (N_("Énergie économisée ou valorisée"), N_("MWh/an"), 10_000_000.0),
    "euros": (N_("Économies"), N_("€/an"), 10_000_000_000.0),
    "jobs": (N_("Emplois créés"), N_("ETP"), 10_000.0),
}
CO2_LABEL: Final = N_("Émissions évitées")
CO2_UNIT: Final = "tCO2e/an"
APPLIES_TO: Final = ("waste", "water", "energy")
FACTOR_MAX: Final = 10.0
SOURCE_MAX: Final = 500
YEARS: Final = range(1990, 2101)  # the year a factor refers to


@dataclass(frozen=True)
class Factor:
    """An emission factor: tCO2e per unit of what it applies to, and where it comes from."""

    key: str
    label: str
    applies_to: str
    unit: str
    value: float
    source: str
    year: int | None = None  # the year of the figures, or of the source's edition
    note: str = ""  # what the reader should know: a value not confirmed, a proxy
    label_en: str | None = None  # « en: {label: …, note: …} »: the English versions
    note_en: str | None = None


@dataclass(frozen=True)
class Benefits:
    """One phase's figures (None: not given) and the energy they replace."""

    tonnes: float | None = None
    water_m3: float | None = None
    energy_mwh: float | None = None
    euros: float | None = None
    jobs: float | None = None
    energy_factor: str | None = None


def parse_factors(text: str, source: str = "emission-factors.yaml") -> dict[str, Factor]:
    """The factors of a YAML text; ValueError naming the factor at fault."""
    root = yaml.safe_load(text)
    if not isinstance(root, dict) or not isinstance(root.get("factors"), dict):
        raise ValueError(f"{source} : une rubrique « factors » est attendue")
    found: dict[str, Factor] = {}
    for key, item in root["factors"].items():
        if not isinstance(item, dict):
            raise ValueError(f"{source} : le facteur « {key} » doit être une rubrique")
        value = item.get("value")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{source} : « {key} » n'a pas de valeur numérique")
        if not 0 <= value <= FACTOR_MAX:
            raise ValueError(f"{source} : la valeur de « {key} » va de 0 à {FACTOR_MAX:g}")
        if item.get("applies_to") not in APPLIES_TO:
            raise ValueError(f"{source} : « {key} » s'applique à waste, water ou energy")
        if not str(item.get("source") or "").strip():
            raise ValueError(f"{source} : « {key} » doit citer sa source")
        year = item.get("year")
        if year is not None and (type(year) is not int or year not in YEARS):
            raise ValueError(f"{source} : l'année de « {key} » va de 1990 à 2100")
        found[str(key)] = Factor(
            str(key),
            str(item.get("label") or key),
            str(item["applies_to"]),
            str(item.get("unit") or ""),
            float(value),
            " ".join(str(item["source"]).split()),
            year,
            " ".join(str(item.get("note") or "").split()),
            _english(item, "label"),
            _english(item, "note"),
        )
    for needed in ("waste", "water", "energy"):
        if not any(f.applies_to == needed for f in found.values()):
            raise ValueError(f"{source} : aucun facteur ne s'applique à « {needed} »")
    return found


def _english(item: Mapping[str, object], name: str) -> str | None:
    english = item.get("en")
    text = english.get(name) if isinstance(english, Mapping) else None
    return " ".join(str(text).split()) if text else None


@cache
def shipped_factors() -> dict[str, Factor]:
    """The factors shipped in assett/data/emission-factors.yaml."""
    text = resources.files("assett").joinpath("data/emission-factors.yaml").read_text("utf-8")
    return parse_factors(text)


def energy_factor_keys(factors: Mapping[str, Factor]) -> list[str]:
    """The factors a synergy's MWh may replace."""
    return [key for key, factor in factors.items() if factor.applies_to == "energy"]


def with_overrides(
    factors: Mapping[str, Factor], overrides: Mapping[str, tuple[float, str]]
) -> dict[str, Factor]:
    """The shipped factors with a territory's own values and sources in their place."""
    merged = dict(factors)
    for key, (value, source) in overrides.items():
        if key in merged:
            base = merged[key]
            merged[key] = Factor(
                key, base.label, base.applies_to, base.unit, value, source, label_en=base.label_en
            )
    return merged


def co2e_avoided(benefits: Benefits, factors: Mapping[str, Factor]) -> float | None:
    """tCO2e avoided a year: tonnes, m³ and MWh by their factors; None if none is given."""
    terms: list[float] = []
    by_kind = {kind: _first(factors, kind) for kind in ("waste", "water")}
    if benefits.tonnes is not None and by_kind["waste"] is not None:
        terms.append(benefits.tonnes * by_kind["waste"].value)
    if benefits.water_m3 is not None and by_kind["water"] is not None:
        terms.append(benefits.water_m3 * by_kind["water"].value)
    if benefits.energy_mwh is not None:
        factor = factors.get(benefits.energy_factor or "")
        if factor is None or factor.applies_to != "energy":
            factor = _first(factors, "energy")
        if factor is not None:
            terms.append(benefits.energy_mwh * factor.value)
    if not terms:
        return None
    return round(sum(terms), 3)


def _first(factors: Mapping[str, Factor], applies_to: str) -> Factor | None:
    return next((f for f in factors.values() if f.applies_to == applies_to), None)


def parse_figure(text: str, field: str) -> float | None:
    """« 12,5 », « 1 200 » or « » → a figure within its field's bounds (None if empty)."""
    cleaned = text.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    if not cleaned:
        return None
    label, _unit, upper = FIGURES[field]
    named = Message(label)
    not_number = Message(N_("%(label)s : un nombre est attendu (ex. 12,5)"), label=named)
    try:
        value = float(cleaned.replace(",", "."))
    except ValueError as error:
        raise SynergyValueError(not_number, field) from error
    if value != value or value in (float("inf"), float("-inf")):
        raise SynergyValueError(not_number, field)
    if value < 0:
        said = N_("%(label)s : la valeur ne peut pas être négative")
        raise SynergyValueError(Message(said, label=named), field)
    if value > upper:
        said = N_("%(label)s : la valeur est invraisemblable (au plus %(max)s)")
        most = f"{upper:,.0f}".replace(",", " ")
        raise SynergyValueError(Message(said, label=named, max=most), field)
    return value


def parse_benefits(
    raw: Mapping[str, str], energy_factor: str | None, factors: Mapping[str, Factor]
) -> Benefits:
    """Typed figures from a form's text; SynergyValueError naming the first bad field."""
    values = {field: parse_figure(raw.get(field, ""), field) for field in FIGURES}
    if energy_factor and energy_factor not in energy_factor_keys(factors):
        raise SynergyValueError(Message(N_("énergie remplacée inconnue")), "energy_factor")
    return Benefits(
        tonnes=values["tonnes"],
        water_m3=values["water_m3"],
        energy_mwh=values["energy_mwh"],
        euros=values["euros"],
        jobs=values["jobs"],
        energy_factor=energy_factor or None,
    )


def parse_factor_value(text: str) -> float:
    """A territory's value for a factor: 0 to FACTOR_MAX tCO2e per unit."""
    cleaned = text.strip().replace(" ", "").replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError as error:
        said = Message(N_("un nombre est attendu (ex. 0,227)"))
        raise SynergyValueError(said, "value") from error
    if value != value or not 0 <= value <= FACTOR_MAX:
        said = Message(N_("la valeur va de 0 à %(max)s"), max=f"{FACTOR_MAX:g}")
        raise SynergyValueError(said, "value")
    return value


def format_figure(value: float | None, decimals: int = 1) -> str:
    """« 1 234,5 » with a narrow no-break space and a decimal comma; « – » for None."""
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}".replace(",", "\u202f").replace(".", ",")
    if decimals and "," in text:
        text = text.rstrip("0").rstrip(",")
    return text
