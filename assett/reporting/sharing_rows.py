"""Every sharing organisation with its latest results, as the organisations export reads them.

The list's page shows 50 whole organisations (sharing.sharing_organisations); the export
writes all of them, 10,000 in a large network. It reads only the columns it writes, as plain
tuples, a page at a time after the last one read (no OFFSET, which sorts the network again for
each page), so the file is written while the next page is read and memory stays flat. The
first page is small (enough for a first chunk of CSV) and each next one twice as large, up to
EXPORT_PAGE_SIZE: the download starts after a few hundred rows, whatever the network's size.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import and_, func, or_, select

from ..extensions import db
from ..models import Organisation, Territory
from .filters import REASSESSMENT_MONTHS, Filters
from .sharing import ThemeResult, results_of, sharing_conditions

EXPORT_PAGE_SIZE = 2500
FIRST_PAGE_SIZE = 200  # the rows an export reads before its first chunk leaves


class Profile(NamedTuple):
    """The columns of an organisation that its export row writes."""

    id: int
    name: str
    commune: str | None
    postcode: str | None
    naf_section: str | None
    headcount_code: str | None
    legal_type: str
    sharing: str
    last_activity_at: datetime | None


class SharedRow(NamedTuple):
    """A sharing organisation's export row: its profile and latest result per theme."""

    organisation: Profile
    results: dict[str, ThemeResult]


def sharing_rows(
    territory_id: int,
    filters: Filters,
    now: datetime,
    page_size: int = EXPORT_PAGE_SIZE,
    first_page_size: int = FIRST_PAGE_SIZE,
) -> Iterator[SharedRow]:
    """The sharing organisations matching the filters, by name, as the list orders them."""
    territory = db.session.get(Territory, territory_id)
    months = territory.reassessment_months if territory is not None else REASSESSMENT_MONTHS
    by_name = func.lower(Organisation.name)
    query = (
        select(
            by_name,
            Organisation.id,
            Organisation.name,
            Organisation.commune,
            Organisation.postcode,
            Organisation.naf_section,
            Organisation.headcount_code,
            Organisation.legal_type,
            Organisation.sharing,
            Organisation.last_activity_at,
        )
        .where(*sharing_conditions(territory_id, filters))
        .order_by(by_name, Organisation.id)
    )
    page, size = query, min(first_page_size, page_size)
    while True:
        rows = db.session.execute(page.limit(size)).all()
        results = results_of([row.id for row in rows], now, filters.theme, months)
        for row in rows:
            yield SharedRow(Profile._make(row[1:]), results.get(row.id, {}))
        if len(rows) < size:
            return
        name, last = rows[-1][0], rows[-1][1]
        page = query.where(or_(by_name > name, and_(by_name == name, Organisation.id > last)))
        size = min(2 * size, page_size)
