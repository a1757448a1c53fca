"""Cohorts: named groups of a territory's organisations, e.g. the « promotion » of pioneers.

The territory admin manages them by organisation name, whatever each organisation's sharing
choice: the admin runs the device and must be able to enrol a pioneer that shares nothing.
Animators only ever see a cohort as a filter of the dashboard, through its aggregates.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, delete, func, or_, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Campaign, CampaignRecipient, Cohort, CohortMember, Organisation, Territory
from .errors import ServiceError
from .unit_of_work import transaction, transactional

NAME_MAX = 120
DESCRIPTION_MAX = 2000
SEARCH_LIMIT = 50


@dataclass(frozen=True)
class CohortRow:
    """A cohort as the list shows it."""

    cohort: Cohort
    member_count: int


def cohorts_of(territory: Territory) -> list[CohortRow]:
    """The territory's cohorts by name, with their number of organisations."""
    counts = (
        select(CohortMember.cohort_id, func.count().label("n"))
        .group_by(CohortMember.cohort_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Cohort, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.cohort_id == Cohort.id)
        .where(Cohort.territory_id == territory.id)
        .order_by(func.lower(Cohort.name), Cohort.id)
    )
    return [CohortRow(cohort, int(count)) for cohort, count in rows]


def cohort_choices(territory_id: int) -> list[tuple[int, str]]:
    """(id, name) of the territory's cohorts, by name: the dashboard's cohort filter."""
    rows = db.session.execute(
        select(Cohort.id, Cohort.name)
        .where(Cohort.territory_id == territory_id)
        .order_by(func.lower(Cohort.name), Cohort.id)
    )
    return [(int(cohort_id), name) for cohort_id, name in rows]


def member_ids(cohort_id: int) -> Select[Any]:
    """A subquery of the cohort's organisation ids, to filter aggregates with `.in_()`."""
    return select(CohortMember.organisation_id).where(CohortMember.cohort_id == cohort_id)


def cohort_or_none(territory: Territory, cohort_id: int) -> Cohort | None:
    """The territory's cohort with this id; None if it is another territory's or unknown."""
    return db.session.scalar(
        select(Cohort).where(Cohort.id == cohort_id, Cohort.territory_id == territory.id)
    )


def _clean(
    territory_id: int, name: str, description: str, cohort_id: int | None
) -> tuple[str, str]:
    name = " ".join((name or "").split())
    description = (description or "").strip().replace("\r\n", "\n")
    if not name:
        raise ServiceError(_("Donnez un nom à la cohorte."), "name")
    if len(name) > NAME_MAX:
        raise ServiceError(
            _("Le nom est trop long (%(n)s caractères au plus).", n=NAME_MAX), "name"
        )
    if len(description) > DESCRIPTION_MAX:
        raise ServiceError(
            _("La description est trop longue (%(n)s caractères au plus).", n=DESCRIPTION_MAX),
            "description",
        )
    clash = db.session.scalar(
        select(Cohort.id).where(
            Cohort.territory_id == territory_id,
            func.lower(Cohort.name) == name.lower(),
            Cohort.id != (cohort_id or 0),
        )
    )
    if clash is not None:
        raise ServiceError(
            _("Une cohorte porte déjà le nom « %(name)s » sur ce territoire.", name=name), "name"
        )
    return name, description


@contextmanager
def _unique_name(name: str) -> Iterator[None]:
    """Turn the unique index's refusal (the same name saved at the same moment) into a message."""
    try:
        yield
    except IntegrityError as error:
        raise ServiceError(
            _("Une cohorte porte déjà le nom « %(name)s » sur ce territoire.", name=name), "name"
        ) from error


def create_cohort(territory: Territory, name: str, description: str = "") -> Cohort:
    """Create a named group of organisations; names are unique per territory."""
    name, description = _clean(territory.id, name, description, None)
    cohort = Cohort(territory_id=territory.id, name=name, description=description)
    with _unique_name(name), transaction() as session:
        session.add(cohort)
        session.flush()
    return cohort


def rename_cohort(cohort: Cohort, name: str, description: str = "") -> Cohort:
    """Change a cohort's name and description."""
    name, description = _clean(cohort.territory_id, name, description, cohort.id)
    with _unique_name(name), transaction() as session:
        cohort.name = name
        cohort.description = description
        session.flush()
    return cohort


@transactional
def delete_cohort(cohort: Cohort) -> None:
    """Delete a cohort; its organisations are not affected."""
    db.session.execute(delete(CohortMember).where(CohortMember.cohort_id == cohort.id))
    db.session.delete(cohort)


def members(cohort: Cohort) -> list[Organisation]:
    """The cohort's organisations, by name."""
    return list(
        db.session.scalars(
            select(Organisation)
            .join(CohortMember, CohortMember.organisation_id == Organisation.id)
            .where(CohortMember.cohort_id == cohort.id)
            .order_by(func.lower(Organisation.name), Organisation.id)
        )
    )


def _territory_organisation(cohort: Cohort, organisation_id: int | None) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
    if organisation is None or organisation.territory_id != cohort.territory_id:
        raise ServiceError(
            _("Cette organisation n'existe pas sur ce territoire."), "organisation_id"
        )
    return organisation


def _is_member(cohort: Cohort, organisation_id: int) -> bool:
    return (
        db.session.get(CohortMember, {"cohort_id": cohort.id, "organisation_id": organisation_id})
        is not None
    )


def add_member(cohort: Cohort, organisation_id: int | None) -> Organisation:
    """Put one of the territory's organisations in the cohort (twice is harmless)."""
    organisation = _territory_organisation(cohort, organisation_id)
    if not _is_member(cohort, organisation.id):
        try:
            with transaction() as session:
                session.add(CohortMember(cohort_id=cohort.id, organisation_id=organisation.id))
                session.flush()
        except IntegrityError:  # added by someone else at the same moment: already there
            pass
    return organisation


@transactional
def remove_member(cohort: Cohort, organisation_id: int | None) -> Organisation:
    """Take an organisation out of the cohort (the organisation itself stays)."""
    organisation = _territory_organisation(cohort, organisation_id)
    if not _is_member(cohort, organisation.id):
        raise ServiceError(
            _("« %(name)s » ne fait pas partie de cette cohorte.", name=organisation.name),
            "organisation_id",
        )
    db.session.execute(
        delete(CohortMember).where(
            CohortMember.cohort_id == cohort.id,
            CohortMember.organisation_id == organisation.id,
        )
    )
    return organisation


def _like_pattern(query: str) -> str:
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_organisations(
    territory: Territory, query: str, cohort: Cohort | None = None, limit: int = SEARCH_LIMIT
) -> list[Organisation]:
    """The territory's organisations whose name contains the text, leaving out the cohort's."""
    text = " ".join((query or "").split())
    if not text:
        return []
    statement = (
        select(Organisation)
        .where(
            Organisation.territory_id == territory.id,
            # lower() of SQLite only folds ASCII: also try the text as typed (« École »).
            or_(
                func.lower(Organisation.name).like(_like_pattern(text.lower()), escape="\\"),
                Organisation.name.like(_like_pattern(text), escape="\\"),
            ),
        )
        .order_by(func.lower(Organisation.name), Organisation.id)
        .limit(limit)
    )
    if cohort is not None:
        statement = statement.where(Organisation.id.not_in(member_ids(cohort.id)))
    return list(db.session.scalars(statement))


def join_invited_cohorts(organisation: Organisation, email: str) -> list[int]:
    """Put a new organisation in the cohorts its creator was invited with (inside the caller's
    transaction): the imported rows of the territory's sent campaigns with a cohort, matched by
    the creator's address or by the organisation's SIRET."""
    matches = [CampaignRecipient.email == email.strip().lower()]
    if organisation.siret:
        matches.append(CampaignRecipient.siret == organisation.siret)
    cohort_ids: list[int] = sorted(
        {
            int(cohort_id)
            for cohort_id in db.session.scalars(
                select(CampaignRecipient.cohort_id)
                .join(Campaign, Campaign.id == CampaignRecipient.campaign_id)
                .join(Cohort, Cohort.id == CampaignRecipient.cohort_id)
                .where(
                    Campaign.territory_id == organisation.territory_id,
                    Cohort.territory_id == organisation.territory_id,
                    CampaignRecipient.invited_at.is_not(None),
                    or_(*matches),
                )
            )
            if cohort_id is not None
        }
    )
    for cohort_id in cohort_ids:
        db.session.add(CohortMember(cohort_id=cohort_id, organisation_id=organisation.id))
    db.session.flush()
    return cohort_ids
