"""What the animator narrows the dashboard to, and the SQL conditions that follow from it.

Profile and cohort filters keep some organisations; a date range keeps the assessments
submitted in it (local days, Europe/Paris); a theme keeps one theme.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, String, Table, and_, case, cast, func, literal, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import FromClause

from ..clock import LOCAL_TIMEZONE
from ..extensions import db
from ..models import Assessment, Cohort, CohortMember, Organisation, OrgThemeStatus

REASSESSMENT_MONTHS = 12
# Above this share of the territory's organisations, a filter's sums are taken along the
# tables' group indexes (every row of the territory read in the grouping's order, those of the
# other organisations skipped); below it, from the matching organisations' rows, then sorted.
WIDE_SHARE = 0.2
STATUS = OrgThemeStatus.__table__
ASSESSMENT = Assessment.__table__


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
            local_midnight(self.start) if self.start else None,
            local_midnight(self.end + timedelta(days=1)) if self.end else None,
        )


def local_midnight(day: date) -> datetime:
    """The local day's first moment, in UTC."""
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


def org_conditions(territory_id: int, filters: Filters) -> list[ColumnElement[bool]]:
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


def matching_org_ids(territory_id: int, filters: Filters) -> Select[Any]:
    return select(Organisation.id).where(*org_conditions(territory_id, filters))


def matching_digest(territory_id: int, filters: Filters) -> str:
    """A digest of the set of organisations the profile and cohort filters keep.

    The database lists their ids in one string (ordered: a different order would only miss
    the cache), so that one row comes back whatever their number.
    """
    ids = matching_org_ids(territory_id, filters)
    if db.session.get_bind().dialect.name == "postgresql":
        listed = select(
            func.string_agg(
                cast(Organisation.id, String), aggregate_order_by(literal(","), Organisation.id)
            )
        ).where(*org_conditions(territory_id, filters))
    else:
        ordered = ids.order_by(Organisation.id).subquery()
        listed = select(func.group_concat(ordered.c.id, ","))
    text = db.session.scalar(listed) or ""
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def of_matching(table: Table, territory_id: int, filters: Filters) -> FromClause:
    """The table's rows of the matching organisations (and theme), driven by the organisations'
    profile index."""
    query = (
        select(*table.c)
        .join(Organisation, Organisation.id == table.c.organisation_id)
        .where(*org_conditions(territory_id, filters))
    )
    if filters.theme is not None and "theme_key" in table.c:
        query = query.where(table.c.theme_key == filters.theme)
    return query.subquery(table.name)


def keeps_many(territory_id: int, filters: Filters) -> bool:
    """Whether the profile and cohort filters keep more than WIDE_SHARE of the organisations."""
    matching = and_(*org_conditions(territory_id, filters)[1:])
    total, kept = db.session.execute(
        select(func.count(), func.count(case((matching, 1)))).where(
            Organisation.territory_id == territory_id
        )
    ).one()
    return int(kept or 0) > WIDE_SHARE * int(total or 0)


def to_group(table: Table, territory_id: int, filters: Filters) -> FromClause:
    """The table's rows of the matching organisations (and theme), for sums by group.

    `table` has territory_id, organisation_id and theme_key, and an index led by
    (territory_id, theme_key, then the grouping) that the database sums along when the
    filters keep many organisations (`keeps_many`).
    """
    if filters.by_organisation and not keeps_many(territory_id, filters):
        return of_matching(table, territory_id, filters)
    conditions: list[ColumnElement[bool]] = [table.c.territory_id == territory_id]
    if filters.theme is not None:
        conditions.append(table.c.theme_key == filters.theme)
    if filters.by_organisation:
        conditions.append(table.c.organisation_id.in_(matching_org_ids(territory_id, filters)))
    return select(*table.c).where(*conditions).subquery(table.name)


def statuses(territory_id: int, filters: Filters) -> tuple[FromClause, list[Any]]:
    """OrgThemeStatus rows of the matching organisations and theme, and the conditions."""
    if filters.by_organisation:
        return of_matching(STATUS, territory_id, filters), []
    conditions: list[Any] = [STATUS.c.territory_id == territory_id]
    if filters.theme is not None:
        conditions.append(STATUS.c.theme_key == filters.theme)
    return STATUS, conditions


def period_conditions(
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
        conditions.append(a.organisation_id.in_(matching_org_ids(territory_id, filters)))
    return conditions


def quarter_start(quarter: int) -> datetime:
    """The first moment of a local quarter, in UTC."""
    year, number = divmod(quarter, 10)
    return local_midnight(date(year, 3 * (number - 1) + 1, 1))


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
