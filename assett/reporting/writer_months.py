"""network_potential_month's rows, computed from the organisations' rows (reporting.writer
stores them).

Pure reads. A write recomputes only the months it touched: those of the latest submission of
each status it changed, before and after the change; a rebuild recomputes every month.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable

from sqlalchemy import func, select

from ..extensions import db
from ..models import OrgPotential, OrgThemeStatus
from .months import losses_submitted_between, millionths, month_bounds, month_of, utc_month
from .writer_rows import Row

STATUS = OrgThemeStatus.__table__
POTENTIAL = OrgPotential.__table__


def status_months(pairs: Iterable[tuple[int, str]]) -> dict[str, set[int]]:
    """Per theme, the months of the latest submissions of these (organisation, theme)
    statuses, as stored now."""
    themes_by_org: dict[int, set[str]] = defaultdict(set)
    for org_id, theme_key in pairs:
        themes_by_org[org_id].add(theme_key)
    months: dict[str, set[int]] = defaultdict(set)
    s = STATUS.c
    for org_id, theme_keys in sorted(themes_by_org.items()):
        for theme_key, moment in db.session.execute(
            select(s.theme_key, s.latest_submitted_at).where(
                s.organisation_id == org_id, s.theme_key.in_(sorted(theme_keys))
            )
        ):
            months[theme_key].add(month_of(moment))
    return months


def month_rows(territory_id: int, theme_key: str, months: Collection[int] | None) -> list[Row]:
    """The rows of a theme's months (None: every month), from the org_potential rows."""
    scope = {"territory_id": territory_id, "theme_key": theme_key}
    p = POTENTIAL.c
    sums = (
        func.sum(millionths(p.weighted_lost)),
        func.sum(millionths(p.weighted_max)),
        func.count(),
    )
    found: list[tuple[int, str, str, int, int, int]] = []
    if months is None:
        month = utc_month(p.latest_submitted_at)
        found += [
            (int(month_key), kind, key, lost, maximum, n)
            for kind, key, month_key, lost, maximum, n in db.session.execute(
                select(p.kind, p.key, month, *sums)
                .where(p.territory_id == territory_id, p.theme_key == theme_key)
                .group_by(p.kind, p.key, month)
            )
        ]
    else:
        # A month's organisations through their statuses, then their rows by key.
        for month_key in sorted(months):
            begin, end = month_bounds(month_key)
            found += [
                (month_key, kind, key, lost, maximum, n)
                for _, kind, key, lost, maximum, n in losses_submitted_between(
                    territory_id, [theme_key], begin, end
                )
            ]
    return [
        {
            **scope,
            "kind": kind,
            "key": key,
            "month": month_key,
            "lost_millionths": int(lost),
            "max_millionths": int(maximum),
            "n_orgs": int(n),
        }
        for month_key, kind, key, lost, maximum, n in found
    ]
