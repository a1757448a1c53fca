"""The organisations that share their results with the animators, and the top progressors.

These name organisations: only those whose sharing level lets the animators see them count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import FromClause

from ..extensions import db
from ..models import Organisation, Territory
from .filters import (
    ASSESSMENT,
    REASSESSMENT_MONTHS,
    STATUS,
    Filters,
    months_before,
    org_conditions,
    period_conditions,
    statuses,
)
from .period import period_statuses_query
from .totals import CHANGE_THRESHOLD

SHARING_WITH_ANIMATORS = ("animators", "public")
TOP_PROGRESSORS = 10
PAGE_SIZE = 50


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


def sharing_conditions(territory_id: int, filters: Filters) -> list[ColumnElement[bool]]:
    conditions = [
        *org_conditions(territory_id, filters),
        Organisation.sharing.in_(SHARING_WITH_ANIMATORS),
    ]
    if filters.dated:
        conditions.append(
            exists(
                select(ASSESSMENT.c.id).where(
                    ASSESSMENT.c.organisation_id == Organisation.id,
                    *period_conditions(territory_id, filters, organisations=False),
                )
            )
        )
    elif filters.theme is not None:
        conditions.append(
            exists(
                select(STATUS.c.organisation_id).where(
                    STATUS.c.organisation_id == Organisation.id, STATUS.c.theme_key == filters.theme
                )
            )
        )
    return conditions


def count_sharing(territory_id: int, filters: Filters) -> int:
    """Sharing organisations matching the filters."""
    query = select(func.count(Organisation.id)).where(*sharing_conditions(territory_id, filters))
    return db.session.scalar(query) or 0


def sharing_page(
    territory_id: int, filters: Filters, page: int = 1, per_page: int | None = PAGE_SIZE
) -> list[Organisation]:
    """One page of the sharing organisations, by name (per_page None: all of them)."""
    return by_name(
        select(Organisation).where(*sharing_conditions(territory_id, filters)), page, per_page
    )


def by_name(query: Any, page: int, per_page: int | None) -> list[Organisation]:
    """One page of the organisations the query selects, by name."""
    query = query.order_by(func.lower(Organisation.name), Organisation.id)
    if per_page is not None:
        query = query.offset((max(page, 1) - 1) * per_page).limit(per_page)
    return list(db.session.scalars(query))


def results_of(
    organisation_ids: Sequence[int],
    now: datetime,
    theme_key: str | None = None,
    months: int = REASSESSMENT_MONTHS,
) -> dict[int, dict[str, ThemeResult]]:
    """The latest result per theme of the given organisations; due for reassessment `months`
    (the territory's delay) after its latest submission."""
    if not organisation_ids:
        return {}
    due_before = months_before(now, months)
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
        due = submitted_at < due_before
        found[org_id][key] = ThemeResult(key, score, band_key, first, submitted_at, count, due)
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
    territory = db.session.get(Territory, territory_id)
    months = territory.reassessment_months if territory is not None else REASSESSMENT_MONTHS
    results = results_of([org.id for org in organisations], now, filters.theme, months)
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
        table, conditions = period_statuses_query(territory_id, filters), []
    else:
        table, conditions = statuses(territory_id, filters)
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
