"""Where a period's organisations lose points: sums taken by the database.

An open-ended period (`period.open_ended`) sums the maintained OrgPotential rows of the
statuses whose latest assessment is in it (`current_losses`); with no profile or cohort
filter, the territory's sums per month (NetworkPotentialMonth) and the rows of its first
month. Otherwise both functions read the latest assessment of each status of the period
(`period.period_statuses`), by its id: the questions from its counted answers, the categories
from the category sub-scores frozen at submission (a JSON object per assessment, unpacked by
the database: no row is decoded here). The ids are bound as one parameter (a JSON array on
SQLite, an array on PostgreSQL), not as one parameter each.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Float, Integer, String, any_, cast, column, func, literal, select, true
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.sql.elements import ColumnElement

from ..extensions import db
from ..models import Answer, NetworkPotentialMonth, OrgPotential
from .filters import ASSESSMENT, Filters, keeps_many, matching_org_ids, of_matching
from .months import MILLIONTHS, first_whole_month, losses_submitted_between
from .period import PeriodStatus, PotentialRow

POTENTIAL = OrgPotential.__table__
MONTH = NetworkPotentialMonth.__table__

ANSWER = Answer.__table__


def postgresql() -> bool:
    return bool(db.session.get_bind().dialect.name == "postgresql")


def among(id_column: Any, ids: Sequence[int]) -> ColumnElement[bool]:
    """`id_column IN ids`, the ids bound as a single parameter."""
    if postgresql():
        found: ColumnElement[bool] = id_column == any_(literal(list(ids), ARRAY(Integer)))
        return found
    listed = func.json_each(literal(json.dumps(list(ids)), String)).table_valued("value")
    found = id_column.in_(select(listed.c.value))
    return found


def latest_ids(statuses: Sequence[PeriodStatus]) -> dict[str, list[int]]:
    """The latest assessment ids of the statuses, per theme."""
    ids: dict[str, list[int]] = defaultdict(list)
    for status in statuses:
        ids[status.theme_key].append(status.latest_assessment_id)
    return ids


def question_losses(statuses: Sequence[PeriodStatus]) -> list[PotentialRow]:
    """Per theme and question, the points lost by each organisation's latest assessment of the
    period (its counted answers)."""
    lost = ANSWER.c.weight * (ANSWER.c.maximum - ANSWER.c.earned)
    rows: list[PotentialRow] = []
    for theme_key, ids in sorted(latest_ids(statuses).items()):
        rows += [
            (theme_key, "question", key, float(lost_sum or 0.0), float(maximum or 0.0), int(n))
            for key, lost_sum, maximum, n in db.session.execute(
                select(
                    ANSWER.c.question_key,
                    func.sum(lost),
                    func.sum(ANSWER.c.weight * ANSWER.c.maximum),
                    func.count(),
                )
                .where(
                    among(ANSWER.c.assessment_id, ids),
                    ANSWER.c.counted.is_(True),
                    ANSWER.c.earned.isnot(None),
                )
                .group_by(ANSWER.c.question_key)
            )
        ]
    return rows


def category_losses(statuses: Sequence[PeriodStatus]) -> list[PotentialRow]:
    """Per theme and category, the points lost by each organisation's latest assessment of the
    period, from its category sub-scores (those with counted questions; no answer read)."""
    ids = [status.latest_assessment_id for status in statuses]
    if not ids:
        return []
    a = ASSESSMENT.c
    field: Callable[[str], Any]
    if postgresql():
        entries = func.jsonb_each(a.category_scores).table_valued(
            column("key", String), column("value", JSONB)
        )
        value = entries.c.value

        def field(name: str) -> Any:
            return cast(value[name].astext, Float)

        zero = [cast(literal(text), JSONB) for text in ("0", "false", "null")]
        counted: Any = value["counted"].not_in(zero)
    else:
        entries = func.json_each(a.category_scores).table_valued("key", "value")

        def field(name: str) -> Any:
            return func.json_extract(entries.c.value, f"$.{name}")

        counted = field("counted")
    maximum, earned = field("maximum"), field("earned")
    return [
        (theme_key, "category", key, float(lost), float(total), int(n))
        for theme_key, key, lost, total, n in db.session.execute(
            select(
                a.theme_key,
                entries.c.key,
                func.sum(maximum - earned),
                func.sum(maximum),
                func.count(),
            )
            .select_from(ASSESSMENT.join(entries, true()))
            .where(among(a.id, ids), counted)
            .group_by(a.theme_key, entries.c.key)
        )
    ]


def current_losses(
    territory_id: int, filters: Filters, themes: Sequence[str]
) -> list[PotentialRow]:
    """Per theme, question and category of an open-ended period: the sums of the OrgPotential
    rows (the current latest assessment's losses) of the matching organisations whose latest
    assessment of the theme is in the period.

    With no profile or cohort filter, the whole months of the period are added up from the
    territory's NetworkPotentialMonth rows, and only its first, partial month is read from the
    organisations' rows (`month_losses`). A filter keeping many organisations (`keeps_many`)
    keeps their rows by a comparison in the index, taken along it in the grouping's order;
    one keeping few reads their own rows, found from them (`of_matching`): every theme in one
    statement either way.
    """
    begin, _ = filters.window()
    if not themes or begin is None:  # no start: not an open-ended period, nothing is in it
        return []
    if not filters.by_organisation:
        return month_losses(territory_id, begin, themes)
    if keeps_many(territory_id, filters):
        p = POTENTIAL.c
        conditions = [
            p.territory_id == territory_id,
            p.organisation_id.in_(matching_org_ids(territory_id, filters)),
        ]
    else:  # a few organisations: their own rows, found from them
        p = of_matching(POTENTIAL, territory_id, filters).c
        conditions = []
    conditions += [p.theme_key.in_(sorted(themes)), p.latest_submitted_at >= begin]
    return [
        (theme_key, kind, key, float(lost or 0.0), float(maximum or 0.0), int(n))
        for theme_key, kind, key, lost, maximum, n in db.session.execute(
            select(
                p.theme_key,
                p.kind,
                p.key,
                func.sum(p.weighted_lost),
                func.sum(p.weighted_max),
                func.count(),
            )
            .where(*conditions)
            .group_by(p.theme_key, p.kind, p.key)
        )
    ]


def month_losses(territory_id: int, begin: datetime, themes: Sequence[str]) -> list[PotentialRow]:
    """current_losses of the whole territory: its whole months' sums, then the organisations'
    rows of the first month from the period's start (found through their statuses, by the
    territory's period index), all in integer millionths, exact."""
    first_month, partial_end = first_whole_month(begin)
    m = MONTH.c
    rows: list[tuple[Any, ...]] = [
        tuple(row)
        for row in db.session.execute(
            select(
                m.theme_key,
                m.kind,
                m.key,
                func.sum(m.lost_millionths),
                func.sum(m.max_millionths),
                func.sum(m.n_orgs),
            )
            .where(
                m.territory_id == territory_id,
                m.theme_key.in_(sorted(themes)),
                m.month >= first_month,
            )
            .group_by(m.theme_key, m.kind, m.key)
        )
    ]
    if partial_end is not None:
        rows += losses_submitted_between(territory_id, themes, begin, partial_end)
    sums: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for theme_key, kind, key, lost, maximum, n in rows:
        found = sums[(theme_key, kind, key)]
        found[0] += int(lost or 0)
        found[1] += int(maximum or 0)
        found[2] += int(n or 0)
    return [
        (theme_key, kind, key, lost / MILLIONTHS, maximum / MILLIONTHS, n)
        for (theme_key, kind, key), (lost, maximum, n) in sorted(sums.items())
    ]
