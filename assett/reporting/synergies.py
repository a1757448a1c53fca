"""Synergy totals for a territory, by stage and by year, and territories side by side.

Privacy rule: a figure over 1 to 4 organisations is withheld (domain.disclosure), and so is a
second stage (or year) when the total would otherwise give the withheld one away by a
subtraction. Benefits are summed over synergies; a sum over fewer than 5 organisations is
withheld too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from ..clock import LOCAL_TIMEZONE
from ..domain.disclosure import is_small, protect
from ..domain.synergy_benefits import FIGURES, PHASES
from ..domain.synergy_pipeline import STAGE_LABELS, STAGES
from ..extensions import db
from ..models import Synergy, SynergyBenefit, SynergyParticipant, Territory
from .columns import DATE, DECIMAL, INTEGER, LABEL, SUPPRESSED, WITHHELD, Column, Suppressed, Table

BENEFIT_FIELDS = (*FIGURES, "co2e")


@dataclass(frozen=True)
class _Synergy:
    id: int
    stage: str
    year: int
    organisations: frozenset[int]
    benefits: dict[str, dict[str, float | None]]


@dataclass(frozen=True)
class CountRow:
    """Synergies and organisations of a stage (or a year); Suppressed where withheld."""

    key: Any
    synergies: int | Suppressed
    organisations: int | Suppressed


@dataclass(frozen=True)
class BenefitRow:
    """One phase's benefits summed; each figure is Suppressed under 5 organisations."""

    phase: str
    synergies: int | Suppressed
    organisations: int | Suppressed
    figures: dict[str, float | None | Suppressed] = field(default_factory=dict)


@dataclass(frozen=True)
class SynergyTotals:
    year: int | None
    years: list[int]
    by_stage: list[CountRow]
    total: CountRow
    by_year: list[CountRow]
    benefits: list[BenefitRow]


def _stage_labels() -> dict[str, str]:
    return {key: _(label) for key, label in STAGE_LABELS.items()}


def _load(territory_ids: Sequence[int]) -> dict[int, list[_Synergy]]:
    synergies = db.session.execute(
        select(Synergy.id, Synergy.territory_id, Synergy.stage, Synergy.created_at).where(
            Synergy.territory_id.in_(list(territory_ids))
        )
    ).all()
    ids = [row.id for row in synergies]
    orgs: dict[int, set[int]] = defaultdict(set)
    benefits: dict[int, dict[str, dict[str, float | None]]] = defaultdict(dict)
    if ids:
        for synergy_id, org_id in db.session.execute(
            select(SynergyParticipant.synergy_id, SynergyParticipant.organisation_id).where(
                SynergyParticipant.synergy_id.in_(ids)
            )
        ):
            orgs[synergy_id].add(org_id)
        for benefit in db.session.scalars(
            select(SynergyBenefit).where(SynergyBenefit.synergy_id.in_(ids))
        ):
            benefits[benefit.synergy_id][benefit.phase] = {
                f: getattr(benefit, f) for f in BENEFIT_FIELDS
            }
    found: dict[int, list[_Synergy]] = defaultdict(list)
    for row in synergies:
        year = row.created_at.astimezone(LOCAL_TIMEZONE).year
        found[row.territory_id].append(
            _Synergy(row.id, row.stage, year, frozenset(orgs[row.id]), benefits[row.id])
        )
    return found


def _orgs(synergies: Sequence[_Synergy]) -> int:
    return len(set().union(*(s.organisations for s in synergies))) if synergies else 0


def _counts(
    groups: dict[Any, list[_Synergy]],
    every: list[_Synergy],
    rest: dict[Any, list[_Synergy]] | None = None,
) -> tuple[list[CountRow], CountRow]:
    """Rows per group and the total; `rest`: what a filter left out of each group, whose
    organisations, when a small group, would be found by comparing with the unfiltered page."""
    values: dict[Any, int] = {key: _orgs(rows) for key, rows in groups.items()}
    values["total"] = _orgs(every)
    sensitive = [key for key, rows in (rest or {}).items() if is_small(_orgs(rows))]
    withheld = set(protect(values, sensitive=sensitive).primary)
    # The total is the sum of the groups: with one group withheld and the others shown, it
    # would give that group away by a subtraction, so it is withheld too.
    if len(withheld & set(groups)) == 1:
        withheld.add("total")

    def row(key: Any, rows: list[_Synergy]) -> CountRow:
        if key not in withheld:
            return CountRow(key, len(rows), values[key])
        hidden = SUPPRESSED if is_small(values[key]) else WITHHELD
        return CountRow(key, hidden, hidden)

    return [row(key, rows) for key, rows in groups.items()], row("total", every)


def _taking(synergies: Sequence[_Synergy], phase: str) -> list[_Synergy]:
    # Estimated: every synergy with an estimate but the abandoned; measured: active ones.
    return [
        s
        for s in synergies
        if phase in s.benefits
        and (s.stage == "active" if phase == "measured" else s.stage != "abandonnee")
    ]


def _phase_rows(
    synergies: Sequence[_Synergy], left_out: Sequence[_Synergy] = ()
) -> list[BenefitRow]:
    rows = []
    for phase in PHASES:
        taking = _taking(synergies, phase)
        orgs = _orgs(taking)
        if is_small(orgs) or is_small(_orgs(_taking(left_out, phase))):
            rows.append(
                BenefitRow(phase, SUPPRESSED, SUPPRESSED, dict.fromkeys(BENEFIT_FIELDS, SUPPRESSED))
            )
            continue
        figures: dict[str, float | None | Suppressed] = {}
        for name in BENEFIT_FIELDS:
            given = [s.benefits[phase][name] for s in taking if s.benefits[phase][name] is not None]
            figures[name] = round(sum(v for v in given if v is not None), 3) if given else None
        rows.append(BenefitRow(phase, len(taking), orgs, figures))
    return rows


def territory_totals(territory_id: int, year: int | None = None) -> SynergyTotals:
    """By stage, by year and benefits summed, for all years or one, small groups withheld."""
    every = _load([territory_id]).get(territory_id, [])
    years = sorted({s.year for s in every}, reverse=True)
    chosen = [s for s in every if year is None or s.year == year]
    left_out = [s for s in every if year is not None and s.year != year]
    by_stage_groups = {stage: [s for s in chosen if s.stage == stage] for stage in STAGES}
    rest = {stage: [s for s in left_out if s.stage == stage] for stage in STAGES}
    rest["total"] = left_out
    by_stage, total = _counts(by_stage_groups, chosen, rest)
    by_year_groups = {y: [s for s in every if s.year == y] for y in years}
    by_year, _total = _counts(by_year_groups, every)
    benefits = _phase_rows(chosen, left_out)
    return SynergyTotals(year, years, by_stage, total, by_year, benefits)


@dataclass(frozen=True)
class TerritorySynergies:
    territory: Territory
    synergies: int | Suppressed
    organisations: int | Suppressed
    active: int | Suppressed
    measured: BenefitRow


def territories_side_by_side() -> list[TerritorySynergies]:
    """Each territory's synergies and measured benefits, withheld under 5 organisations."""
    territories = list(db.session.scalars(select(Territory).order_by(Territory.name)))
    loaded = _load([t.id for t in territories])
    rows = []
    for territory in territories:
        synergies = loaded.get(territory.id, [])
        orgs = _orgs(synergies)
        active = [s for s in synergies if s.stage == "active"]
        measured = _phase_rows(synergies)[PHASES.index("measured")]
        if is_small(orgs):
            rows.append(TerritorySynergies(territory, SUPPRESSED, SUPPRESSED, SUPPRESSED, measured))
            continue
        shown_active: int | Suppressed = len(active) if not is_small(_orgs(active)) else SUPPRESSED
        rows.append(TerritorySynergies(territory, len(synergies), orgs, shown_active, measured))
    return rows


# --- Tables for the page and the exports -------------------------------------------------------


def _figure_columns(getter: Any) -> list[Column]:
    def figure(name: str) -> Any:
        return lambda r: getter(r).get(name)

    columns = [
        Column(f"{_(label)} ({_(unit)})", figure(name), DECIMAL)
        for name, (label, unit, _upper) in FIGURES.items()
    ]
    columns.append(
        Column(_("Émissions évitées (tCO2e/an)"), lambda r: getter(r).get("co2e"), DECIMAL)
    )
    return columns


def _counted() -> list[Column]:
    return [
        Column(_("Synergies"), lambda r: r.synergies, INTEGER),
        Column(_("Organisations"), lambda r: r.organisations, INTEGER),
    ]


def stage_table(totals: SynergyTotals) -> Table:
    return Table(
        "synergies_par_etape",
        _("Synergies par étape"),
        [
            Column(
                _("Étape"), lambda r: r.key, LABEL, labels={**_stage_labels(), "total": _("Total")}
            ),
            *_counted(),
        ],
        [*totals.by_stage, totals.total],
    )


def year_table(totals: SynergyTotals) -> Table:
    return Table(
        "synergies_par_annee",
        _("Synergies par année de création"),
        [
            Column(_("Année"), lambda r: str(r.key)),
            *_counted(),
        ],
        totals.by_year,
    )


def benefit_table(rows: Sequence[BenefitRow]) -> Table:
    return Table(
        "benefices",
        _("Bénéfices par an"),
        [
            Column(
                _("Bénéfices"),
                lambda r: r.phase,
                LABEL,
                labels={
                    "estimated": _("Estimés (synergies en cours)"),
                    "measured": _("Mesurés (synergies actives)"),
                },
            ),
            *_counted(),
            *_figure_columns(lambda r: r.figures),
        ],
        rows,
    )


def platform_table(rows: Sequence[TerritorySynergies]) -> Table:
    return Table(
        "synergies_territoires",
        _("Synergies par territoire"),
        [
            Column(_("Territoire"), lambda r: r.territory.name),
            *_counted(),
            Column(_("Actives"), lambda r: r.active, INTEGER),
            *_figure_columns(lambda r: r.measured.figures),
        ],
        rows,
    )


def pipeline_table(rows: Sequence[Any], benefits: dict[int, dict[str, SynergyBenefit]]) -> Table:
    """The animators' list of synergies (names of the participants, who share with them)."""

    def co2(phase: str) -> Any:
        return lambda r: getattr(benefits.get(r.synergy.id, {}).get(phase), "co2e", None)

    return Table(
        "synergies",
        _("Synergies suivies"),
        [
            Column(_("N°"), lambda r: r.synergy.id, INTEGER),
            Column(_("Intitulé"), lambda r: r.synergy.title),
            Column(
                _("Type"),
                lambda r: r.synergy.kind,
                LABEL,
                labels={"substitution": _("Substitution"), "mutualisation": _("Mutualisation")},
            ),
            Column(_("Étape"), lambda r: r.synergy.stage, LABEL, labels=_stage_labels()),
            Column(_("Organisations"), lambda r: " | ".join(r.organisations)),
            Column(_("Pilote"), lambda r: r.lead),
            Column(_("Prochaine étape"), lambda r: r.synergy.next_step),
            Column(_("Date de la prochaine étape"), lambda r: r.synergy.next_step_on, DATE),
            Column(_("tCO2e/an estimées"), co2("estimated"), DECIMAL),
            Column(_("tCO2e/an mesurées"), co2("measured"), DECIMAL),
        ],
        rows,
    )
