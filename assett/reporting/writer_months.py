"""network_potential_month's rows (reporting.writer stores them).

The sums are integers (millionths of a point), so a write can change them exactly by what it
changed: the organisations' rows it replaced are summed per (kind, key, month) before and
after, and the difference is added to the kept month rows, a row going when it counts no
organisation any more. A rebuild computes every month afresh from the organisations' rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.sql.elements import ColumnElement

from ..extensions import db
from ..models import NetworkPotentialMonth, OrgPotential
from .months import millionths, utc_month
from .writer_rows import Row

POTENTIAL = OrgPotential.__table__
MONTHS = NetworkPotentialMonth.__table__

Sums = tuple[int, int, int]  # lost and max in millionths, organisations
MonthKey = tuple[str, str, int]  # kind, key, month
MonthSums = dict[str, dict[MonthKey, Sums]]  # theme -> its sums by month key


def _sums(territory_id: int, conditions: list[ColumnElement[bool]]) -> list[tuple[Any, ...]]:
    p = POTENTIAL.c
    month = utc_month(p.latest_submitted_at)
    return [
        tuple(row)
        for row in db.session.execute(
            select(
                p.theme_key,
                p.kind,
                p.key,
                month,
                func.sum(millionths(p.weighted_lost)),
                func.sum(millionths(p.weighted_max)),
                func.count(),
            )
            .where(p.territory_id == territory_id, *conditions)
            .group_by(p.theme_key, p.kind, p.key, month)
        )
    ]


def organisation_sums(territory_id: int, pairs: Iterable[tuple[int, str]]) -> MonthSums:
    """Per theme, the org_potential rows of these (organisation, theme) pairs summed by kind,
    key and the UTC month of their latest submission, as stored now (each organisation's rows
    read by their key)."""
    themes_of: dict[int, set[str]] = defaultdict(set)
    for org_id, theme_key in pairs:
        themes_of[org_id].add(theme_key)
    found: MonthSums = defaultdict(dict)
    p = POTENTIAL.c
    for org_id, themes in sorted(themes_of.items()):
        conditions = [p.organisation_id == org_id, p.theme_key.in_(sorted(themes))]
        for theme_key, kind, key, month, lost, maximum, n in _sums(territory_id, conditions):
            sums = found[theme_key]
            old = sums.get((kind, key, int(month)), (0, 0, 0))
            sums[(kind, key, int(month))] = (
                old[0] + int(lost or 0),
                old[1] + int(maximum or 0),
                old[2] + int(n),
            )
    return found


def changes(before: MonthSums, after: MonthSums) -> MonthSums:
    """What went from `before` to `after`, per theme (zero changes left out)."""
    found: MonthSums = defaultdict(dict)
    for theme_key in set(before) | set(after):
        old, new = before.get(theme_key, {}), after.get(theme_key, {})
        for month_key in set(old) | set(new):
            a, b = old.get(month_key, (0, 0, 0)), new.get(month_key, (0, 0, 0))
            change = (b[0] - a[0], b[1] - a[1], b[2] - a[2])
            if change != (0, 0, 0):
                found[theme_key][month_key] = change
    return found


def changed_month_rows(
    territory_id: int, theme_key: str, change: dict[MonthKey, Sums]
) -> tuple[list[int], list[Row]]:
    """The months a change touches, and their rows once it is added to the kept ones."""
    months = sorted({month for _, _, month in change})
    c = MONTHS.c
    kept: dict[MonthKey, Sums] = {
        (kind, key, month): (lost, maximum, n)
        for kind, key, month, lost, maximum, n in db.session.execute(
            select(c.kind, c.key, c.month, c.lost_millionths, c.max_millionths, c.n_orgs).where(
                c.territory_id == territory_id, c.theme_key == theme_key, c.month.in_(months)
            )
        )
    }
    for month_key, (lost, maximum, n) in change.items():
        old = kept.get(month_key, (0, 0, 0))
        kept[month_key] = (old[0] + lost, old[1] + maximum, old[2] + n)
    return months, [
        _row(territory_id, theme_key, month_key, sums)
        for month_key, sums in sorted(kept.items())
        if sums[2] > 0  # a month no organisation counts in any more has no row
    ]


def month_rows(territory_id: int, theme_key: str) -> list[Row]:
    """Every month's rows of a theme, from the organisations' rows."""
    return [
        _row(territory_id, theme_key, (kind, key, int(month)), (lost, maximum, n))
        for _, kind, key, month, lost, maximum, n in _sums(
            territory_id, [POTENTIAL.c.theme_key == theme_key]
        )
    ]


def _row(territory_id: int, theme_key: str, month_key: MonthKey, sums: Sums) -> Row:
    kind, key, month = month_key
    return {
        "territory_id": territory_id,
        "theme_key": theme_key,
        "kind": kind,
        "key": key,
        "month": month,
        "lost_millionths": int(sums[0] or 0),
        "max_millionths": int(sums[1] or 0),
        "n_orgs": int(sums[2]),
    }
