"""The single writer of the dashboard's maintained tables (models.aggregates).

Every maintained row is recomputed from the raw rows (submitted assessments and their answers)
and replaced, never incremented. The entry points run inside the caller's transaction (nothing
here commits); none depends on sharing levels or questionnaire publications.

Each entry point first gives the territory a new version token (what the figure cache keys on).
On PostgreSQL that upsert locks the territory's version row until the commit, so two writers of
one territory recompute its sums one after the other, the second seeing the first's rows.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass
from functools import cache
from typing import Any

from sqlalchemy import (
    Delete,
    Executable,
    Select,
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement

from ..extensions import db
from ..models import (
    Assessment,
    NetworkPotential,
    NetworkPotentialMonth,
    NetworkQuarter,
    NetworkTheme,
    NetworkVersion,
    Organisation,
    OrgParticipation,
    OrgPotential,
    OrgQuarterScore,
    OrgThemeStatus,
    PlanVersion,
    ProfilePotential,
)
from ..models._base import utcnow
from .totals import theme_totals
from .writer_months import (
    MonthKey,
    Sums,
    changed_month_rows,
    changes,
    month_rows,
    organisation_sums,
)
from .writer_rows import (
    BATCH,
    FACETS,
    PROFILE_BLOCK,
    Row,
    participation_rows,
    potential_rows,
    profile_groups,
    profile_rows,
    quarter_rows,
    status_rows,
    submitted,
)

STATUS = OrgThemeStatus.__table__
POTENTIAL = OrgPotential.__table__
QUARTER = OrgQuarterScore.__table__
PARTICIPATION = OrgParticipation.__table__
NETWORK_POTENTIAL = NetworkPotential.__table__
NETWORK_POTENTIAL_MONTH = NetworkPotentialMonth.__table__
NETWORK_QUARTER = NetworkQuarter.__table__
NETWORK_THEME = NetworkTheme.__table__
PROFILE_POTENTIAL = ProfilePotential.__table__
# Every table this module keeps, per organisation first, then per territory.
MAINTAINED: tuple[Table, ...] = (
    STATUS,
    POTENTIAL,
    QUARTER,
    PARTICIPATION,
    NETWORK_POTENTIAL,
    NETWORK_POTENTIAL_MONTH,
    NETWORK_QUARTER,
    NETWORK_THEME,
    PROFILE_POTENTIAL,
)
KEYS: dict[str, tuple[str, ...]] = {
    table.name: tuple(column.name for column in table.primary_key.columns) for table in MAINTAINED
}


@dataclass
class Change:
    """Rows a write inserted, updated (replaced by different values) and deleted."""

    inserted: int = 0
    updated: int = 0
    deleted: int = 0

    def __add__(self, other: Change) -> Change:
        return Change(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))


Report = dict[str, Change]  # table name -> what changed in it

# Profile groups whose stored rows one statement reads (a UNION ALL of one SELECT per group).
GROUPS_AT_ONCE = 50


def _merge(report: Report, table: Table, change: Change) -> None:
    report[table.name] = report.get(table.name, Change()) + change


def _replace(
    table: Table,
    scope: Sequence[ColumnElement[bool]],
    rows: Iterable[Row],
    stored_rows: Executable | None = None,
) -> Change:
    """Make the table's rows within `scope` exactly `rows`; only differing rows are written,
    deleted by primary key.

    `stored_rows`, when given, is the query reading the rows within the scope instead of a
    WHERE on `scope` (several groups' scopes: a UNION ALL of one SELECT each, each along an
    index, where OR-ed conditions would scan).
    """
    session = db.session
    keys = KEYS[table.name]
    names = [column.name for column in table.columns]
    wanted = {tuple(row[key] for key in keys): row for row in rows}
    query = select(table).where(*scope) if stored_rows is None else stored_rows
    stored = {
        tuple(row[key] for key in keys): dict(row) for row in session.execute(query).mappings()
    }
    gone = [key for key in stored if key not in wanted]
    changed = [
        key
        for key, row in wanted.items()
        if key in stored and any(stored[key][name] != row.get(name) for name in names)
    ]
    new = [key for key in wanted if key not in stored]
    removed = sorted(gone + changed)
    by_key = _delete_by_key(table)
    for begin in range(0, len(removed), BATCH):
        params = [
            {f"old_{name}": value for name, value in zip(keys, key, strict=True)}
            for key in removed[begin : begin + BATCH]
        ]
        session.execute(by_key, params)
    added = [wanted[key] for key in sorted(changed + new)]
    for begin in range(0, len(added), BATCH):
        session.execute(insert(table), added[begin : begin + BATCH])
    return Change(inserted=len(new), updated=len(changed), deleted=len(gone))


@cache
def _delete_by_key(table: Table) -> Delete:
    """DELETE of one row by its primary key, the values bound as old_<column> (built once per
    table: a submission deletes from up to nine tables)."""
    return delete(table).where(
        *(column == bindparam(f"old_{column.name}") for column in table.primary_key.columns)
    )


def _dialect_insert(table: Table) -> Any:
    name = db.session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"base de données non prise en charge : {name}")


def bump_version(territory_id: int) -> None:
    """Give the territory a new version token: cached figures become unreachable."""
    _new_token(NetworkVersion.__table__, territory_id)


def bump_plan_version(territory_id: int) -> None:
    """Give the territory's plans a new version token: cached « Actions » figures go."""
    _new_token(PlanVersion.__table__, territory_id)


def _new_token(table: Table, territory_id: int) -> None:
    statement = _dialect_insert(table).values(
        territory_id=territory_id, token=secrets.token_hex(16), changed_at=utcnow()
    )
    statement = statement.on_conflict_do_update(
        index_elements=["territory_id"],
        set_={"token": statement.excluded.token, "changed_at": statement.excluded.changed_at},
    )
    db.session.execute(statement)


def _network(
    territory_id: int,
    theme_key: str,
    report: Report,
    month_change: dict[MonthKey, Sums] | None = None,
) -> None:
    """Recompute the territory's network rows of a theme afresh from the per-organisation rows;
    network_potential_month's, exact integers, changed by `month_change` only (None: every
    month recomputed)."""
    p, q = POTENTIAL.c, QUARTER.c
    scope = {"territory_id": territory_id, "theme_key": theme_key}
    potential = [
        {
            **scope,
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
    if month_change is None:
        months, month_scope = month_rows(territory_id, theme_key), []
    else:
        changed, months = changed_month_rows(territory_id, theme_key, month_change)
        month_scope = [NETWORK_POTENTIAL_MONTH.c.month.in_(changed)]
    quarters = [
        {
            **scope,
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
        # network_theme's columns are the totals' fields of the same names.
        figures = {c.name: getattr(totals, c.name) for c in NETWORK_THEME.c if c.name not in scope}
        themes.append({**scope, **figures, "band_counts": dict(sorted(totals.band_counts.items()))})
    for table, rows, narrower in (
        (NETWORK_POTENTIAL, potential, []),
        (NETWORK_POTENTIAL_MONTH, months, month_scope),
        (NETWORK_QUARTER, quarters, []),
        (NETWORK_THEME, themes, []),
    ):
        where = [table.c.territory_id == territory_id, table.c.theme_key == theme_key]
        _merge(report, table, _replace(table, [*where, *narrower], rows))


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


def _profiles(
    territory_id: int,
    groups: Iterable[tuple[str, str, int]],
    theme_keys: Iterable[str] | None,
    report: Report,
) -> None:
    """Recompute the profile_potential rows of (facet, value, block) groups afresh from the
    per-organisation rows, for the given themes (None: all): one aggregate per group, the
    stored rows of up to GROUPS_AT_ONCE groups read in one statement (each group along the
    key) and written together."""
    themes = None if theme_keys is None else sorted(set(theme_keys))
    c = PROFILE_POTENTIAL.c
    ordered = sorted(set(groups))
    for begin in range(0, len(ordered), GROUPS_AT_ONCE):
        reads: list[Select[Any]] = []
        rows: list[Row] = []
        for facet, value, block in ordered[begin : begin + GROUPS_AT_ONCE]:
            first = block * PROFILE_BLOCK
            conditions: list[ColumnElement[bool]] = [
                FACETS[facet] == value,
                Organisation.id >= first,
                Organisation.id < first + PROFILE_BLOCK,
            ]
            scope = [
                c.territory_id == territory_id,
                c.facet == facet,
                c.value == value,
                c.block == block,
            ]
            if themes is not None:
                conditions.append(POTENTIAL.c.theme_key.in_(themes))
                scope.append(c.theme_key.in_(themes))
            rows += profile_rows(territory_id, facet, conditions)
            reads.append(select(PROFILE_POTENTIAL).where(*scope))
        stored = reads[0] if len(reads) == 1 else union_all(*reads)
        _merge(report, PROFILE_POTENTIAL, _replace(PROFILE_POTENTIAL, [], rows, stored))


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
    pairs = [(org_id, theme_key) for org_id, keys in by_org.items() for theme_key in keys]
    before = organisation_sums(territory_id, pairs)  # their month sums, then the new ones
    for org_id, theme_keys in sorted(by_org.items()):
        _organisation(org_id, theme_keys, report)
    change = changes(before, organisation_sums(territory_id, pairs))
    themes = sorted(set().union(*by_org.values()) if by_org else set())
    for theme_key in themes:
        _network(territory_id, theme_key, report, change.get(theme_key, {}))
    _profiles(territory_id, profile_groups(by_org), themes, report)
    return report


def profile_of(organisation: Organisation) -> dict[str, Any]:
    """The organisation's values of the profile criteria kept in profile_potential."""
    return {facet: getattr(organisation, column.key) for facet, column in FACETS.items()}


def record_profile(organisation_id: int, before: dict[str, Any]) -> Report:
    """Move an organisation's losses to the sums of its new profile values (caller commits).

    `before` is its `profile_of` before the change.
    """
    db.session.flush()
    territory_id = db.session.scalar(
        select(Organisation.territory_id).where(Organisation.id == organisation_id)
    )
    block = organisation_id // PROFILE_BLOCK
    old = {(facet, value, block) for facet, value in before.items() if value is not None}
    new = profile_groups([organisation_id])
    if territory_id is None or old == new:
        return {}
    bump_version(territory_id)
    report: Report = {}
    _profiles(territory_id, old ^ new, None, report)
    return report


def forget_organisation(organisation_id: int) -> Report:
    """Take an organisation about to be deleted out of every maintained table (caller commits).

    Not left to ON DELETE CASCADE: the territory's sums are recomputed without it here.
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
    before = organisation_sums(territory_id, [(organisation_id, key) for key in themes])
    for table in (STATUS, POTENTIAL, QUARTER, PARTICIPATION):
        _merge(report, table, _replace(table, [table.c.organisation_id == organisation_id], []))
    change = changes(before, {})
    for theme_key in sorted(themes):
        _network(territory_id, theme_key, report, change.get(theme_key, {}))
    _profiles(territory_id, profile_groups([organisation_id]), themes, report)
    return report


def rebuild(territory_id: int) -> Report:
    """Recompute every maintained table of a territory (also the bulk path: generator, restores)."""
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
    for table in (NETWORK_POTENTIAL, NETWORK_POTENTIAL_MONTH, NETWORK_QUARTER, NETWORK_THEME):
        themes.update(
            db.session.scalars(
                select(table.c.theme_key).where(table.c.territory_id == territory_id).distinct()
            )
        )
    for theme_key in sorted(themes):
        _network(territory_id, theme_key, report)
    profiles = [row for facet in FACETS for row in profile_rows(territory_id, facet)]
    scope = [PROFILE_POTENTIAL.c.territory_id == territory_id]
    _merge(report, PROFILE_POTENTIAL, _replace(PROFILE_POTENTIAL, scope, profiles))
    return report
