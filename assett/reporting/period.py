"""Figures over a date range, from the submitted assessments of the period.

Each matching organisation's first and latest assessment per theme in the period is computed
once per request (`period_statuses`, one query); the totals and the participation are made
from those rows in Python, the losses by question and category by the database from the
latest assessments' ids (`period_losses`). A period with a start and no end (`open_ended`, the
usual « since » period: one ending after the last submission is computed so) starts from the
maintained statuses instead, each organisation's latest assessment in it being its current one.
"""

from __future__ import annotations

import bisect
import gc
import math
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, NamedTuple

from sqlalchemy import Float, case, func, null, select, true
from sqlalchemy.sql.selectable import FromClause, Select

from ..domain import aggregation
from ..domain.aggregation import ThemeTotals
from ..extensions import db
from ..models import NetworkQuarter, OrgQuarterScore
from .filters import (
    ASSESSMENT,
    Filters,
    period_conditions,
    quarter_start,
    to_group,
)
from .filters import statuses as matching_statuses
from .totals import CHANGE_THRESHOLD, last_of_each_quarter, quarter_of

ORG_QUARTER = OrgQuarterScore.__table__
NETWORK_QUARTER = NetworkQuarter.__table__

PotentialRow = tuple[str, str, str, float, float, int]  # theme, kind, key, lost, max, orgs
QuarterSums = dict[str, dict[int, tuple[float, int]]]  # theme -> quarter -> (sum, n scored)


@dataclass(frozen=True)
class Participation:
    """Organisations with an assessment, active lately, and having reassessed a theme."""

    with_assessment: int
    active: int
    reassessed: int


@dataclass(frozen=True)
class PeriodParticipation:
    """The period's participation, before « active » is counted (it depends on the day)."""

    with_assessment: int
    reassessed: int
    # Each organisation's last submission of the period (POSIX time), sorted; compact, as it
    # stays in the cache.
    last_submissions: array[float]

    def at(self, since: datetime) -> Participation:
        first_active = bisect.bisect_left(self.last_submissions, since.timestamp())
        return Participation(
            self.with_assessment, len(self.last_submissions) - first_active, self.reassessed
        )


def period_statuses_query(territory_id: int, filters: Filters) -> FromClause:
    """Per organisation and theme: its first and latest assessment of the period, and how many.

    Columns as OrgThemeStatus's, and the latest's category scores; a tie on the submission
    time goes to the later row for the latest, to the earlier one for the first. PostgreSQL
    sorts the period once (window functions); SQLite, whose window functions are slow, groups
    along an index instead.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        return period_statuses_windowed(territory_id, filters)
    a = ASSESSMENT.c
    groups = (
        select(
            a.organisation_id,
            a.theme_key,
            func.max(a.submitted_at).label("last_at"),
            func.min(a.submitted_at).label("first_at"),
            func.count().label("assessment_count"),
        )
        .where(*period_conditions(territory_id, filters))
        .group_by(a.organisation_id, a.theme_key)
        .subquery("period_groups")
    )

    def pick(moment: Any, newest: bool) -> Any:
        one = ASSESSMENT.alias("one")
        return (
            select(one.c.id)
            .where(
                one.c.organisation_id == groups.c.organisation_id,
                one.c.theme_key == groups.c.theme_key,
                one.c.status == "submitted",
                one.c.submitted_at == moment,
            )
            .order_by(one.c.id.desc() if newest else one.c.id)
            .limit(1)
            .scalar_subquery()
        )

    ids = select(
        groups.c.organisation_id,
        groups.c.theme_key,
        groups.c.assessment_count,
        pick(groups.c.last_at, newest=True).label("latest_assessment_id"),
        pick(groups.c.first_at, newest=False).label("first_assessment_id"),
    ).subquery("period_ids")
    latest = ASSESSMENT.alias("latest")
    first = ASSESSMENT.alias("first")
    return (
        select(
            ids.c.organisation_id,
            ids.c.theme_key,
            ids.c.latest_assessment_id,
            latest.c.score.label("latest_score"),
            latest.c.band_key.label("latest_band_key"),
            latest.c.submitted_at.label("latest_submitted_at"),
            ids.c.first_assessment_id,
            first.c.score.label("first_score"),
            ids.c.assessment_count,
            latest.c.category_scores,
        )
        .join(latest, latest.c.id == ids.c.latest_assessment_id)
        .join(first, first.c.id == ids.c.first_assessment_id)
        .subquery("statuses")
    )


def open_ended(filters: Filters) -> bool:
    """Whether the period has a start and no end: each organisation's latest assessment of a
    theme in it, if any, is its current one (the maintained OrgThemeStatus and OrgPotential)."""
    return filters.start is not None and filters.end is None


def current_statuses_query(territory_id: int, filters: Filters) -> Select[Any]:
    """period_statuses' rows for an open-ended period, from OrgThemeStatus.

    The statuses whose latest assessment is in the period; their first assessment and count
    too when the first is in it, else the period's first (the earlier row on a tie) and count
    are looked up among the organisation's assessments of the theme, by index: on PostgreSQL
    both in one walk (`first_in_period`), on SQLite one each.
    """
    begin, _ = filters.window()
    table, conditions = matching_statuses(territory_id, filters)
    s = table.c
    whole = s.first_submitted_at >= begin
    one = ASSESSMENT.alias("one")
    of_status = (
        one.c.organisation_id == s.organisation_id,
        one.c.theme_key == s.theme_key,
        one.c.status == "submitted",
        one.c.submitted_at >= begin,
    )
    columns = (
        s.organisation_id,
        s.theme_key,
        s.latest_assessment_id,
        s.latest_score,
        s.latest_band_key,
        s.latest_submitted_at,
    )
    if db.session.get_bind().dialect.name == "postgresql":
        first = first_in_period(one, (*of_status, s.first_submitted_at < begin))
        return (
            select(
                *columns,
                case((whole, s.first_score), else_=first.c.score),
                case((whole, s.assessment_count), else_=first.c.n),
                null(),
            )
            .select_from(table.outerjoin(first, true()))
            .where(*conditions, s.latest_submitted_at >= begin)
        )
    first_score = (
        select(one.c.score)
        .where(*of_status)
        .order_by(one.c.submitted_at, one.c.id)
        .limit(1)
        .scalar_subquery()
    )
    count = select(func.count()).select_from(one).where(*of_status).scalar_subquery()
    return select(
        *columns,
        case((whole, s.first_score), else_=first_score),
        case((whole, s.assessment_count), else_=count),
        null(),
    ).where(*conditions, s.latest_submitted_at >= begin)


def first_in_period(one: Any, conditions: tuple[Any, ...]) -> Any:
    """A status's first assessment of the period (the earlier row on a tie) and their count,
    in one walk along the index (PostgreSQL, joined LATERAL; counted before the limit)."""
    return (
        select(one.c.score, func.count().over().label("n"))
        .where(*conditions)
        .order_by(one.c.submitted_at, one.c.id)
        .limit(1)
        .lateral("first_in_period")
    )


def period_statuses_windowed(territory_id: int, filters: Filters) -> FromClause:
    """period_statuses_query with window functions (PostgreSQL)."""
    a = ASSESSMENT.c
    partition = (a.organisation_id, a.theme_key)
    whole = (None, None)
    ranked = (
        select(
            a.organisation_id,
            a.theme_key,
            a.id.label("latest_assessment_id"),
            a.score.label("latest_score"),
            a.band_key.label("latest_band_key"),
            a.submitted_at.label("latest_submitted_at"),
            a.category_scores,
            func.first_value(a.score, type_=Float)
            .over(partition_by=partition, order_by=(a.submitted_at, a.id), rows=whole)
            .label("first_score"),
            func.count().over(partition_by=partition).label("assessment_count"),
            func.row_number()
            .over(partition_by=partition, order_by=(a.submitted_at.desc(), a.id.desc()))
            .label("rank"),
        )
        .where(*period_conditions(territory_id, filters))
        .subquery("ranked")
    )
    return (
        select(*(column for column in ranked.c if column.name != "rank"))
        .where(ranked.c.rank == 1)
        .subquery("statuses")
    )


class PeriodStatus(NamedTuple):
    """An organisation's first and latest assessment of a theme in the period (a tuple: tens of
    thousands are made per request)."""

    organisation_id: int
    theme_key: str
    latest_assessment_id: int
    latest_score: float | None
    latest_band_key: str | None
    latest_submitted_at: datetime
    first_score: float | None
    assessment_count: int
    category_scores: dict[str, Any] | None


@contextmanager
def bulk_rows() -> Iterator[None]:
    """Cyclic garbage collection paused while tens of thousands of rows are made: none holds a
    cycle, and each collection on the way would walk the whole process."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def period_statuses(
    territory_id: int, filters: Filters, with_categories: bool = True
) -> list[PeriodStatus]:
    """Each matching organisation's first and latest assessment per theme in the period.

    Without `with_categories`, the latest's category scores are neither read nor decoded
    (None): the figures need none of them (the database sums them, `period_losses`), and
    decoding would be half of the pass. An open-ended period reads the maintained statuses.
    """
    if open_ended(filters) and not with_categories:
        query: Select[Any] = current_statuses_query(territory_id, filters)
    else:
        s = period_statuses_query(territory_id, filters).c
        query = select(
            s.organisation_id,
            s.theme_key,
            s.latest_assessment_id,
            s.latest_score,
            s.latest_band_key,
            s.latest_submitted_at,
            s.first_score,
            s.assessment_count,
            s.category_scores if with_categories else null(),
        )
    with bulk_rows():
        # Fetched at once (the driver's fetchall, not one fetchone per row), then made
        # PeriodStatus by tuple.__new__ straight from C: no Python call per row.
        rows = db.session.execute(query).all()
        return list(map(partial(tuple.__new__, PeriodStatus), rows))


def totals_of(statuses: Iterable[PeriodStatus]) -> dict[str, ThemeTotals]:
    """ThemeTotals of statuses, with domain.aggregation's medians and tolerance (one pass over
    each theme's rows: tens of thousands in a period)."""
    by_theme: dict[str, list[PeriodStatus]] = defaultdict(list)
    for status in statuses:
        by_theme[status.theme_key].append(status)
    totals = {}
    for theme_key, rows in by_theme.items():
        scores: list[float] = []
        bands: dict[str, int] = defaultdict(int)
        firsts: list[float] = []
        latests: list[float] = []
        changes: list[float] = []
        for row in rows:
            latest = row.latest_score
            if latest is None:
                continue
            scores.append(latest)
            if row.latest_band_key is not None:
                bands[row.latest_band_key] += 1
            first = row.first_score
            if row.assessment_count >= 2 and first is not None:
                firsts.append(first)
                latests.append(latest)
                changes.append(latest - first)
        totals[theme_key] = ThemeTotals(
            n_status=len(rows),
            n_scored=len(scores),
            score_sum=math.fsum(scores),
            band_counts=dict(bands),
            n_pairs=len(changes),
            first_sum=math.fsum(firsts),
            latest_sum=math.fsum(latests),
            improved=sum(1 for change in changes if change > CHANGE_THRESHOLD),
            declined=sum(1 for change in changes if change < -CHANGE_THRESHOLD),
            median_score=aggregation.median(scores),
            median_change=aggregation.median(changes),
        )
    return totals


def period_participation(statuses: Iterable[PeriodStatus]) -> PeriodParticipation:
    """Participation in the period, from each organisation's statuses."""
    last: dict[int, datetime] = {}
    reassessed: set[int] = set()
    for status in statuses:
        org_id = status.organisation_id
        if org_id not in last or status.latest_submitted_at > last[org_id]:
            last[org_id] = status.latest_submitted_at
        if status.assessment_count >= 2:
            reassessed.add(org_id)
    stamps = array("d", sorted(moment.timestamp() for moment in last.values()))
    return PeriodParticipation(len(last), len(reassessed), stamps)


def period_quarters(territory_id: int, filters: Filters) -> QuarterSums:
    """Quarter sums over the period from the maintained OrgQuarterScore rows.

    An organisation's last assessment of a quarter counts if it falls in the period; in the
    quarter where the period ends mid-way, a last assessment after the end hides earlier ones
    of the period: that quarter is recomputed from its assessments (`partial_quarter`).
    """
    begin, end = filters.window()
    if begin is not None and end is None and not filters.by_organisation:
        return whole_quarters_since(territory_id, filters, begin)
    q = to_group(ORG_QUARTER, territory_id, filters).c
    conditions = []
    if begin is not None:
        conditions.append(q.submitted_at >= begin)
    if end is not None:
        conditions.append(q.submitted_at < end)
    rows = db.session.execute(
        select(q.theme_key, q.quarter, func.sum(q.score), func.count(q.score))
        .where(*conditions)
        .group_by(q.theme_key, q.quarter)
    )
    found: QuarterSums = defaultdict(dict)
    for theme_key, quarter, total, n in rows:
        found[theme_key][quarter] = (float(total or 0.0), int(n or 0))
    if end is not None:
        last_quarter = quarter_of(end - timedelta(microseconds=1))
        if quarter_of(end) == last_quarter:  # the period ends inside that quarter
            for by_quarter in found.values():
                by_quarter.pop(last_quarter, None)
            for theme_key, sums in partial_quarter(territory_id, filters, last_quarter).items():
                found[theme_key][last_quarter] = sums
    return {theme_key: by_quarter for theme_key, by_quarter in found.items() if by_quarter}


def whole_quarters_since(territory_id: int, filters: Filters, begin: datetime) -> QuarterSums:
    """period_quarters of a period with a start and no end, over every organisation.

    Each quarter after the one the period starts in is held whole: its sums are the kept
    NetworkQuarter rows. Of the quarter it starts in, only the last assessments made since
    the start count (they still are the organisations' last of that quarter): summed from
    their OrgQuarterScore rows, theme by theme along the index led by (territory, theme,
    quarter), for the themes the kept rows say have some in that quarter.
    """
    first = quarter_of(begin)
    whole = quarter_start(first) == begin  # the period starts with the quarter: held whole
    n = NETWORK_QUARTER.c
    kept = select(n.theme_key, n.quarter, n.score_sum, n.n_scored).where(
        n.territory_id == territory_id, n.n_orgs > 0, n.quarter >= first
    )
    if filters.theme is not None:
        kept = kept.where(n.theme_key == filters.theme)
    found: QuarterSums = defaultdict(dict)
    started: list[str] = []
    for theme_key, quarter, total, count in db.session.execute(kept):
        if quarter == first and not whole:
            started.append(theme_key)
        else:
            found[theme_key][quarter] = (float(total or 0.0), int(count or 0))
    if started:
        q = ORG_QUARTER.c
        rows = db.session.execute(
            select(q.theme_key, func.sum(q.score), func.count(q.score))
            .where(
                q.territory_id == territory_id,
                q.theme_key.in_(started),
                q.quarter == first,
                q.submitted_at >= begin,
            )
            .group_by(q.theme_key)
        )
        for theme_key, total, count in rows:
            found[theme_key][first] = (float(total or 0.0), int(count or 0))
    return dict(found)


def partial_quarter(
    territory_id: int, filters: Filters, quarter: int
) -> dict[str, tuple[float, int]]:
    """Per theme, (sum, count) of the organisations' last scores of the quarter in the period."""
    begin, _ = filters.window()
    start = quarter_start(quarter)
    a = ASSESSMENT.c
    rows = db.session.execute(
        select(a.organisation_id, a.theme_key, a.id, a.submitted_at, a.score).where(
            *period_conditions(territory_id, filters),
            a.submitted_at >= (max(begin, start) if begin is not None else start),
        )
    )
    last = last_of_each_quarter(tuple(row) for row in rows)
    sums: dict[str, tuple[float, int]] = {}
    for (_, theme_key, _quarter), (_, _, score) in last.items():
        total, n = sums.get(theme_key, (0.0, 0))
        sums[theme_key] = (total + (score or 0.0), n + (score is not None))
    return sums
