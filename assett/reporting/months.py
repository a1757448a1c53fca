"""Months in UTC and points in millionths: how network_potential_month keeps its sums.

A row's month is that of its latest assessment's submission, in UTC (any split in months
would do: a period's first month is read from the organisations' rows, the others from the
month sums). Points are kept as integer millionths, rounded half up from each organisation's
row, so that the sums are exact whatever the order the database adds them in.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, cast, func, select
from sqlalchemy.sql.elements import ColumnElement

from ..extensions import db
from ..models import OrgPotential, OrgThemeStatus

MILLIONTHS = 1_000_000
POTENTIAL = OrgPotential.__table__
STATUS = OrgThemeStatus.__table__


def _postgresql() -> bool:
    return bool(db.session.get_bind().dialect.name == "postgresql")


def utc_month(column: Any) -> ColumnElement[int]:
    """year × 100 + month of a timestamp column, in UTC."""
    if _postgresql():
        return cast(func.to_char(func.timezone("UTC", column), "YYYYMM"), Integer)
    # SQLite keeps the UTC timestamp as text, « 2026-04-09 21:43:53.000000 ».
    return cast(func.strftime("%Y%m", column), Integer)


def millionths(column: Any) -> ColumnElement[int]:
    """A column of points (never negative) in millionths, rounded half up, as an integer.

    The same floating-point operations as `to_millionths`: the database and Python agree.
    """
    scaled = column * MILLIONTHS + 0.5
    if _postgresql():
        return cast(func.trunc(scaled), BigInteger)
    return cast(scaled, Integer)  # SQLite truncates towards zero


def to_millionths(points: float) -> int:
    """Points (never negative) in millionths, rounded half up."""
    return int(points * MILLIONTHS + 0.5)


def month_of(moment: datetime) -> int:
    """year × 100 + month of an aware moment, in UTC."""
    utc = moment.astimezone(UTC)
    return utc.year * 100 + utc.month


def next_month_start(moment: datetime) -> datetime:
    """The first moment of the UTC month after the moment's own."""
    utc = moment.astimezone(UTC)
    year, month = divmod(utc.year * 12 + utc.month, 12)
    return datetime(year, month + 1, 1, tzinfo=UTC)


def first_whole_month(begin: datetime) -> tuple[int, datetime | None]:
    """The first UTC month lying wholly after `begin`, and the end of the part of a month
    before it (None when `begin` is a month's first moment)."""
    utc = begin.astimezone(UTC)
    if utc == datetime(utc.year, utc.month, 1, tzinfo=UTC):
        return month_of(utc), None
    after = next_month_start(utc)
    return month_of(after), after


def losses_submitted_between(
    territory_id: int, themes: Sequence[str], begin: datetime, end: datetime
) -> list[tuple[str, str, str, int, int, int]]:
    """(theme, kind, key, lost, max, organisations) of the org_potential rows whose latest
    submission is in [begin, end), in millionths, summed.

    The organisations are found through their statuses (their org_potential rows hold the same
    latest submission) along the territory's period index, then their rows by key: no scan
    of the themes' rows.
    """
    p, s = POTENTIAL.c, STATUS.c
    rows = db.session.execute(
        select(
            p.theme_key,
            p.kind,
            p.key,
            func.sum(millionths(p.weighted_lost)),
            func.sum(millionths(p.weighted_max)),
            func.count(),
        )
        .select_from(
            STATUS.join(
                POTENTIAL, (p.organisation_id == s.organisation_id) & (p.theme_key == s.theme_key)
            )
        )
        .where(
            s.territory_id == territory_id,
            s.theme_key.in_(sorted(themes)),
            s.latest_submitted_at >= begin,
            s.latest_submitted_at < end,
        )
        .group_by(p.theme_key, p.kind, p.key)
    )
    return [
        (theme_key, kind, key, int(lost or 0), int(maximum or 0), int(n))
        for theme_key, kind, key, lost, maximum, n in rows
    ]
