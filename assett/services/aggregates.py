"""Keep the dashboard's maintained tables (models/aggregates.py) in step with the raw rows.

Called inside the transactions that change what they summarise, never committing themselves:
`record_submission` from `assessments.submit_assessment`, `forget_organisation` from
`organisations.delete_organisation`.

- Per-organisation rows are replaced (the organisation's row lock, taken by the submission,
  serialises them).
- Territory sums (NetworkPotential, NetworkQuarter) are updated with SQL increments
  (INSERT … ON CONFLICT DO UPDATE SET x = x + excluded.x) in key order, so that two
  submissions of one territory at the same time on PostgreSQL neither lose an update nor
  deadlock.
- NetworkTheme holds medians, which no increment can keep: its row is locked, then
  recomputed from OrgThemeStatus (a few milliseconds per submission at 10,000 organisations).

`rebuild` recomputes everything from the raw rows (after a migration, or to repair).
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, and_, case, delete, func, insert, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import FromClause

from ..domain.aggregation import UNCHANGED_TOLERANCE
from ..extensions import db
from ..models import (
    Answer,
    Assessment,
    NetworkPotential,
    NetworkQuarter,
    NetworkTheme,
    NetworkVersion,
    Organisation,
    OrgParticipation,
    OrgPotential,
    OrgQuarterScore,
    OrgThemeStatus,
)
from ..models._base import utcnow

# Quarters are those of the territory's calendar (BABEL_DEFAULT_TIMEZONE).
LOCAL_TIMEZONE = ZoneInfo("Europe/Paris")
# domain.aggregation counts a change as a progress when round(change, 9) > 0.05: the same test
# without rounding each row in SQL.
CHANGE_THRESHOLD = round(UNCHANGED_TOLERANCE, 9) + 5e-10

POTENTIAL = OrgPotential.__table__
QUARTER = OrgQuarterScore.__table__
PARTICIPATION = OrgParticipation.__table__
STATUS = OrgThemeStatus.__table__
NETWORK_POTENTIAL = NetworkPotential.__table__
NETWORK_QUARTER = NetworkQuarter.__table__
NETWORK_THEME = NetworkTheme.__table__
NETWORK_VERSION = NetworkVersion.__table__

PotentialKey = tuple[str, str, str]  # theme_key, kind, key
PotentialDelta = dict[PotentialKey, list[float]]  # [weighted_lost, weighted_max, n_orgs]
QuarterKey = tuple[str, int]  # theme_key, quarter
QuarterDelta = dict[QuarterKey, list[float]]  # [score_sum, n_scored, n_orgs]
Executor = Any  # the session, or a Connection (bulk loads)


def quarter_of(moment: datetime) -> int:
    """The local calendar quarter of a moment as year × 10 + quarter (20253 = 2025 T3)."""
    local = moment.astimezone(LOCAL_TIMEZONE)
    return local.year * 10 + (local.month - 1) // 3 + 1


def quarter_label(quarter: int) -> str:
    """20253 -> "2025 T3", as domain.aggregation names quarters."""
    return f"{quarter // 10} T{quarter % 10}"


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
    return losses_from(
        (
            answer.question_key,
            answer.category_key,
            answer.weight if answer.weight is not None else 1.0,
            answer.maximum,
            answer.earned,
        )
        for answer in answers
        if answer.counted and answer.earned is not None
    )


def losses_from(counted: Iterable[tuple[str, str, float, float, float]]) -> list[Loss]:
    """losses_of from (question_key, category_key, weight, maximum, earned) of counted answers."""
    questions = sorted(
        (key, category_key, weight * (maximum - earned), weight * maximum)
        for key, category_key, weight, maximum, earned in counted
    )
    categories: dict[str, list[float]] = {}
    for _, category_key, lost, maximum in questions:
        sums = categories.setdefault(category_key, [0.0, 0.0])
        sums[0] += lost
        sums[1] += maximum
    return [Loss("question", key, lost, maximum) for key, _, lost, maximum in questions] + [
        Loss("category", key, lost, maximum) for key, (lost, maximum) in sorted(categories.items())
    ]


def add_losses(delta: PotentialDelta, theme_key: str, losses: Sequence[Loss], sign: int) -> None:
    """One organisation's latest assessment of a theme, added (+1) or taken away (−1)."""
    for loss in losses:
        entry = delta.setdefault((theme_key, loss.kind, loss.key), [0.0, 0.0, 0])
        entry[0] += sign * loss.weighted_lost
        entry[1] += sign * loss.weighted_max
        entry[2] += sign


def add_quarter(
    delta: QuarterDelta, theme_key: str, quarter: int, score: float | None, sign: int
) -> None:
    """One organisation's last score of a quarter, added (+1) or taken away (−1)."""
    entry = delta.setdefault((theme_key, quarter), [0.0, 0, 0])
    if score is not None:
        entry[0] += sign * score
        entry[1] += sign
    entry[2] += sign


def _dialect_name(executor: Executor) -> str:
    bind = executor if isinstance(executor, Connection) else executor.get_bind()
    return str(bind.dialect.name)


def _dialect_insert(table: Table, executor: Executor) -> Any:
    name = _dialect_name(executor)
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"base de données non prise en charge : {name}")


def _increment(
    table: Table,
    keys: Sequence[str],
    sums: Sequence[str],
    rows: list[dict[str, Any]],
    executor: Executor,
) -> None:
    """Add each row's sums to the stored ones, creating missing rows, in key order."""
    if not rows:
        return
    rows.sort(key=lambda row: tuple(row[key] for key in keys))
    statement = _dialect_insert(table, executor)
    statement = statement.on_conflict_do_update(
        index_elements=list(keys),
        set_={name: table.c[name] + statement.excluded[name] for name in sums},
    )
    executor.execute(statement, rows)


def apply_potential(territory_id: int, delta: PotentialDelta, executor: Executor = None) -> None:
    """Add the deltas to the territory's NetworkPotential rows; drop rows left with no one."""
    executor = executor if executor is not None else db.session
    rows = [
        {
            "territory_id": territory_id,
            "theme_key": theme_key,
            "kind": kind,
            "key": key,
            "weighted_lost": lost,
            "weighted_max": maximum,
            "n_orgs": int(n),
        }
        for (theme_key, kind, key), (lost, maximum, n) in delta.items()
        if n or lost or maximum
    ]
    _increment(
        NETWORK_POTENTIAL,
        ("territory_id", "theme_key", "kind", "key"),
        ("weighted_lost", "weighted_max", "n_orgs"),
        rows,
        executor,
    )
    if rows:
        # Only the rows just updated (and locked): never wait on another submission's rows.
        keys = sorted((row["theme_key"], row["kind"], row["key"]) for row in rows)
        executor.execute(
            delete(NETWORK_POTENTIAL).where(
                NETWORK_POTENTIAL.c.territory_id == territory_id,
                tuple_(
                    NETWORK_POTENTIAL.c.theme_key, NETWORK_POTENTIAL.c.kind, NETWORK_POTENTIAL.c.key
                ).in_(keys),
                NETWORK_POTENTIAL.c.n_orgs <= 0,
            )
        )


def apply_quarters(territory_id: int, delta: QuarterDelta, executor: Executor = None) -> None:
    """Add the deltas to the territory's NetworkQuarter rows; drop quarters left empty."""
    executor = executor if executor is not None else db.session
    rows = [
        {
            "territory_id": territory_id,
            "theme_key": theme_key,
            "quarter": quarter,
            "score_sum": score_sum,
            "n_scored": int(n_scored),
            "n_orgs": int(n_orgs),
        }
        for (theme_key, quarter), (score_sum, n_scored, n_orgs) in delta.items()
        if score_sum or n_scored or n_orgs
    ]
    _increment(
        NETWORK_QUARTER,
        ("territory_id", "theme_key", "quarter"),
        ("score_sum", "n_scored", "n_orgs"),
        rows,
        executor,
    )
    if not rows:
        return
    # Only the rows just updated (and locked): never wait on another submission's rows.
    scope = (
        NETWORK_QUARTER.c.territory_id == territory_id,
        tuple_(NETWORK_QUARTER.c.theme_key, NETWORK_QUARTER.c.quarter).in_(
            sorted((row["theme_key"], row["quarter"]) for row in rows)
        ),
    )
    executor.execute(delete(NETWORK_QUARTER).where(*scope, NETWORK_QUARTER.c.n_orgs <= 0))
    # Without a score left, float noise in the sum would read as a mean: make it zero.
    executor.execute(
        update(NETWORK_QUARTER)
        .where(*scope, NETWORK_QUARTER.c.n_scored <= 0, NETWORK_QUARTER.c.score_sum != 0)
        .values(score_sum=0.0)
    )


# Latest scores: totals and medians over OrgThemeStatus-shaped rows (also used, filtered, by
# services.dashboard).


@dataclass
class ThemeTotals:
    """Latest scores of one theme: counts and sums per level, reassessed pairs, medians."""

    n_status: int = 0
    n_scored: int = 0
    score_sum: float = 0.0
    band_counts: dict[str, int] = field(default_factory=dict)
    n_pairs: int = 0
    first_sum: float = 0.0
    latest_sum: float = 0.0
    improved: int = 0
    declined: int = 0
    median_score: float | None = None
    median_change: float | None = None


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


def refresh_theme(
    territory_id: int, theme_key: str, executor: Executor = None, excluding: int | None = None
) -> None:
    """Recompute the territory's NetworkTheme row of a theme from OrgThemeStatus.

    The row is locked first (PostgreSQL), so that two submissions of the theme at the same
    time recompute one after the other, the second seeing the first. `excluding`: an
    organisation about to be deleted.
    """
    executor = executor if executor is not None else db.session
    key = {"territory_id": territory_id, "theme_key": theme_key}
    where = (NETWORK_THEME.c.territory_id == territory_id, NETWORK_THEME.c.theme_key == theme_key)
    executor.execute(
        _dialect_insert(NETWORK_THEME, executor).values(**key).on_conflict_do_nothing()
    )
    if _dialect_name(executor) == "postgresql":
        executor.execute(select(NETWORK_THEME.c.territory_id).where(*where).with_for_update())
    conditions = [STATUS.c.territory_id == territory_id, STATUS.c.theme_key == theme_key]
    if excluding is not None:
        conditions.append(STATUS.c.organisation_id != excluding)
    totals = theme_totals(STATUS, conditions, executor).get(theme_key)
    if totals is None or totals.n_status == 0:
        executor.execute(delete(NETWORK_THEME).where(*where))
        return
    executor.execute(
        update(NETWORK_THEME)
        .where(*where)
        .values(
            n_status=totals.n_status,
            n_scored=totals.n_scored,
            score_sum=totals.score_sum,
            median_score=totals.median_score,
            band_counts=dict(sorted(totals.band_counts.items())),
            n_pairs=totals.n_pairs,
            first_sum=totals.first_sum,
            latest_sum=totals.latest_sum,
            median_change=totals.median_change,
            improved=totals.improved,
            declined=totals.declined,
        )
    )


def bump_version(territory_id: int, executor: Executor = None) -> None:
    """Give the territory's figures a new version token (cached figures become unreachable)."""
    executor = executor if executor is not None else db.session
    statement = _dialect_insert(NETWORK_VERSION, executor).values(
        territory_id=territory_id, token=secrets.token_hex(16), changed_at=utcnow()
    )
    statement = statement.on_conflict_do_update(
        index_elements=["territory_id"],
        set_={"token": statement.excluded.token, "changed_at": statement.excluded.changed_at},
    )
    executor.execute(statement)


def version_of(territory_id: int) -> str | None:
    """The territory's current version token (None before any submission)."""
    return db.session.scalar(
        select(NETWORK_VERSION.c.token).where(NETWORK_VERSION.c.territory_id == territory_id)
    )


# On submission


def _stored_losses(organisation_id: int, theme_key: str | None = None) -> dict[str, list[Loss]]:
    """An organisation's OrgPotential rows by theme."""
    query = select(
        POTENTIAL.c.theme_key,
        POTENTIAL.c.kind,
        POTENTIAL.c.key,
        POTENTIAL.c.weighted_lost,
        POTENTIAL.c.weighted_max,
    ).where(POTENTIAL.c.organisation_id == organisation_id)
    if theme_key is not None:
        query = query.where(POTENTIAL.c.theme_key == theme_key)
    found: dict[str, list[Loss]] = defaultdict(list)
    for row in db.session.execute(query):
        found[row.theme_key].append(Loss(*row[1:]))
    return found


def potential_rows(
    organisation_id: int,
    theme_key: str,
    territory_id: int,
    assessment_id: int,
    losses: Iterable[Loss],
) -> list[dict[str, Any]]:
    """OrgPotential rows of one organisation's latest assessment of a theme."""
    return [
        {
            "organisation_id": organisation_id,
            "theme_key": theme_key,
            "kind": loss.kind,
            "key": loss.key,
            "territory_id": territory_id,
            "assessment_id": assessment_id,
            "weighted_lost": loss.weighted_lost,
            "weighted_max": loss.weighted_max,
        }
        for loss in losses
    ]


def _replace_latest(assessment: Assessment) -> None:
    """The assessment is now the latest of its theme: swap its losses in for the old ones."""
    org_id, theme_key = assessment.organisation_id, assessment.theme_key
    old = _stored_losses(org_id, theme_key).get(theme_key, [])
    new = losses_of(assessment.answers)
    delta: PotentialDelta = {}
    add_losses(delta, theme_key, old, -1)
    add_losses(delta, theme_key, new, +1)
    db.session.execute(
        delete(POTENTIAL).where(
            POTENTIAL.c.organisation_id == org_id, POTENTIAL.c.theme_key == theme_key
        )
    )
    rows = potential_rows(org_id, theme_key, assessment.territory_id, assessment.id, new)
    if rows:
        db.session.execute(insert(POTENTIAL), rows)
    apply_potential(assessment.territory_id, delta)


def _record_quarter(assessment: Assessment, submitted_at: datetime) -> None:
    """The assessment becomes its organisation's last of the quarter unless a later one is."""
    quarter = quarter_of(submitted_at)
    key = (
        QUARTER.c.organisation_id == assessment.organisation_id,
        QUARTER.c.theme_key == assessment.theme_key,
        QUARTER.c.quarter == quarter,
    )
    current = db.session.execute(
        select(QUARTER.c.submitted_at, QUARTER.c.score).where(*key)
    ).first()
    delta: QuarterDelta = {}
    values = {
        "assessment_id": assessment.id,
        "submitted_at": submitted_at,
        "score": assessment.score,
    }
    if current is None:
        db.session.execute(
            insert(QUARTER).values(
                organisation_id=assessment.organisation_id,
                theme_key=assessment.theme_key,
                quarter=quarter,
                territory_id=assessment.territory_id,
                **values,
            )
        )
    elif submitted_at >= current.submitted_at:  # a tie goes to the later row, as in the domain
        db.session.execute(update(QUARTER).where(*key).values(**values))
        add_quarter(delta, assessment.theme_key, quarter, current.score, -1)
    else:
        return
    add_quarter(delta, assessment.theme_key, quarter, assessment.score, +1)
    apply_quarters(assessment.territory_id, delta)


def _record_participation(assessment: Assessment, submitted_at: datetime, count: int) -> None:
    """The organisation took part (at `submitted_at`), and reassessed if `count` ≥ 2."""
    current = db.session.execute(
        select(
            PARTICIPATION.c.first_submitted_at,
            PARTICIPATION.c.last_submitted_at,
            PARTICIPATION.c.reassessed,
        ).where(PARTICIPATION.c.organisation_id == assessment.organisation_id)
    ).first()
    if current is None:
        db.session.execute(
            insert(PARTICIPATION).values(
                organisation_id=assessment.organisation_id,
                territory_id=assessment.territory_id,
                first_submitted_at=submitted_at,
                last_submitted_at=submitted_at,
                reassessed=count >= 2,
            )
        )
        return
    db.session.execute(
        update(PARTICIPATION)
        .where(PARTICIPATION.c.organisation_id == assessment.organisation_id)
        .values(
            first_submitted_at=min(current.first_submitted_at, submitted_at),
            last_submitted_at=max(current.last_submitted_at, submitted_at),
            reassessed=bool(current.reassessed) or count >= 2,
        )
    )


def record_submission(assessment: Assessment) -> None:
    """Update the maintained tables for a just-submitted assessment (the caller commits).

    Call it after OrgThemeStatus was updated: it tells whether the assessment is the latest.
    """
    db.session.flush()
    submitted_at = assessment.submitted_at
    if submitted_at is None or assessment.status != "submitted":
        raise ValueError("seule une évaluation envoyée entre dans les agrégats")
    status = db.session.get(
        OrgThemeStatus,
        {"organisation_id": assessment.organisation_id, "theme_key": assessment.theme_key},
    )
    if status is None:
        raise ValueError("OrgThemeStatus doit être à jour avant les agrégats")
    if status.latest_assessment_id == assessment.id:
        _replace_latest(assessment)
    _record_quarter(assessment, submitted_at)
    _record_participation(assessment, submitted_at, status.assessment_count)
    refresh_theme(assessment.territory_id, assessment.theme_key)
    bump_version(assessment.territory_id)


def forget_organisation(organisation_id: int) -> None:
    """Take an organisation about to be deleted out of its territory's sums (caller commits).

    Its own rows go with the ON DELETE CASCADE of the organisation.
    """
    territory_id = db.session.scalar(
        select(Organisation.territory_id).where(Organisation.id == organisation_id)
    )
    if territory_id is None:
        return
    potential: PotentialDelta = {}
    for theme_key, losses in sorted(_stored_losses(organisation_id).items()):
        add_losses(potential, theme_key, losses, -1)
    quarters: QuarterDelta = {}
    for row in db.session.execute(
        select(QUARTER.c.theme_key, QUARTER.c.quarter, QUARTER.c.score).where(
            QUARTER.c.organisation_id == organisation_id
        )
    ):
        add_quarter(quarters, row.theme_key, row.quarter, row.score, -1)
    apply_potential(territory_id, potential)
    apply_quarters(territory_id, quarters)
    themes = db.session.scalars(
        select(STATUS.c.theme_key).where(STATUS.c.organisation_id == organisation_id)
    )
    for theme_key in sorted(themes):
        refresh_theme(territory_id, theme_key, excluding=organisation_id)
    bump_version(territory_id)


# Rebuilding from the raw rows


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


def _insert_batches(table: Table, rows: list[dict[str, Any]], size: int = 5000) -> None:
    for begin in range(0, len(rows), size):
        db.session.execute(insert(table), rows[begin : begin + size])


def _rebuild_potential(territory_id: int) -> int:
    answers = db.session.execute(
        select(
            STATUS.c.organisation_id,
            STATUS.c.theme_key,
            Answer.assessment_id,
            Answer.question_key,
            Answer.category_key,
            Answer.earned,
            Answer.maximum,
            Answer.weight,
            Answer.counted,
        )
        .join(Answer, Answer.assessment_id == STATUS.c.latest_assessment_id)
        .where(STATUS.c.territory_id == territory_id)
    )
    grouped: dict[tuple[int, str, int], list[Any]] = defaultdict(list)
    for row in answers:
        grouped[(row.organisation_id, row.theme_key, row.assessment_id)].append(row)
    delta: PotentialDelta = {}
    rows: list[dict[str, Any]] = []
    for (org_id, theme_key, assessment_id), found in sorted(grouped.items()):
        losses = losses_of(found)
        add_losses(delta, theme_key, losses, +1)
        rows += potential_rows(org_id, theme_key, territory_id, assessment_id, losses)
    _insert_batches(POTENTIAL, rows)
    apply_potential(territory_id, delta)
    return len(rows)


def _rebuild_quarters(territory_id: int) -> int:
    rows = db.session.execute(
        select(
            Assessment.organisation_id,
            Assessment.theme_key,
            Assessment.id,
            Assessment.submitted_at,
            Assessment.score,
        ).where(Assessment.territory_id == territory_id, Assessment.status == "submitted")
    )
    last = last_of_each_quarter(
        (org_id, theme_key, assessment_id, submitted_at, score)
        for org_id, theme_key, assessment_id, submitted_at, score in rows
        if submitted_at is not None
    )
    delta: QuarterDelta = {}
    batch = []
    for (org_id, theme_key, quarter), (assessment_id, submitted_at, score) in sorted(last.items()):
        add_quarter(delta, theme_key, quarter, score, +1)
        batch.append(
            {
                "organisation_id": org_id,
                "theme_key": theme_key,
                "quarter": quarter,
                "territory_id": territory_id,
                "assessment_id": assessment_id,
                "submitted_at": submitted_at,
                "score": score,
            }
        )
    _insert_batches(QUARTER, batch)
    apply_quarters(territory_id, delta)
    return len(batch)


def _rebuild_participation(territory_id: int) -> int:
    rows = db.session.execute(
        select(
            STATUS.c.organisation_id,
            func.min(STATUS.c.first_submitted_at),
            func.max(STATUS.c.latest_submitted_at),
            func.max(STATUS.c.assessment_count),
        )
        .where(STATUS.c.territory_id == territory_id)
        .group_by(STATUS.c.organisation_id)
    )
    batch = [
        {
            "organisation_id": org_id,
            "territory_id": territory_id,
            "first_submitted_at": first,
            "last_submitted_at": last,
            "reassessed": most >= 2,
        }
        for org_id, first, last, most in rows
    ]
    _insert_batches(PARTICIPATION, batch)
    return len(batch)


def rebuild(territory_id: int) -> dict[str, int]:
    """Recompute the territory's maintained rows from its submitted assessments (no commit).

    Returns the number of per-organisation rows written per table.
    """
    for table in (
        POTENTIAL,
        QUARTER,
        PARTICIPATION,
        NETWORK_POTENTIAL,
        NETWORK_QUARTER,
        NETWORK_THEME,
    ):
        db.session.execute(delete(table).where(table.c.territory_id == territory_id))
    counts = {
        "org_potential": _rebuild_potential(territory_id),
        "org_quarter_score": _rebuild_quarters(territory_id),
        "org_participation": _rebuild_participation(territory_id),
    }
    themes = db.session.scalars(
        select(STATUS.c.theme_key).where(STATUS.c.territory_id == territory_id).distinct()
    )
    for theme_key in sorted(themes):
        refresh_theme(territory_id, theme_key)
    bump_version(territory_id)
    return counts


def network_sums_from(
    losses: Mapping[tuple[int, str], Sequence[Loss]],
    quarters: Mapping[tuple[int, str, int], float | None],
) -> tuple[PotentialDelta, QuarterDelta]:
    """The territory sums of per-organisation rows (what the Network tables must hold)."""
    potential: PotentialDelta = {}
    for (_, theme_key), found in sorted(losses.items()):
        add_losses(potential, theme_key, found, +1)
    quarter_sums: QuarterDelta = {}
    for (_, theme_key, quarter), score in sorted(quarters.items()):
        add_quarter(quarter_sums, theme_key, quarter, score, +1)
    return potential, quarter_sums
