"""The dashboard's queries, by filter: counts of organisations, totals, quarters, potentials.

- no filter, or only a theme: the territory's rows kept on submission (NetworkTheme,
  NetworkQuarter, NetworkPotential, OrgParticipation): a few rows whatever the network's size;
- profile or cohort filters: the per-organisation rows kept on submission (OrgThemeStatus,
  OrgQuarterScore, OrgPotential, OrgParticipation) of the matching organisations only;
- a date range: reporting.period, from the submitted assessments of the period.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, select

from ..domain import aggregation
from ..domain.aggregation import FunnelStep, Potential, QuarterPoint, ThemeTotals
from ..extensions import db
from ..models import (
    CharterSignature,
    CharterVersion,
    NetworkPotential,
    NetworkQuarter,
    NetworkTheme,
    Organisation,
    OrgParticipation,
    OrgPotential,
    ProfilePotential,
)
from .filters import (
    Filters,
    matching_org_ids,
    months_before,
    of_matching,
    org_conditions,
    statuses,
    to_group,
)
from .period import (
    ORG_QUARTER,
    Participation,
    PeriodParticipation,
    PotentialRow,
    QuarterSums,
    period_quarters,
)

TOP_CATEGORIES = 3
TOP_QUESTIONS = 5
POTENTIAL = OrgPotential.__table__
PROFILE_POTENTIAL = ProfilePotential.__table__
# The profile criteria whose losses are kept per value (profile_potential's facets).
KEPT_FACETS = ("legal_type", "section", "headcount", "postcode")
PARTICIPATION = OrgParticipation.__table__


def count_registered(territory_id: int, filters: Filters) -> int:
    """Organisations of the territory matching the filters (registered by the period's end)."""
    conditions = org_conditions(territory_id, filters)
    _, end = filters.window()
    if end is not None:
        created: ColumnElement[datetime] = Organisation.created_at.expression
        if filters.by_organisation:
            # Found by their profile or cohort, not along the registration-date index (which
            # SQLite, without statistics, would walk through the whole territory).
            created = func.coalesce(created, created)
        conditions.append(created < end)
    return db.session.scalar(select(func.count(Organisation.id)).where(*conditions)) or 0


def active_since(filters: Filters, now: datetime) -> datetime:
    """Active means an assessment within the 12 months before the period's end (or now)."""
    _, end = filters.window()
    reference = min(end, now) if end is not None else now
    return months_before(reference)


@dataclass(frozen=True)
class ActiveWindow:
    """Participation counted at `since`, still right at any later `since` up to `until`: the
    earliest submission then active, the first to leave the 12 months (None: none active).
    Nothing else changes it without a submission, which changes the figures' version."""

    counts: Participation
    since: datetime
    until: datetime | None

    def at(self, since: datetime) -> Participation | None:
        """The counts at `since`; None when an organisation may have stopped being active."""
        if since < self.since or (self.until is not None and since > self.until):
            return None
        return self.counts


class KeptWindow:
    """The latest ActiveWindow of some kept figures, replaced once outdated."""

    def __init__(self) -> None:
        self.window: ActiveWindow | None = None


def participation(territory_id: int, filters: Filters, since: datetime) -> ActiveWindow:
    """Count organisations by their submissions: any, since `since`, two of a theme or more."""
    again: ColumnElement[bool]
    if filters.theme is None:
        # OrgParticipation: one row per organisation that took part.
        if filters.by_organisation:
            p = of_matching(PARTICIPATION, territory_id, filters).c
            conditions: list[Any] = []
        else:
            p = PARTICIPATION.c
            conditions = [p.territory_id == territory_id]
        last, again = p.last_submitted_at, p.reassessed.is_(True)
    else:
        # One theme: one status per organisation.
        table, conditions = statuses(territory_id, filters)
        s = table.c
        last, again = s.latest_submitted_at, s.assessment_count >= 2
    row = db.session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((last >= since, 1), else_=0)), 0),
            func.coalesce(func.sum(case((again, 1), else_=0)), 0),
            func.min(case((last >= since, last))),
        ).where(*conditions)
    ).one()
    counts = Participation(int(row[0]), int(row[1]), int(row[2]))
    return ActiveWindow(counts, since, row[3])


def organisations_participation(territory_id: int, filters: Filters) -> PeriodParticipation:
    """`participation` of the profile and cohort filters before « active » is counted, kept
    with the figures (the rows change with submissions only): each matching organisation's
    last submission (of the theme, with one), and whether it reassessed."""
    if filters.theme is None:
        p = of_matching(PARTICIPATION, territory_id, filters).c
        query = select(p.last_submitted_at, p.reassessed)
    else:
        table, conditions = statuses(territory_id, filters)
        s = table.c
        query = select(s.latest_submitted_at, s.assessment_count >= 2).where(*conditions)
    rows = db.session.execute(query).all()
    return PeriodParticipation(
        len(rows),
        sum(1 for _, again in rows if again),
        array("d", sorted(moment.timestamp() for moment, _ in rows)),
    )


def count_signatories(territory_id: int, filters: Filters) -> int:
    """Organisations that signed a version of the territory's charter (by the period's end)."""
    query = (
        select(func.count(func.distinct(CharterSignature.organisation_id)))
        .join(CharterVersion, CharterVersion.id == CharterSignature.charter_version_id)
        .where(CharterVersion.territory_id == territory_id)
    )
    if filters.by_organisation:
        query = query.where(
            CharterSignature.organisation_id.in_(matching_org_ids(territory_id, filters))
        )
    _, end = filters.window()
    if end is not None:
        query = query.where(CharterSignature.signed_at < end)
    return db.session.scalar(query) or 0


def funnel(
    territory_id: int,
    filters: Filters,
    now: datetime,
    period: PeriodParticipation | None = None,
    registered: int | None = None,
    kept: KeptWindow | None = None,
) -> list[FunnelStep]:
    """The engagement funnel (counts of organisations, never suppressed): the participation of
    `period` when given, else `kept`'s while still right, else counted (and kept)."""
    since = active_since(filters, now)
    if period is not None:
        counts = period.at(since)
    else:
        window = kept.window if kept is not None else None
        found = window.at(since) if window is not None else None
        if found is None:
            window = participation(territory_id, filters, since)
            if kept is not None:
                kept.window = window
            found = window.counts
        counts = found
    return aggregation.funnel(
        registered=registered
        if registered is not None
        else count_registered(territory_id, filters),
        with_assessment=counts.with_assessment,
        active_12_months=counts.active,
        reassessed=counts.reassessed,
        charter_signatories=count_signatories(territory_id, filters),
    )


def network_themes(territory_id: int, filters: Filters) -> dict[str, ThemeTotals]:
    """The territory's NetworkTheme rows (kept on submission)."""
    query = select(NetworkTheme).where(NetworkTheme.territory_id == territory_id)
    if filters.theme is not None:
        query = query.where(NetworkTheme.theme_key == filters.theme)
    return {
        row.theme_key: ThemeTotals(
            n_status=row.n_status,
            n_scored=row.n_scored,
            score_sum=row.score_sum,
            band_counts=dict(row.band_counts or {}),
            n_pairs=row.n_pairs,
            first_sum=row.first_sum,
            latest_sum=row.latest_sum,
            improved=row.improved,
            declined=row.declined,
            median_score=row.median_score,
            median_change=row.median_change,
        )
        for row in db.session.scalars(query)
    }


def network_quarters(territory_id: int, filters: Filters) -> QuarterSums:
    """The territory's NetworkQuarter rows (kept on submission)."""
    query = select(
        NetworkQuarter.theme_key,
        NetworkQuarter.quarter,
        NetworkQuarter.score_sum,
        NetworkQuarter.n_scored,
    ).where(NetworkQuarter.territory_id == territory_id)
    if filters.theme is not None:
        query = query.where(NetworkQuarter.theme_key == filters.theme)
    found: QuarterSums = defaultdict(dict)
    for theme_key, quarter, total, n in db.session.execute(query):
        found[theme_key][quarter] = (float(total or 0.0), int(n or 0))
    return dict(found)


def organisations_quarters(territory_id: int, filters: Filters) -> QuarterSums:
    """The sums of the matching organisations' OrgQuarterScore rows."""
    q = to_group(ORG_QUARTER, territory_id, filters).c
    rows = db.session.execute(
        select(q.theme_key, q.quarter, func.sum(q.score), func.count(q.score)).group_by(
            q.theme_key, q.quarter
        )
    )
    found: QuarterSums = defaultdict(dict)
    for theme_key, quarter, total, n in rows:
        found[theme_key][quarter] = (float(total or 0.0), int(n or 0))
    return dict(found)


def quarterly(territory_id: int, filters: Filters) -> dict[str, list[QuarterPoint]]:
    """Mean score per quarter and theme, each organisation counted once per quarter."""
    if filters.dated:
        sums = period_quarters(territory_id, filters)
    elif filters.by_organisation:
        sums = organisations_quarters(territory_id, filters)
    else:
        sums = network_quarters(territory_id, filters)
    return {
        theme_key: aggregation.quarter_points(by_quarter) for theme_key, by_quarter in sums.items()
    }


# Where to act


def network_potential(territory_id: int, filters: Filters) -> list[PotentialRow]:
    """The territory's NetworkPotential rows (kept on submission)."""
    query = select(
        NetworkPotential.theme_key,
        NetworkPotential.kind,
        NetworkPotential.key,
        NetworkPotential.weighted_lost,
        NetworkPotential.weighted_max,
        NetworkPotential.n_orgs,
    ).where(NetworkPotential.territory_id == territory_id)
    if filters.theme is not None:
        query = query.where(NetworkPotential.theme_key == filters.theme)
    return [tuple(row) for row in db.session.execute(query)]  # type: ignore[misc]


def kept_facet(filters: Filters) -> tuple[str, str] | None:
    """(facet, value) when the filters keep organisations by one profile criterion only (a
    theme aside): their losses are then kept per value in profile_potential."""
    if filters.dated or filters.cohort is not None:
        return None
    chosen = [(name, getattr(filters, name)) for name in KEPT_FACETS]
    found = [(name, value) for name, value in chosen if value is not None]
    return found[0] if len(found) == 1 else None


def profile_potential(
    territory_id: int, facet: str, value: str, theme: str | None
) -> list[PotentialRow]:
    """The kept sums of one profile value's organisations, added up over their blocks."""
    c = PROFILE_POTENTIAL.c
    conditions = [c.territory_id == territory_id, c.facet == facet, c.value == value]
    if theme is not None:
        conditions.append(c.theme_key == theme)
    rows = db.session.execute(
        select(
            c.theme_key,
            c.kind,
            c.key,
            func.sum(c.weighted_lost),
            func.sum(c.weighted_max),
            func.sum(c.n_orgs),
        )
        .where(*conditions)
        .group_by(c.theme_key, c.kind, c.key)
    )
    return [
        (theme_key, kind, key, float(lost), float(maximum), int(n))
        for theme_key, kind, key, lost, maximum, n in rows
    ]


def organisations_potential(territory_id: int, filters: Filters) -> list[PotentialRow]:
    """The sums of the matching organisations' OrgPotential rows (kept per value for a single
    profile criterion, `kept_facet`)."""
    kept = kept_facet(filters)
    if kept is not None:
        return profile_potential(territory_id, *kept, filters.theme)
    o = to_group(POTENTIAL, territory_id, filters).c
    rows = db.session.execute(
        select(
            o.theme_key,
            o.kind,
            o.key,
            func.sum(o.weighted_lost),
            func.sum(o.weighted_max),
            func.count(),
        ).group_by(o.theme_key, o.kind, o.key)
    )
    return [tuple(row) for row in rows]


def potentials(rows: Iterable[PotentialRow]) -> dict[tuple[str, str], list[Potential]]:
    """Per (theme, kind): the categories and questions where the network loses the most."""
    grouped: dict[tuple[str, str], list[tuple[str, float, float, int]]] = defaultdict(list)
    for theme_key, kind, key, lost, maximum, n in rows:
        grouped[(theme_key, kind)].append((key, lost, maximum, n))
    return {
        (theme_key, kind): aggregation.rank_potential(
            items, TOP_CATEGORIES if kind == "category" else TOP_QUESTIONS
        )
        for (theme_key, kind), items in grouped.items()
    }
