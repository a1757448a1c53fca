"""The animator dashboard's figures: one aggregate query per function, small groups suppressed.

Where the figures come from, by filter:
- no filter, or only a theme: the territory's rows kept on submission (NetworkTheme,
  NetworkQuarter, NetworkPotential, OrgParticipation): a few rows whatever the network's size;
- profile or cohort filters: the per-organisation rows kept on submission (OrgThemeStatus,
  OrgQuarterScore, OrgPotential, OrgParticipation) of the matching organisations only;
- a date range: recomputed from the submitted assessments of the period (each organisation's
  first and latest assessment in the period, their answers): exact, but it reads raw rows.

The figures about assessments are then cached per (territory, filters, version token, set of
matching organisations): the token changes in the transaction of every submission
(services.aggregates.bump_version), and the set of organisations is read at each request, so
that a profile or cohort change is seen at once. Counts of organisations (the funnel) are
never cached.

The privacy rule is domain.aggregation's: a figure about scores computed over fewer than
MIN_GROUP_SIZE organisations is None (and `suppressed`), so that no template, chart or export
can show it; counts of organisations are always given.
"""

from __future__ import annotations

import bisect
import hashlib
import math
import threading
from array import array
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Float, Select, Table, case, exists, func, literal, select
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import FromClause

from ..domain import aggregation
from ..domain.aggregation import (
    FunnelStep,
    PairedProgress,
    Potential,
    QuarterPoint,
    ThemeSummary,
    is_suppressed,
)
from ..domain.definitions import Band, ThemeDefinition
from ..extensions import db
from ..models import (
    Answer,
    Assessment,
    CharterSignature,
    CharterVersion,
    Cohort,
    CohortMember,
    NetworkPotential,
    NetworkQuarter,
    NetworkTheme,
    Organisation,
    OrgParticipation,
    OrgPotential,
    OrgQuarterScore,
    OrgThemeStatus,
    Territory,
)
from ..models._base import utcnow
from . import aggregates
from .aggregates import CHANGE_THRESHOLD, LOCAL_TIMEZONE, ThemeTotals, quarter_label
from .questionnaires import definition_of, published_version, territory_questionnaires

SHARING_WITH_ANIMATORS = ("animators", "public")
REASSESSMENT_MONTHS = 12
TOP_CATEGORIES = 3
TOP_QUESTIONS = 5
TOP_PROGRESSORS = 10
PAGE_SIZE = 50
CACHE_SIZE = 128  # figures kept per process; DASHBOARD_CACHE_SIZE = 0 turns the cache off

STATUS = OrgThemeStatus.__table__
ASSESSMENT = Assessment.__table__
ANSWER = Answer.__table__
POTENTIAL = OrgPotential.__table__
ORG_QUARTER = OrgQuarterScore.__table__
PARTICIPATION = OrgParticipation.__table__


# Filters


@dataclass(frozen=True)
class Filters:
    """What the animator narrows the dashboard to; every field optional (None: all)."""

    theme: str | None = None
    section: str | None = None
    headcount: str | None = None
    legal_type: str | None = None
    postcode: str | None = None
    cohort: int | None = None
    start: date | None = None
    end: date | None = None

    @property
    def by_organisation(self) -> bool:
        """Whether only some organisations count (profile or cohort)."""
        return any(
            value is not None
            for value in (self.section, self.headcount, self.legal_type, self.postcode, self.cohort)
        )

    @property
    def dated(self) -> bool:
        """Whether only the assessments of a period count."""
        return self.start is not None or self.end is not None

    @property
    def active(self) -> bool:
        """Whether any filter is set."""
        return self.theme is not None or self.by_organisation or self.dated

    def args(self) -> dict[str, str]:
        """The filters as URL query arguments (only those set)."""
        values = {
            "theme": self.theme,
            "section": self.section,
            "headcount": self.headcount,
            "legal_type": self.legal_type,
            "postcode": self.postcode,
            "cohort": str(self.cohort) if self.cohort is not None else None,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
        }
        return {key: value for key, value in values.items() if value is not None}

    def window(self) -> tuple[datetime | None, datetime | None]:
        """The period in UTC: from the start day's midnight to the end day's next midnight."""
        return (
            _local_midnight(self.start) if self.start else None,
            _local_midnight(self.end + timedelta(days=1)) if self.end else None,
        )


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=LOCAL_TIMEZONE).astimezone(UTC)


def months_before(moment: datetime, months: int = REASSESSMENT_MONTHS) -> datetime:
    """The same day `months` months earlier (the month's last day when it is shorter)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = moment.day
    while True:
        try:
            return moment.replace(year=year, month=month + 1, day=day)
        except ValueError:
            day -= 1


# The matching organisations


def _org_conditions(territory_id: int, filters: Filters) -> list[ColumnElement[bool]]:
    """Which organisations count: the territory's, narrowed by profile and cohort."""
    conditions = [Organisation.territory_id == territory_id]
    if filters.section is not None:
        conditions.append(Organisation.naf_section == filters.section)
    if filters.headcount is not None:
        conditions.append(Organisation.headcount_code == filters.headcount)
    if filters.legal_type is not None:
        conditions.append(Organisation.legal_type == filters.legal_type)
    if filters.postcode is not None:
        conditions.append(Organisation.postcode == filters.postcode)
    if filters.cohort is not None:
        conditions.append(
            Organisation.id.in_(
                select(CohortMember.organisation_id).where(CohortMember.cohort_id == filters.cohort)
            )
        )
    return conditions


def _matching_org_ids(territory_id: int, filters: Filters) -> Select[Any]:
    return select(Organisation.id).where(*_org_conditions(territory_id, filters))


def matching_digest(territory_id: int, filters: Filters) -> str:
    """A digest of the set of organisations the profile and cohort filters keep."""
    ids = db.session.scalars(_matching_org_ids(territory_id, filters).order_by(Organisation.id))
    digest = hashlib.blake2b(digest_size=16)
    for org_id in ids:
        digest.update(org_id.to_bytes(8, "little"))
    return digest.hexdigest()


def _of_matching(table: Table, territory_id: int, filters: Filters) -> FromClause:
    """The table's rows of the matching organisations (and theme), driven by the organisations'
    profile index."""
    query = (
        select(*table.c)
        .join(Organisation, Organisation.id == table.c.organisation_id)
        .where(*_org_conditions(territory_id, filters))
    )
    if filters.theme is not None and "theme_key" in table.c:
        query = query.where(table.c.theme_key == filters.theme)
    return query.subquery(table.name)


def _statuses(territory_id: int, filters: Filters) -> tuple[FromClause, list[Any]]:
    """OrgThemeStatus rows of the matching organisations and theme, and the conditions."""
    if filters.by_organisation:
        return _of_matching(STATUS, territory_id, filters), []
    conditions: list[Any] = [STATUS.c.territory_id == territory_id]
    if filters.theme is not None:
        conditions.append(STATUS.c.theme_key == filters.theme)
    return STATUS, conditions


def _period_conditions(
    territory_id: int, filters: Filters, organisations: bool = True
) -> list[ColumnElement[bool]]:
    """The submitted assessments of the period and theme (and matching organisations)."""
    a = ASSESSMENT.c
    conditions: list[ColumnElement[bool]] = [
        a.territory_id == territory_id,
        a.status == "submitted",
    ]
    begin, end = filters.window()
    if begin is not None:
        conditions.append(a.submitted_at >= begin)
    if end is not None:
        conditions.append(a.submitted_at < end)
    if filters.theme is not None:
        conditions.append(a.theme_key == filters.theme)
    if organisations and filters.by_organisation:
        conditions.append(a.organisation_id.in_(_matching_org_ids(territory_id, filters)))
    return conditions


def _period_statuses_query(territory_id: int, filters: Filters) -> FromClause:
    """Per organisation and theme: its first and latest assessment of the period, and how many.

    Columns as OrgThemeStatus's; a tie on the submission time goes to the later row for the
    latest, to the earlier one for the first. PostgreSQL sorts the period once (window
    functions); SQLite, whose window functions are slow, groups along an index instead.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        return _period_statuses_windowed(territory_id, filters)
    a = ASSESSMENT.c
    groups = (
        select(
            a.organisation_id,
            a.theme_key,
            func.max(a.submitted_at).label("last_at"),
            func.min(a.submitted_at).label("first_at"),
            func.count().label("assessment_count"),
        )
        .where(*_period_conditions(territory_id, filters))
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
        )
        .join(latest, latest.c.id == ids.c.latest_assessment_id)
        .join(first, first.c.id == ids.c.first_assessment_id)
        .subquery("statuses")
    )


def _period_statuses_windowed(territory_id: int, filters: Filters) -> FromClause:
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
            func.first_value(a.score, type_=Float)
            .over(partition_by=partition, order_by=(a.submitted_at, a.id), rows=whole)
            .label("first_score"),
            func.count().over(partition_by=partition).label("assessment_count"),
            func.row_number()
            .over(partition_by=partition, order_by=(a.submitted_at.desc(), a.id.desc()))
            .label("rank"),
        )
        .where(*_period_conditions(territory_id, filters))
        .subquery("ranked")
    )
    return (
        select(*(column for column in ranked.c if column.name != "rank"))
        .where(ranked.c.rank == 1)
        .subquery("statuses")
    )


# Participation (counts of organisations: computed at each request, never cached)


def count_registered(territory_id: int, filters: Filters) -> int:
    """Organisations of the territory matching the filters (registered by the period's end)."""
    conditions = _org_conditions(territory_id, filters)
    _, end = filters.window()
    if end is not None:
        conditions.append(Organisation.created_at < end)
    return db.session.scalar(select(func.count(Organisation.id)).where(*conditions)) or 0


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


def active_since(filters: Filters, now: datetime) -> datetime:
    """Active means an assessment within the 12 months before the period's end (or now)."""
    _, end = filters.window()
    reference = min(end, now) if end is not None else now
    return months_before(reference)


def participation(territory_id: int, filters: Filters, since: datetime) -> Participation:
    """Count organisations by their submissions: any, since `since`, two of a theme or more."""
    if filters.theme is None:
        # OrgParticipation: one row per organisation that took part.
        if filters.by_organisation:
            p = _of_matching(PARTICIPATION, territory_id, filters).c
            conditions: list[Any] = []
        else:
            p = PARTICIPATION.c
            conditions = [p.territory_id == territory_id]
        row = db.session.execute(
            select(
                func.count(),
                func.coalesce(func.sum(case((p.last_submitted_at >= since, 1), else_=0)), 0),
                func.coalesce(func.sum(case((p.reassessed.is_(True), 1), else_=0)), 0),
            ).where(*conditions)
        ).one()
        return Participation(int(row[0]), int(row[1]), int(row[2]))
    # One theme: one status per organisation.
    table, conditions = _statuses(territory_id, filters)
    s = table.c
    row = db.session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((s.latest_submitted_at >= since, 1), else_=0)), 0),
            func.coalesce(func.sum(case((s.assessment_count >= 2, 1), else_=0)), 0),
        ).where(*conditions)
    ).one()
    return Participation(int(row[0]), int(row[1]), int(row[2]))


def count_signatories(territory_id: int, filters: Filters) -> int:
    """Organisations that signed a version of the territory's charter (by the period's end)."""
    query = (
        select(func.count(func.distinct(CharterSignature.organisation_id)))
        .join(CharterVersion, CharterVersion.id == CharterSignature.charter_version_id)
        .where(CharterVersion.territory_id == territory_id)
    )
    if filters.by_organisation:
        query = query.where(
            CharterSignature.organisation_id.in_(_matching_org_ids(territory_id, filters))
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
) -> list[FunnelStep]:
    """The engagement funnel (counts of organisations, never suppressed)."""
    since = active_since(filters, now)
    counts = period.at(since) if period is not None else participation(territory_id, filters, since)
    return aggregation.funnel(
        registered=registered
        if registered is not None
        else count_registered(territory_id, filters),
        with_assessment=counts.with_assessment,
        active_12_months=counts.active,
        reassessed=counts.reassessed,
        charter_signatories=count_signatories(territory_id, filters),
    )


# Maturity and paired progress per theme


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


@dataclass(frozen=True)
class PeriodStatus:
    """An organisation's first and latest assessment of a theme in the period."""

    organisation_id: int
    theme_key: str
    latest_assessment_id: int
    latest_score: float | None
    latest_band_key: str | None
    latest_submitted_at: datetime
    first_score: float | None
    assessment_count: int


PotentialRow = tuple[str, str, str, float, float, int]  # theme, kind, key, lost, max, orgs


def period_statuses(territory_id: int, filters: Filters) -> list[PeriodStatus]:
    """Each matching organisation's first and latest assessment per theme in the period."""
    s = _period_statuses_query(territory_id, filters).c
    rows = db.session.execute(
        select(
            s.organisation_id,
            s.theme_key,
            s.latest_assessment_id,
            s.latest_score,
            s.latest_band_key,
            s.latest_submitted_at,
            s.first_score,
            s.assessment_count,
        )
    )
    return [PeriodStatus(*row) for row in rows]


def period_category_losses(territory_id: int, filters: Filters) -> list[PotentialRow]:
    """Per theme and category, the points lost by each organisation's latest assessment of the
    period, from the category sub-scores frozen at submission (no answer read)."""
    s = _period_statuses_query(territory_id, filters).c
    latest = ASSESSMENT.alias("scored")
    rows = db.session.execute(
        select(s.theme_key, latest.c.category_scores).join(
            latest, latest.c.id == s.latest_assessment_id
        )
    )
    sums: dict[tuple[str, str], list[float]] = {}
    for theme_key, categories in rows:
        for category_key, values in sorted((categories or {}).items()):
            if not values.get("counted"):
                continue
            entry = sums.setdefault((theme_key, category_key), [0.0, 0.0, 0])
            entry[0] += float(values["maximum"]) - float(values["earned"])
            entry[1] += float(values["maximum"])
            entry[2] += 1
    return [
        (theme_key, "category", key, lost, maximum, int(n))
        for (theme_key, key), (lost, maximum, n) in sums.items()
    ]


def totals_of(statuses: Iterable[PeriodStatus]) -> dict[str, ThemeTotals]:
    """ThemeTotals of statuses, with domain.aggregation's medians and tolerance."""
    by_theme: dict[str, list[PeriodStatus]] = defaultdict(list)
    for status in statuses:
        by_theme[status.theme_key].append(status)
    totals = {}
    for theme_key, rows in by_theme.items():
        scores = [row.latest_score for row in rows if row.latest_score is not None]
        bands: dict[str, int] = defaultdict(int)
        for row in rows:
            if row.latest_score is not None and row.latest_band_key is not None:
                bands[row.latest_band_key] += 1
        pairs = [
            (row.first_score, row.latest_score)
            for row in rows
            if row.assessment_count >= 2
            and row.first_score is not None
            and row.latest_score is not None
        ]
        changes = [latest - first for first, latest in pairs]
        totals[theme_key] = ThemeTotals(
            n_status=len(rows),
            n_scored=len(scores),
            score_sum=math.fsum(scores),
            band_counts=dict(bands),
            n_pairs=len(pairs),
            first_sum=math.fsum(first for first, _ in pairs),
            latest_sum=math.fsum(latest for _, latest in pairs),
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


def summary_of(totals: ThemeTotals, registered: int) -> ThemeSummary:
    """The theme's summary as domain.aggregation.summarise_theme gives it."""
    suppressed = is_suppressed(totals.n_scored)
    n_orgs = max(registered, totals.n_status)
    return ThemeSummary(
        n_orgs=n_orgs,
        n_scored=totals.n_scored,
        n_not_evaluated=n_orgs - totals.n_scored,
        mean=None if suppressed else totals.score_sum / totals.n_scored,
        median=None if suppressed else totals.median_score,
        band_counts=None if suppressed else dict(totals.band_counts),
        suppressed=suppressed,
    )


def paired_of(totals: ThemeTotals) -> PairedProgress:
    """The paired progress as domain.aggregation.paired_progress gives it."""
    n = totals.n_pairs
    if is_suppressed(n):
        return PairedProgress(n, None, None, None, None, None, None, None, suppressed=True)
    mean_first = totals.first_sum / n
    mean_latest = totals.latest_sum / n
    return PairedProgress(
        n=n,
        mean_first=mean_first,
        mean_latest=mean_latest,
        mean_change=mean_latest - mean_first,
        median_change=totals.median_change,
        improved=totals.improved,
        unchanged=n - totals.improved - totals.declined,
        declined=totals.declined,
        suppressed=False,
    )


# Progress per quarter


QuarterSums = dict[str, dict[int, tuple[float, int]]]  # theme -> quarter -> (sum, n scored)


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
    q = _of_matching(ORG_QUARTER, territory_id, filters).c
    rows = db.session.execute(
        select(q.theme_key, q.quarter, func.sum(q.score), func.count(q.score)).group_by(
            q.theme_key, q.quarter
        )
    )
    found: QuarterSums = defaultdict(dict)
    for theme_key, quarter, total, n in rows:
        found[theme_key][quarter] = (float(total or 0.0), int(n or 0))
    return dict(found)


def quarter_points(sums: dict[int, tuple[float, int]]) -> list[QuarterPoint]:
    """Quarters without gaps from the first to the last, suppressed below 5 organisations."""
    if not sums:
        return []
    points = []
    current, last = min(sums), max(sums)
    while current <= last:
        total, n = sums.get(current, (0.0, 0))
        suppressed = is_suppressed(n)
        points.append(
            QuarterPoint(
                quarter=quarter_label(current),
                n_orgs=n,
                mean=None if suppressed else total / n,
                suppressed=suppressed,
            )
        )
        year, quarter = divmod(current, 10)
        current = (year + 1) * 10 + 1 if quarter == 4 else current + 1
    return points


def period_quarters(territory_id: int, filters: Filters) -> QuarterSums:
    """Quarter sums over the period from the maintained OrgQuarterScore rows.

    An organisation's last assessment of a quarter counts if it falls in the period; in the
    quarter where the period ends mid-way, a last assessment after the end hides earlier ones
    of the period: that quarter is recomputed from its assessments (`partial_quarter`).
    """
    begin, end = filters.window()
    q = _of_matching(ORG_QUARTER, territory_id, filters).c
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
        last_quarter = aggregates.quarter_of(end - timedelta(microseconds=1))
        if aggregates.quarter_of(end) == last_quarter:  # the period ends inside that quarter
            for by_quarter in found.values():
                by_quarter.pop(last_quarter, None)
            for theme_key, sums in partial_quarter(territory_id, filters, last_quarter).items():
                found[theme_key][last_quarter] = sums
    return {theme_key: by_quarter for theme_key, by_quarter in found.items() if by_quarter}


def quarter_start(quarter: int) -> datetime:
    """The first moment of a local quarter, in UTC."""
    year, number = divmod(quarter, 10)
    return _local_midnight(date(year, 3 * (number - 1) + 1, 1))


def partial_quarter(
    territory_id: int, filters: Filters, quarter: int
) -> dict[str, tuple[float, int]]:
    """Per theme, (sum, count) of the organisations' last scores of the quarter in the period."""
    begin, _ = filters.window()
    start = quarter_start(quarter)
    a = ASSESSMENT.c
    rows = db.session.execute(
        select(a.organisation_id, a.theme_key, a.id, a.submitted_at, a.score).where(
            *_period_conditions(territory_id, filters),
            a.submitted_at >= (max(begin, start) if begin is not None else start),
        )
    )
    last = aggregates.last_of_each_quarter(tuple(row) for row in rows)
    sums: dict[str, tuple[float, int]] = {}
    for (_, theme_key, _quarter), (_, _, score) in last.items():
        total, n = sums.get(theme_key, (0.0, 0))
        sums[theme_key] = (total + (score or 0.0), n + (score is not None))
    return sums


def quarterly(territory_id: int, filters: Filters) -> dict[str, list[QuarterPoint]]:
    """Mean score per quarter and theme, each organisation counted once per quarter."""
    if filters.dated:
        sums = period_quarters(territory_id, filters)
    elif filters.by_organisation:
        sums = organisations_quarters(territory_id, filters)
    else:
        sums = network_quarters(territory_id, filters)
    return {theme_key: quarter_points(by_quarter) for theme_key, by_quarter in sums.items()}


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


def organisations_potential(territory_id: int, filters: Filters) -> list[PotentialRow]:
    """The sums of the matching organisations' OrgPotential rows."""
    o = _of_matching(POTENTIAL, territory_id, filters).c
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


def period_question_losses(territory_id: int, filters: Filters) -> list[PotentialRow]:
    """Per theme and question, the points lost by each organisation's latest assessment of the
    period (its counted answers)."""
    s = _period_statuses_query(territory_id, filters).c
    lost = ANSWER.c.weight * (ANSWER.c.maximum - ANSWER.c.earned)
    rows = db.session.execute(
        select(
            s.theme_key,
            literal("question"),
            ANSWER.c.question_key,
            func.sum(lost),
            func.sum(ANSWER.c.weight * ANSWER.c.maximum),
            func.count(),
        )
        .join(ANSWER, ANSWER.c.assessment_id == s.latest_assessment_id)
        .where(ANSWER.c.counted.is_(True), ANSWER.c.earned.isnot(None))
        .group_by(s.theme_key, ANSWER.c.question_key)
    )
    return [tuple(row) for row in rows]


def rank_potential(rows: Iterable[tuple[str, float, float, int]], top: int) -> list[Potential]:
    """domain.aggregation.improvement_potential's ranking, from sums already made."""
    kept = [
        (key, float(lost), float(maximum), int(n))
        for key, lost, maximum, n in rows
        if not is_suppressed(int(n))
    ]
    kept.sort(key=lambda row: (-row[1], row[0]))
    return [
        Potential(
            key=key,
            weighted_lost=lost,
            weighted_max=maximum,
            share_lost=lost / maximum if maximum > 0 else 0.0,
            n_orgs=n,
        )
        for key, lost, maximum, n in kept[: max(top, 0)]
    ]


def potentials(rows: Iterable[PotentialRow]) -> dict[tuple[str, str], list[Potential]]:
    """Per (theme, kind): the categories and questions where the network loses the most."""
    grouped: dict[tuple[str, str], list[tuple[str, float, float, int]]] = defaultdict(list)
    for theme_key, kind, key, lost, maximum, n in rows:
        grouped[(theme_key, kind)].append((key, lost, maximum, n))
    return {
        (theme_key, kind): rank_potential(
            items, TOP_CATEGORIES if kind == "category" else TOP_QUESTIONS
        )
        for (theme_key, kind), items in grouped.items()
    }


# The figures about assessments, computed then cached


@dataclass(frozen=True)
class Figures:
    """What the dashboard computes from the assessments for some filters."""

    totals: dict[str, ThemeTotals]
    quarters: dict[str, list[QuarterPoint]]
    potentials: dict[tuple[str, str], list[Potential]]
    period: PeriodParticipation | None


def compute_figures(territory_id: int, filters: Filters) -> Figures:
    """Compute the figures from the maintained tables (or the period's raw rows)."""
    if filters.dated:
        statuses = period_statuses(territory_id, filters)
        return Figures(
            totals=totals_of(statuses),
            quarters=quarterly(territory_id, filters),
            potentials=potentials(
                period_question_losses(territory_id, filters)
                + period_category_losses(territory_id, filters)
            ),
            period=period_participation(statuses),
        )
    if filters.by_organisation:
        table, conditions = _statuses(territory_id, filters)
        return Figures(
            totals=aggregates.theme_totals(table, conditions),
            quarters=quarterly(territory_id, filters),
            potentials=potentials(organisations_potential(territory_id, filters)),
            period=None,
        )
    return Figures(
        totals=network_themes(territory_id, filters),
        quarters=quarterly(territory_id, filters),
        potentials=potentials(network_potential(territory_id, filters)),
        period=None,
    )


class FigureCache:
    """The latest figures computed, per key, in this process (least recently used dropped)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[Any, ...], Figures] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple[Any, ...]) -> Figures | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: tuple[Any, ...], figures: Figures) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._entries[key] = figures
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


def figure_cache() -> FigureCache:
    """This application's cache (DASHBOARD_CACHE_SIZE entries; 0 turns it off)."""
    extensions = current_app.extensions
    cache = extensions.get("assett_dashboard_figures")
    if cache is None:
        cache = FigureCache(int(current_app.config.get("DASHBOARD_CACHE_SIZE", CACHE_SIZE)))
        extensions["assett_dashboard_figures"] = cache
    return cache


def figures(territory_id: int, filters: Filters) -> Figures:
    """The figures for the filters, from the cache when nothing they depend on changed.

    The key holds the territory's version token, read first (every submission changes it in
    its own transaction) and, with profile or cohort filters, the set of matching
    organisations, so that a changed profile or cohort is seen at once.
    """
    cache = figure_cache()
    key = (
        territory_id,
        aggregates.version_of(territory_id),
        tuple(sorted(filters.args().items())),
        matching_digest(territory_id, filters) if filters.by_organisation else None,
    )
    found = cache.get(key)
    if found is None:
        found = compute_figures(territory_id, filters)
        cache.put(key, found)
    return found


# Themes and their labels


@dataclass(frozen=True)
class ThemeInfo:
    """A theme as the dashboard names it: its current definition's bands and labels."""

    key: str
    title: str
    enabled: bool
    definition: ThemeDefinition | None

    @property
    def bands(self) -> list[Band]:
        return list(self.definition.bands) if self.definition else []

    def category_title(self, key: str) -> str:
        """The category's title in the current version (its key if it was removed)."""
        if self.definition is not None:
            for category in self.definition.categories:
                if category.key == key:
                    return category.title
        return key

    def question_text(self, key: str) -> str:
        """The question's text in the current version (its key if it was removed)."""
        if self.definition is not None:
            for _, question in self.definition.iter_questions():
                if question.key == key:
                    return question.text
        return key

    def question_category(self, key: str) -> str | None:
        """The key of the category holding the question in the current version."""
        if self.definition is not None:
            for category, question in self.definition.iter_questions():
                if question.key == key:
                    return category.key
        return None


def themes_of(territory_id: int) -> list[ThemeInfo]:
    """The territory's themes in display order, disabled ones included (their history counts)."""
    infos = []
    for questionnaire in territory_questionnaires(territory_id, enabled_only=False):
        version = published_version(questionnaire)
        infos.append(
            ThemeInfo(
                key=questionnaire.theme_key,
                title=questionnaire.title,
                enabled=questionnaire.enabled,
                definition=definition_of(version) if version is not None else None,
            )
        )
    return infos


# The overview


@dataclass(frozen=True)
class BandShare:
    """How many organisations' latest score falls in one band (None when suppressed)."""

    key: str
    label: str
    count: int | None
    share: float | None


@dataclass(frozen=True)
class PotentialLine:
    """A category or question to work on, with its label."""

    key: str
    label: str
    category: str | None
    potential: Potential

    @property
    def lost_per_org(self) -> float:
        """Weighted points lost on average by each organisation it counted for."""
        return self.potential.weighted_lost / self.potential.n_orgs


@dataclass(frozen=True)
class ThemeView:
    """Everything the dashboard shows about one theme."""

    info: ThemeInfo
    summary: ThemeSummary
    bands: list[BandShare]
    paired: PairedProgress
    quarters: list[QuarterPoint]
    categories: list[PotentialLine]
    questions: list[PotentialLine]

    @property
    def key(self) -> str:
        return self.info.key

    @property
    def title(self) -> str:
        return self.info.title


@dataclass(frozen=True)
class Overview:
    """The dashboard: participation funnel, then each theme."""

    territory_id: int
    filters: Filters
    registered: int
    funnel: list[FunnelStep]
    themes: list[ThemeView]
    active_since: datetime
    computed_at: datetime

    @property
    def quarter_labels(self) -> list[str]:
        """Every quarter of any theme, in order ("2025 T3")."""
        return sorted({point.quarter for theme in self.themes for point in theme.quarters})


def _bands(info: ThemeInfo, summary: ThemeSummary) -> list[BandShare]:
    counts = summary.band_counts
    labels = {band.key: band.label for band in info.bands}
    keys = [band.key for band in info.bands]
    if counts is not None:
        keys += sorted(key for key in counts if key not in labels)  # bands of older versions
    shares = []
    for key in keys:
        count = None if counts is None else counts.get(key, 0)
        share = None if count is None or not summary.n_scored else count / summary.n_scored
        shares.append(BandShare(key, labels.get(key, key), count, share))
    return shares


def _lines(info: ThemeInfo, found: list[Potential], kind: str) -> list[PotentialLine]:
    lines = []
    for potential in found:
        if kind == "category":
            lines.append(
                PotentialLine(potential.key, info.category_title(potential.key), None, potential)
            )
            continue
        category_key = info.question_category(potential.key)
        lines.append(
            PotentialLine(
                potential.key,
                info.question_text(potential.key),
                info.category_title(category_key) if category_key else None,
                potential,
            )
        )
    return lines


def overview(
    territory: Territory,
    filters: Filters,
    now: datetime | None = None,
    themes: list[ThemeInfo] | None = None,
) -> Overview:
    """Compute the dashboard for the filters (`themes`: themes_of(territory), if known)."""
    now = now or utcnow()
    territory_id = territory.id
    infos = [
        info
        for info in (themes if themes is not None else themes_of(territory_id))
        if filters.theme is None or info.key == filters.theme
    ]
    registered = count_registered(territory_id, filters)
    found = figures(territory_id, filters)
    infos = [info for info in infos if info.enabled or info.key in found.totals]
    views = []
    for info in infos:
        totals = found.totals.get(info.key, ThemeTotals())
        summary = summary_of(totals, registered)
        views.append(
            ThemeView(
                info=info,
                summary=summary,
                bands=_bands(info, summary),
                paired=paired_of(totals),
                quarters=found.quarters.get(info.key, []),
                categories=_lines(
                    info, found.potentials.get((info.key, "category"), []), "category"
                ),
                questions=_lines(
                    info, found.potentials.get((info.key, "question"), []), "question"
                ),
            )
        )
    return Overview(
        territory_id=territory_id,
        filters=filters,
        registered=registered,
        funnel=funnel(territory_id, filters, now, found.period, registered),
        themes=views,
        active_since=active_since(filters, now),
        computed_at=now,
    )


# Organisations that share their results with the animators


@dataclass(frozen=True)
class ThemeResult:
    """A sharing organisation's latest result on one theme."""

    theme_key: str
    score: float | None
    band_key: str | None
    first_score: float | None
    submitted_at: datetime
    assessment_count: int
    reassessment_due: bool


@dataclass(frozen=True)
class SharingOrganisation:
    """A sharing organisation with its latest result per theme."""

    organisation: Organisation
    results: dict[str, ThemeResult]

    @property
    def due_themes(self) -> list[str]:
        return [key for key, result in self.results.items() if result.reassessment_due]


def _sharing_conditions(territory_id: int, filters: Filters) -> list[ColumnElement[bool]]:
    conditions = [
        *_org_conditions(territory_id, filters),
        Organisation.sharing.in_(SHARING_WITH_ANIMATORS),
    ]
    if filters.dated:
        conditions.append(
            exists(
                select(ASSESSMENT.c.id).where(
                    ASSESSMENT.c.organisation_id == Organisation.id,
                    *_period_conditions(territory_id, filters, organisations=False),
                )
            )
        )
    elif filters.theme is not None:
        conditions.append(
            exists(
                select(STATUS.c.organisation_id).where(
                    STATUS.c.organisation_id == Organisation.id,
                    STATUS.c.theme_key == filters.theme,
                )
            )
        )
    return conditions


def count_sharing(territory_id: int, filters: Filters) -> int:
    """Sharing organisations matching the filters."""
    return (
        db.session.scalar(
            select(func.count(Organisation.id)).where(*_sharing_conditions(territory_id, filters))
        )
        or 0
    )


def sharing_page(
    territory_id: int, filters: Filters, page: int = 1, per_page: int | None = PAGE_SIZE
) -> list[Organisation]:
    """One page of the sharing organisations, by name (per_page None: all of them)."""
    query = (
        select(Organisation)
        .where(*_sharing_conditions(territory_id, filters))
        .order_by(func.lower(Organisation.name), Organisation.id)
    )
    if per_page is not None:
        query = query.offset((max(page, 1) - 1) * per_page).limit(per_page)
    return list(db.session.scalars(query))


def results_of(
    organisation_ids: Sequence[int], now: datetime, theme_key: str | None = None
) -> dict[int, dict[str, ThemeResult]]:
    """The latest result per theme of the given organisations (OrgThemeStatus)."""
    if not organisation_ids:
        return {}
    due_before = months_before(now)
    query = select(
        STATUS.c.organisation_id,
        STATUS.c.theme_key,
        STATUS.c.latest_score,
        STATUS.c.latest_band_key,
        STATUS.c.first_score,
        STATUS.c.latest_submitted_at,
        STATUS.c.assessment_count,
    ).where(STATUS.c.organisation_id.in_(list(organisation_ids)))
    if theme_key is not None:
        query = query.where(STATUS.c.theme_key == theme_key)
    found: dict[int, dict[str, ThemeResult]] = defaultdict(dict)
    for org_id, key, score, band_key, first, submitted_at, count in db.session.execute(query):
        found[org_id][key] = ThemeResult(
            theme_key=key,
            score=score,
            band_key=band_key,
            first_score=first,
            submitted_at=submitted_at,
            assessment_count=count,
            reassessment_due=submitted_at < due_before,
        )
    return dict(found)


def sharing_organisations(
    territory_id: int,
    filters: Filters,
    now: datetime,
    page: int = 1,
    per_page: int | None = PAGE_SIZE,
) -> list[SharingOrganisation]:
    """A page of sharing organisations with their latest result per theme."""
    organisations = sharing_page(territory_id, filters, page, per_page)
    results = results_of([org.id for org in organisations], now, filters.theme)
    return [SharingOrganisation(org, results.get(org.id, {})) for org in organisations]


@dataclass(frozen=True)
class Progressor:
    """A sharing organisation whose score on a theme rose the most from first to latest."""

    organisation_id: int
    name: str
    commune: str | None
    theme_key: str
    first_score: float
    latest_score: float
    assessment_count: int

    @property
    def gain(self) -> float:
        return self.latest_score - self.first_score


def top_progressors(
    territory_id: int, filters: Filters, limit: int = TOP_PROGRESSORS
) -> list[Progressor]:
    """The sharing organisations with the largest first → latest gain on a theme."""
    table: FromClause
    conditions: list[Any]
    if filters.dated:
        table, conditions = _period_statuses_query(territory_id, filters), []
    else:
        table, conditions = _statuses(territory_id, filters)
    s = table.c
    gain = s.latest_score - s.first_score
    rows = db.session.execute(
        select(
            Organisation.id,
            Organisation.name,
            Organisation.commune,
            s.theme_key,
            s.first_score,
            s.latest_score,
            s.assessment_count,
        )
        .select_from(table.join(Organisation, Organisation.id == s.organisation_id))
        .where(
            *conditions,
            Organisation.sharing.in_(SHARING_WITH_ANIMATORS),
            s.assessment_count >= 2,
            s.latest_score.isnot(None),
            s.first_score.isnot(None),
            gain > CHANGE_THRESHOLD,
        )
        .order_by(gain.desc(), func.lower(Organisation.name), s.theme_key)
        .limit(limit)
    )
    return [Progressor(*row) for row in rows]


# Filter choices


def communes_of(territory_id: int) -> list[tuple[str, str]]:
    """The (postcode, commune) pairs of the territory's organisations, one per postcode."""
    rows = db.session.execute(
        select(Organisation.postcode, func.min(Organisation.commune))
        .where(Organisation.territory_id == territory_id, Organisation.postcode.isnot(None))
        .group_by(Organisation.postcode)
        .order_by(Organisation.postcode)
    )
    return [(postcode or "", commune or "") for postcode, commune in rows]


def cohorts_of(territory_id: int) -> list[Cohort]:
    """The territory's cohorts by name."""
    return list(
        db.session.scalars(
            select(Cohort).where(Cohort.territory_id == territory_id).order_by(Cohort.name)
        )
    )
