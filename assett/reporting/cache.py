"""The figures about assessments for some filters, computed once then kept per process.

The key holds the territory's version token (changed in the transaction of every
submission, reporting.writer) and, with profile or cohort filters, a digest of the set of
matching organisations read at each request, so that a profile or cohort change is seen at
once. The funnel's participation counts change with submissions only and are kept with the
figures: a period's, or profile and cohort filters', as each organisation's last submission
(« active » counted at each request); without them, as counted at a moment and kept until an
organisation then active leaves the 12 months. Its registered organisations and charter
signatories change without a submission and are never cached.

A period ending after the territory's last submission holds the same assessments as the
period without its end: its figures are computed (and kept) once, under the filters without
the end (`figure_filters`), so that the disclosure check's « from the start » filter reads the
dashboard's own figures, and its « until the end » filter the maintained tables' counts.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import current_app
from sqlalchemy import func, select

from ..domain.aggregation import Potential, QuarterPoint, ThemeTotals
from ..extensions import db
from ..models import OrgParticipation
from ..services.kept import Kept
from . import period, period_losses, queries
from .filters import Filters, matching_digest, statuses
from .period import PeriodParticipation
from .queries import KeptWindow
from .totals import read_medians, status_totals, version_of

T = TypeVar("T")
PARTICIPATION = OrgParticipation.__table__

CACHE_SIZE = 128  # figures kept per process; DASHBOARD_CACHE_SIZE = 0 turns the cache off


@dataclass(frozen=True)
class Figures:
    """What the dashboard computes from the assessments for some filters."""

    totals: dict[str, ThemeTotals]
    quarters: dict[str, list[QuarterPoint]]
    potentials: dict[tuple[str, str], list[Potential]]
    # The funnel's participation of a period, or of profile and cohort filters (None: counted
    # from the territory's rows, and kept in `active` while no organisation leaves the 12 months).
    period: PeriodParticipation | None
    active: KeptWindow = field(default_factory=KeptWindow, compare=False)


def compute_figures(territory_id: int, filters: Filters, counts_only: bool = False) -> Figures:
    """Compute the figures from the maintained tables (or the period's assessments, once).

    `counts_only` leaves out a period's losses by question and category (the costliest part),
    for the wider filters the disclosure check compares counts with.
    """
    quarters = queries.quarterly(territory_id, filters)
    if filters.dated:
        found = period.period_statuses(territory_id, filters, with_categories=False)
        if counts_only:
            losses = []
        elif period.open_ended(filters):
            themes = sorted({status.theme_key for status in found})
            losses = period_losses.current_losses(territory_id, filters, themes)
        else:
            losses = period_losses.question_losses(found) + period_losses.category_losses(found)
        return Figures(
            totals=period.totals_of(found),
            quarters=quarters,
            potentials=queries.potentials(losses),
            period=period.period_participation(found),
        )
    if filters.by_organisation:
        table, conditions = statuses(territory_id, filters)
        return Figures(
            totals=read_medians(table, conditions, status_totals(table, conditions)),
            quarters=quarters,
            potentials=queries.potentials(queries.organisations_potential(territory_id, filters)),
            period=queries.organisations_participation(territory_id, filters),
        )
    return Figures(
        totals=queries.network_themes(territory_id, filters),
        quarters=quarters,
        potentials=queries.potentials(queries.network_potential(territory_id, filters)),
        period=None,
    )


def figure_filters(territory_id: int, filters: Filters, counts_only: bool = False) -> Filters:
    """The filters the figures about assessments are computed for.

    When no submission of the territory is at or after the period's end (the usual case: a
    period ending today), the period [start, end) holds the same assessments as [start, …):
    the end is dropped. With no start either, the period holds every submission; its counts
    (`counts_only`) are then the undated ones, from the maintained tables, while the
    dashboard's own figures keep the period's computation (its sums are taken with math.fsum,
    the maintained tables' in SQL, which may round the last digit differently).
    Funnel counts (registered, active, signatories) still follow the filters as given.
    """
    if filters.end is None or (filters.start is None and not counts_only):
        return filters
    _, end = filters.window()
    last = db.session.scalar(
        select(func.max(PARTICIPATION.c.last_submitted_at)).where(
            PARTICIPATION.c.territory_id == territory_id
        )
    )
    if last is not None and end is not None and last >= end:
        return filters
    return dataclasses.replace(filters, end=None)


class FigureCache(Kept[tuple[Any, ...], T]):
    """The latest figures computed, per key, in this process (least recently used dropped),
    with the hits and misses counted; a size of 0 keeps nothing."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple[Any, ...]) -> T | None:
        found = super().get(key)
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    def put(self, key: tuple[Any, ...], figures: T) -> None:
        if self.size > 0:
            super().put(key, figures)


def figure_cache() -> FigureCache[Figures]:
    """This application's cache (DASHBOARD_CACHE_SIZE entries; 0 turns it off)."""
    extensions = current_app.extensions
    cache = extensions.get("assett_dashboard_figures")
    if cache is None:
        cache = FigureCache(int(current_app.config.get("DASHBOARD_CACHE_SIZE", CACHE_SIZE)))
        extensions["assett_dashboard_figures"] = cache
    return cache


def figures(territory_id: int, filters: Filters, counts_only: bool = False) -> Figures:
    """The figures for the filters, from the cache when nothing they depend on changed.

    The key holds the territory's version token, read first (every submission changes it in
    its own transaction) and, with profile or cohort filters, the set of matching
    organisations, so that a changed profile or cohort is seen at once.
    """
    cache = figure_cache()
    filters = figure_filters(territory_id, filters, counts_only)
    key: tuple[Any, ...] = (
        territory_id,
        version_of(territory_id),
        tuple(sorted(filters.args().items())),
        matching_digest(territory_id, filters) if filters.by_organisation else None,
    )
    found = cache.get(key)
    if found is None and counts_only:
        key = (*key, "counts only")
        found = cache.get(key)
    if found is None:
        found = compute_figures(territory_id, filters, counts_only)
        cache.put(key, found)
    return found
