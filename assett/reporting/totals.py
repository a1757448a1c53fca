"""Helpers of the dashboard's maintained tables: quarters, losses, latest-score totals.

The tables are written by `reporting.writer` only; these helpers serve it and the queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import FromClause

from ..clock import LOCAL_TIMEZONE
from ..domain.aggregation import UNCHANGED_TOLERANCE, ThemeTotals, median
from ..extensions import db
from ..models import NetworkVersion, PlanVersion

# domain.aggregation counts a change as a progress when round(change, 9) > 0.05: the same test
# without rounding each row in SQL.
CHANGE_THRESHOLD = round(UNCHANGED_TOLERANCE, 9) + 5e-10

NETWORK_VERSION = NetworkVersion.__table__
PLAN_VERSION = PlanVersion.__table__
Executor = Any  # the session, or a Connection


def quarter_of(moment: datetime) -> int:
    """The calendar quarter in France of a moment as year × 10 + quarter (20253 = 2025 T3)."""
    local = moment.astimezone(LOCAL_TIMEZONE)
    return local.year * 10 + (local.month - 1) // 3 + 1


@dataclass(frozen=True)
class Loss:
    """The weighted points a counted question (kind "question") or a category lost."""

    kind: str
    key: str
    weighted_lost: float
    weighted_max: float


def losses_of(answers: Iterable[Any]) -> list[Loss]:
    """Questions then categories of a submitted assessment's counted answers (scoring's
    weighted_lost: weight × (maximum − earned)), each in key order."""
    questions = sorted(
        (
            answer.question_key,
            answer.category_key,
            weight * (answer.maximum - answer.earned),
            weight * answer.maximum,
        )
        for answer in answers
        if answer.counted and answer.earned is not None
        for weight in [answer.weight if answer.weight is not None else 1.0]
    )
    categories: dict[str, list[float]] = {}
    for _, category_key, lost, maximum in questions:
        sums = categories.setdefault(category_key, [0.0, 0.0])
        sums[0] += lost
        sums[1] += maximum
    return [Loss("question", key, lost, maximum) for key, _, lost, maximum in questions] + [
        Loss("category", key, lost, maximum) for key, (lost, maximum) in sorted(categories.items())
    ]


def status_totals(
    table: FromClause, conditions: Sequence[ColumnElement[bool]], executor: Executor = None
) -> dict[str, ThemeTotals]:
    """Counts and sums of the latest scores by theme and level, and of the reassessed pairs.

    `table` has OrgThemeStatus's columns (latest_score, latest_band_key, first_score,
    assessment_count, theme_key); medians are left to `median_score` and `median_change`.
    """
    executor = executor if executor is not None else db.session
    s = table.c
    paired = and_(s.assessment_count >= 2, s.latest_score.isnot(None), s.first_score.isnot(None))
    change = s.latest_score - s.first_score
    rows = executor.execute(
        select(
            s.theme_key,
            s.latest_band_key,
            func.count(),
            func.count(s.latest_score),
            func.sum(s.latest_score),
            func.sum(case((paired, 1), else_=0)),
            func.sum(case((paired, s.first_score), else_=0.0)),
            func.sum(case((paired, s.latest_score), else_=0.0)),
            func.sum(case((and_(paired, change > CHANGE_THRESHOLD), 1), else_=0)),
            func.sum(case((and_(paired, change < -CHANGE_THRESHOLD), 1), else_=0)),
        )
        .where(*conditions)
        .group_by(s.theme_key, s.latest_band_key)
    )
    totals: dict[str, ThemeTotals] = defaultdict(ThemeTotals)
    for theme_key, band_key, n, scored, score_sum, pairs, first, latest, up, down in rows:
        entry = totals[theme_key]
        entry.n_status += n
        entry.n_scored += scored
        entry.score_sum += float(score_sum or 0.0)
        if band_key is not None and scored:
            entry.band_counts[band_key] = entry.band_counts.get(band_key, 0) + scored
        entry.n_pairs += int(pairs or 0)
        entry.first_sum += float(first or 0.0)
        entry.latest_sum += float(latest or 0.0)
        entry.improved += int(up or 0)
        entry.declined += int(down or 0)
    return dict(totals)


def _middle(values: Sequence[Any]) -> float | None:
    numbers = [float(value) for value in values if value is not None]
    return sum(numbers) / len(numbers) if numbers else None


def _median_window(n: int) -> tuple[int, int]:
    """OFFSET and LIMIT selecting the one or two middle values of n sorted values."""
    return ((n - 1) // 2, 1) if n % 2 else (n // 2 - 1, 2)


def median_score(
    table: FromClause,
    conditions: Sequence[ColumnElement[bool]],
    theme_key: str,
    n: int,
    executor: Executor = None,
) -> float | None:
    """The median of a theme's n latest scores (an index walk to the middle, no sort)."""
    if n <= 0:
        return None
    executor = executor if executor is not None else db.session
    s = table.c
    offset, limit = _median_window(n)
    values = executor.scalars(
        select(s.latest_score)
        .where(*conditions, s.theme_key == theme_key, s.latest_score.isnot(None))
        .order_by(s.latest_score)
        .offset(offset)
        .limit(limit)
    )
    return _middle(list(values))


def median_change(
    table: FromClause,
    conditions: Sequence[ColumnElement[bool]],
    theme_key: str,
    n: int,
    executor: Executor = None,
) -> float | None:
    """The median change first → latest of a theme's n reassessed organisations."""
    if n <= 0:
        return None
    executor = executor if executor is not None else db.session
    s = table.c
    change = s.latest_score - s.first_score
    offset, limit = _median_window(n)
    values = executor.scalars(
        select(change)
        .where(
            *conditions,
            s.theme_key == theme_key,
            s.assessment_count >= 2,
            s.latest_score.isnot(None),
            s.first_score.isnot(None),
        )
        .order_by(change)
        .offset(offset)
        .limit(limit)
    )
    return _middle(list(values))


def theme_totals(
    table: FromClause, conditions: Sequence[ColumnElement[bool]], executor: Executor = None
) -> dict[str, ThemeTotals]:
    """status_totals with both medians of each theme."""
    totals = status_totals(table, conditions, executor)
    for theme_key, entry in totals.items():
        entry.median_score = median_score(table, conditions, theme_key, entry.n_scored, executor)
        entry.median_change = median_change(table, conditions, theme_key, entry.n_pairs, executor)
    return totals


def read_medians(
    table: FromClause, conditions: Sequence[ColumnElement[bool]], totals: dict[str, ThemeTotals]
) -> dict[str, ThemeTotals]:
    """Set both medians of each theme from one read of the statuses' scores, sorted here.

    For the statuses of a filter's organisations (some thousands of rows): one statement, where
    `theme_totals` walks to each theme's middle twice (a sort of the matching rows each time).
    The same values are sorted, so the medians are the same.
    """
    s = table.c
    paired = and_(s.assessment_count >= 2, s.latest_score.isnot(None), s.first_score.isnot(None))
    scores: dict[str, list[float]] = defaultdict(list)
    changes: dict[str, list[float]] = defaultdict(list)
    for theme_key, score, change in db.session.execute(
        select(s.theme_key, s.latest_score, case((paired, s.latest_score - s.first_score))).where(
            *conditions, s.latest_score.isnot(None)
        )
    ):
        scores[theme_key].append(score)
        if change is not None:
            changes[theme_key].append(change)
    for theme_key, entry in totals.items():
        entry.median_score = median(scores[theme_key])
        entry.median_change = median(changes[theme_key])
    return totals


def version_of(territory_id: int) -> str | None:
    """The territory's current version token (None before any submission)."""
    return db.session.scalar(
        select(NETWORK_VERSION.c.token).where(NETWORK_VERSION.c.territory_id == territory_id)
    )


def plan_version_of(territory_id: int) -> str | None:
    """The token of the territory's plans (None before any plan change)."""
    return db.session.scalar(
        select(PLAN_VERSION.c.token).where(PLAN_VERSION.c.territory_id == territory_id)
    )


def last_of_each_quarter(
    rows: Iterable[tuple[int, str, int, datetime, float | None]],
) -> dict[tuple[int, str, int], tuple[int, datetime, float | None]]:
    """(organisation, theme, quarter) -> (assessment id, submitted_at, score) of the last one.

    Rows are (organisation_id, theme_key, assessment_id, submitted_at, score); on a tie of
    submitted_at the later row (higher id) wins, as in domain.aggregation.quarterly_means.
    """
    last: dict[tuple[int, str, int], tuple[int, datetime, float | None]] = {}
    for org_id, theme_key, assessment_id, submitted_at, score in rows:
        key = (org_id, theme_key, quarter_of(submitted_at))
        kept = last.get(key)
        if kept is None or (submitted_at, assessment_id) >= (kept[1], kept[0]):
            last[key] = (assessment_id, submitted_at, score)
    return last
