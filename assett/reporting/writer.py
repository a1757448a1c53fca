"""The single writer of the dashboard's maintained tables.

Every maintained row is recomputed from the raw rows (submitted assessments and their answers)
and replaced, never incremented:

- per organisation and theme: `org_theme_status` (first and latest assessment, count),
  `org_potential` (the latest assessment's weighted losses), `org_quarter_score` (the last
  assessment of each quarter); per organisation: `org_participation`;
- per territory and theme: `network_potential`, `network_quarter` (sums taken with
  `math.fsum`, exact whatever the order of the rows) and `network_theme` (counts, sums and
  medians of `org_theme_status`).

Entry points, called inside the caller's transaction (nothing here commits):
`record_submission` (services.assessments), `forget_organisation` (services.organisations,
before the organisation's row goes, which covers account deletions too), `record_rows` (test
factories writing assessment rows directly) and `rebuild` (the `flask rebuild-dashboard`
command, the synthetic generator's bulk load). No maintained row depends on sharing levels or
on questionnaire publications: those change nothing here.

Each entry point first gives the territory a new version token (`network_version`, what the
figure cache keys on). On PostgreSQL that upsert locks the territory's version row until the
commit, so two writers of one territory recompute its sums one after the other, the second
seeing the first's rows; a submission locks its organisation's row before, in that order.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, delete, func, insert, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement

from ..extensions import db
from ..models import (
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
    PlanVersion,
)
from ..models._base import utcnow
from .totals import theme_totals
from .writer_rows import (
    participation_rows,
    potential_rows,
    quarter_rows,
    status_rows,
    submitted,
)

STATUS = OrgThemeStatus.__table__
POTENTIAL = OrgPotential.__table__
QUARTER = OrgQuarterScore.__table__
PARTICIPATION = OrgParticipation.__table__
NETWORK_POTENTIAL = NetworkPotential.__table__
NETWORK_QUARTER = NetworkQuarter.__table__
NETWORK_THEME = NetworkTheme.__table__
NETWORK_VERSION = NetworkVersion.__table__
PLAN_VERSION = PlanVersion.__table__

# Every table this module keeps, per organisation first, then per territory.
MAINTAINED: tuple[Table, ...] = (
    STATUS,
    POTENTIAL,
    QUARTER,
    PARTICIPATION,
    NETWORK_POTENTIAL,
    NETWORK_QUARTER,
    NETWORK_THEME,
)
KEYS: dict[str, tuple[str, ...]] = {
    table.name: tuple(column.name for column in table.primary_key.columns) for table in MAINTAINED
}
BATCH = 500

Row = dict[str, Any]


@dataclass
class Change:
    """Rows a write inserted, updated (replaced by different values) and deleted."""

    inserted: int = 0
    updated: int = 0
    deleted: int = 0

    def __add__(self, other: Change) -> Change:
        return Change(
            self.inserted + other.inserted,
            self.updated + other.updated,
            self.deleted + other.deleted,
        )


Report = dict[str, Change]  # table name -> what changed in it


def _merge(report: Report, table: Table, change: Change) -> None:
    report[table.name] = report.get(table.name, Change()) + change


def _replace(table: Table, scope: Sequence[ColumnElement[bool]], rows: Iterable[Row]) -> Change:
    """Make the table's rows within `scope` exactly `rows`; only differing rows are written."""
    session = db.session
    keys = KEYS[table.name]
    names = [column.name for column in table.columns]
    wanted = {tuple(row[key] for key in keys): row for row in rows}
    stored = {
        tuple(row[key] for key in keys): dict(row)
        for row in session.execute(select(table).where(*scope)).mappings()
    }
    gone = [key for key in stored if key not in wanted]
    changed = [
        key
        for key, row in wanted.items()
        if key in stored and any(stored[key][name] != row.get(name) for name in names)
    ]
    new = [key for key in wanted if key not in stored]
    removed = sorted(gone + changed)
    key_columns = tuple_(*(table.c[key] for key in keys))
    for begin in range(0, len(removed), BATCH):
        session.execute(
            delete(table).where(*scope, key_columns.in_(removed[begin : begin + BATCH]))
        )
    added = [wanted[key] for key in sorted(changed + new)]
    for begin in range(0, len(added), BATCH):
        session.execute(insert(table), added[begin : begin + BATCH])
    return Change(inserted=len(new), updated=len(changed), deleted=len(gone))


def _dialect_insert(table: Table) -> Any:
    name = db.session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"base de données non prise en charge : {name}")


def bump_version(territory_id: int) -> None:
    """Give the territory a new version token (cached figures become unreachable).

    On PostgreSQL the upsert also locks the territory's row until the commit: called first,
    it serialises the writers of one territory.
    """
    _new_token(NETWORK_VERSION, territory_id)


def bump_plan_version(territory_id: int) -> None:
    """Give the territory's plans a new version token (the « Actions » figures cached under the
    old one become unreachable); called in the transaction that changes a plan or the catalogue.
    """
    _new_token(PLAN_VERSION, territory_id)


def _new_token(table: Table, territory_id: int) -> None:
    statement = _dialect_insert(table).values(
        territory_id=territory_id, token=secrets.token_hex(16), changed_at=utcnow()
    )
    statement = statement.on_conflict_do_update(
        index_elements=["territory_id"],
        set_={"token": statement.excluded.token, "changed_at": statement.excluded.changed_at},
    )
    db.session.execute(statement)


def _network(territory_id: int, theme_key: str, report: Report) -> None:
    """Recompute the territory's network rows of a theme from the per-organisation rows.

    Each sum is taken afresh over its rows (SQL SUM), never nudged by a difference: it equals
    the rows' sum up to the order the database adds them in.
    """
    p, q = POTENTIAL.c, QUARTER.c
    potential = [
        {
            "territory_id": territory_id,
            "theme_key": theme_key,
            "kind": kind,
            "key": key,
            "weighted_lost": float(lost),
            "weighted_max": float(maximum),
            "n_orgs": int(n),
        }
        for kind, key, lost, maximum, n in db.session.execute(
            select(p.kind, p.key, func.sum(p.weighted_lost), func.sum(p.weighted_max), func.count())
            .where(p.territory_id == territory_id, p.theme_key == theme_key)
            .group_by(p.kind, p.key)
        )
    ]
    quarters = [
        {
            "territory_id": territory_id,
            "theme_key": theme_key,
            "quarter": quarter,
            "score_sum": float(score_sum or 0.0),
            "n_scored": int(n_scored),
            "n_orgs": int(n),
        }
        for quarter, score_sum, n_scored, n in db.session.execute(
            select(q.quarter, func.sum(q.score), func.count(q.score), func.count())
            .where(q.territory_id == territory_id, q.theme_key == theme_key)
            .group_by(q.quarter)
        )
    ]
    conditions = [STATUS.c.territory_id == territory_id, STATUS.c.theme_key == theme_key]
    totals = theme_totals(STATUS, conditions).get(theme_key)
    themes = []
    if totals is not None and totals.n_status:
        themes.append(
            {
                "territory_id": territory_id,
                "theme_key": theme_key,
                "n_status": totals.n_status,
                "n_scored": totals.n_scored,
                "score_sum": totals.score_sum,
                "median_score": totals.median_score,
                "band_counts": dict(sorted(totals.band_counts.items())),
                "n_pairs": totals.n_pairs,
                "first_sum": totals.first_sum,
                "latest_sum": totals.latest_sum,
                "median_change": totals.median_change,
                "improved": totals.improved,
                "declined": totals.declined,
            }
        )
    for table, rows in (
        (NETWORK_POTENTIAL, potential),
        (NETWORK_QUARTER, quarters),
        (NETWORK_THEME, themes),
    ):
        scope = [table.c.territory_id == territory_id, table.c.theme_key == theme_key]
        _merge(report, table, _replace(table, scope, rows))


def _organisation(organisation_id: int, theme_keys: Iterable[str], report: Report) -> None:
    """Recompute an organisation's rows of the given themes, and its participation."""
    for theme_key in sorted(set(theme_keys)):
        assessments = submitted(
            [Assessment.organisation_id == organisation_id, Assessment.theme_key == theme_key]
        )
        statuses = status_rows(assessments)
        for table, rows in (
            (STATUS, statuses),
            (POTENTIAL, potential_rows(statuses)),
            (QUARTER, quarter_rows(assessments)),
        ):
            scope = [table.c.organisation_id == organisation_id, table.c.theme_key == theme_key]
            _merge(report, table, _replace(table, scope, rows))
    statuses = [
        dict(row)
        for row in db.session.execute(
            select(STATUS).where(STATUS.c.organisation_id == organisation_id)
        ).mappings()
    ]
    scope = [PARTICIPATION.c.organisation_id == organisation_id]
    _merge(report, PARTICIPATION, _replace(PARTICIPATION, scope, participation_rows(statuses)))


# Entry points


def record_submission(assessment: Assessment) -> Report:
    """Bring the maintained tables in step with a just-submitted assessment (caller commits)."""
    db.session.flush()
    if assessment.submitted_at is None or assessment.status != "submitted":
        raise ValueError("seule une évaluation envoyée entre dans les agrégats")
    return record_rows(
        assessment.territory_id, [(assessment.organisation_id, assessment.theme_key)]
    )


def record_rows(territory_id: int, touched: Iterable[tuple[int, str]]) -> Report:
    """Recompute the rows of the (organisation, theme) pairs whose assessments changed."""
    db.session.flush()
    bump_version(territory_id)
    report: Report = {}
    by_org: dict[int, set[str]] = defaultdict(set)
    for org_id, theme_key in touched:
        by_org[org_id].add(theme_key)
    for org_id, theme_keys in sorted(by_org.items()):
        _organisation(org_id, theme_keys, report)
    for theme_key in sorted(set().union(*by_org.values()) if by_org else set()):
        _network(territory_id, theme_key, report)
    return report


def forget_organisation(organisation_id: int) -> Report:
    """Take an organisation about to be deleted out of every maintained table (caller commits).

    Its rows are deleted here rather than left to ON DELETE CASCADE, so that the territory's
    sums are recomputed without them in the same transaction.
    """
    territory_id = db.session.scalar(
        select(Organisation.territory_id).where(Organisation.id == organisation_id)
    )
    if territory_id is None:
        return {}
    bump_version(territory_id)
    bump_plan_version(territory_id)  # its plan goes with it (ON DELETE CASCADE)
    report: Report = {}
    themes: set[str] = set()
    for table in (STATUS, POTENTIAL, QUARTER):
        themes.update(
            db.session.scalars(
                select(table.c.theme_key).where(table.c.organisation_id == organisation_id)
            )
        )
    for table in (STATUS, POTENTIAL, QUARTER, PARTICIPATION):
        _merge(report, table, _replace(table, [table.c.organisation_id == organisation_id], []))
    for theme_key in sorted(themes):
        _network(territory_id, theme_key, report)
    return report


def rebuild(territory_id: int) -> Report:
    """Recompute every maintained table of a territory from its submitted assessments.

    Also the bulk path: rows loaded outside the application (synthetic generator, restores)
    get their maintained rows here. Returns what changed per table (caller commits).
    """
    db.session.flush()
    bump_version(territory_id)
    report: Report = {table.name: Change() for table in MAINTAINED}
    assessments = submitted([Assessment.territory_id == territory_id])
    statuses = status_rows(assessments)
    for table, rows in (
        (STATUS, statuses),
        (POTENTIAL, potential_rows(statuses)),
        (QUARTER, quarter_rows(assessments)),
        (PARTICIPATION, participation_rows(statuses)),
    ):
        _merge(report, table, _replace(table, [table.c.territory_id == territory_id], rows))
    themes = {row["theme_key"] for row in statuses}
    for table in (NETWORK_POTENTIAL, NETWORK_QUARTER, NETWORK_THEME):
        themes.update(
            db.session.scalars(
                select(table.c.theme_key).where(table.c.territory_id == territory_id).distinct()
            )
        )
    for theme_key in sorted(themes):
        _network(territory_id, theme_key, report)
    return report
