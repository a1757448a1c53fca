"""Retours d'expérience in the national library: which a territory may share, their snapshot,
and the copy another territory keeps in its own library.

A case may be shared when it is published, its organisation is in the public directory and
agreed to national sharing (`national_consent`); an item whose case no longer is so leaves the
library listing (`still_shared`). The copy keeps the texts and the organisation's public name
as shared, and the origin territory's name.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_, select

from ..domain.experience import FIELD_LIMITS, search_words
from ..extensions import db
from ..models import ExperienceCase, LibraryExperience, LibraryItem, Organisation, Territory
from .awards import theme_titles

TEXT_FIELDS = tuple(FIELD_LIMITS)  # title, context, actions_done, results, cost, partners


def _shareable_conditions() -> list[ColumnElement[bool]]:
    return [
        ExperienceCase.status == "publie",
        ExperienceCase.national_consent.is_(True),
        Organisation.sharing == "public",
    ]


def shareable_cases(territory: Territory) -> list[ExperienceCase]:
    """The territory's cases that may go to the national library, newest first."""
    return list(
        db.session.scalars(
            select(ExperienceCase)
            .join(Organisation, Organisation.id == ExperienceCase.organisation_id)
            .where(ExperienceCase.territory_id == territory.id, *_shareable_conditions())
            .order_by(ExperienceCase.published_at.desc(), ExperienceCase.id.desc())
        )
    )


def snapshot(territory: Territory, case_id: int) -> tuple[ExperienceCase, dict[str, Any]] | None:
    """A shareable case of the territory and what the library keeps of it."""
    found = db.session.execute(
        select(ExperienceCase, Organisation.name)
        .join(Organisation, Organisation.id == ExperienceCase.organisation_id)
        .where(
            ExperienceCase.id == case_id,
            ExperienceCase.territory_id == territory.id,
            *_shareable_conditions(),
        )
    ).first()
    if found is None:
        return None
    case, organisation_name = found
    data: dict[str, Any] = {name: getattr(case, name) or "" for name in TEXT_FIELDS}
    data["organisation_name"] = organisation_name
    return case, data


def still_shared() -> ColumnElement[bool]:
    """A library item is listed unless it is a case that may no longer be shared."""
    case_ok = (
        select(ExperienceCase.id)
        .join(Organisation, Organisation.id == ExperienceCase.organisation_id)
        .where(
            ExperienceCase.id == LibraryItem.source_id,
            ExperienceCase.territory_id == LibraryItem.territory_id,
            *_shareable_conditions(),
        )
        .exists()
    )
    return or_(LibraryItem.kind != "experience", case_ok)


def copy_into(territory: Territory, item: LibraryItem) -> int:
    """Write the case into the territory's library; a theme it does not have is dropped."""
    origin = db.session.get(Territory, item.territory_id)
    data = item.data
    theme_key = item.theme_key if item.theme_key in theme_titles(territory) else None
    row = LibraryExperience(
        territory_id=territory.id,
        title=item.title,
        theme_key=theme_key,
        organisation_name=str(data.get("organisation_name", ""))[:200],
        origin_territory_name=origin.name if origin else "",
        **{
            name: str(data.get(name, ""))[:limit]
            for name, (_label, limit) in FIELD_LIMITS.items()
            if name != "title"
        },
    )
    db.session.add(row)
    db.session.flush()
    return int(row.id)


def copied_cases(
    territory: Territory, theme: str | None = None, text: str = ""
) -> list[LibraryExperience]:
    """The cases the territory copied from the network, newest first, by theme and words."""
    query = select(LibraryExperience).where(LibraryExperience.territory_id == territory.id)
    if theme:
        query = query.where(LibraryExperience.theme_key == theme)
    for word in search_words(text):
        pattern = f"%{word}%"
        query = query.where(
            or_(
                *(
                    getattr(LibraryExperience, name).ilike(pattern)
                    for name in ("title", "context", "actions_done", "results", "partners")
                )
            )
        )
    return list(
        db.session.scalars(
            query.order_by(LibraryExperience.created_at.desc(), LibraryExperience.id.desc())
        )
    )
