"""Who may see and register for an event: its audience, the user's organisations, the public.

An event is open to every organisation of its territory, to a cohort's, or to the
organisations invited; actors see only the events open to one of their organisations, and the
public page and feed only the events the animators announce there.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select

from ..extensions import db
from ..models import (
    CohortMember,
    Event,
    EventInvitee,
    EventRegistration,
    Membership,
    Organisation,
    Territory,
    User,
)
from ..models._base import utcnow


def member_organisations(user: User, territory_id: int) -> list[Organisation]:
    """The user's organisations on the territory."""
    return list(
        db.session.scalars(
            select(Organisation)
            .join(Membership, Membership.organisation_id == Organisation.id)
            .where(Membership.user_id == user.id, Organisation.territory_id == territory_id)
            .order_by(Organisation.name, Organisation.id)
        )
    )


def open_to(event: Event, organisation_ids: Sequence[int]) -> list[int]:
    """Those of the organisations the event is open to."""
    if not organisation_ids:
        return []
    ids = list(organisation_ids)
    if event.audience == "territory":
        return list(
            db.session.scalars(
                select(Organisation.id).where(
                    Organisation.id.in_(ids), Organisation.territory_id == event.territory_id
                )
            )
        )
    if event.audience == "cohort":
        return list(
            db.session.scalars(
                select(CohortMember.organisation_id).where(
                    CohortMember.cohort_id == (event.cohort_id or 0),
                    CohortMember.organisation_id.in_(ids),
                )
            )
        )
    return list(
        db.session.scalars(
            select(EventInvitee.organisation_id).where(
                EventInvitee.event_id == event.id, EventInvitee.organisation_id.in_(ids)
            )
        )
    )


def _open_clause(organisation_ids: list[int]):  # type: ignore[no-untyped-def]
    return or_(
        Event.audience == "territory",
        (Event.audience == "cohort")
        & Event.cohort_id.in_(
            select(CohortMember.cohort_id).where(CohortMember.organisation_id.in_(organisation_ids))
        ),
        (Event.audience == "invited")
        & Event.id.in_(
            select(EventInvitee.event_id).where(EventInvitee.organisation_id.in_(organisation_ids))
        ),
    )


def events_for(user: User, territory: Territory, now: datetime | None = None) -> list[Event]:
    """Upcoming events open to one of the user's organisations, or that the user registered to."""
    now = now or utcnow()
    organisation_ids = [o.id for o in member_organisations(user, territory.id)]
    mine = select(EventRegistration.event_id).where(
        EventRegistration.user_id == user.id, EventRegistration.status != "cancelled"
    )
    return list(
        db.session.scalars(
            select(Event)
            .where(
                Event.territory_id == territory.id,
                Event.ends_at >= now,
                or_(_open_clause(organisation_ids), Event.id.in_(mine))
                if organisation_ids
                else Event.id.in_(mine),
            )
            .order_by(Event.starts_at, Event.id)
        )
    )


def may_see(user: User, event: Event, staff: bool) -> bool:
    """Whether the user may open the event's page: staff, public, open to them or registered."""
    if staff or event.is_public:
        return True
    if not user.is_authenticated:
        return False
    organisations = [o.id for o in member_organisations(user, event.territory_id)]
    if open_to(event, organisations):
        return True
    return (
        db.session.scalar(
            select(EventRegistration.id).where(
                EventRegistration.event_id == event.id, EventRegistration.user_id == user.id
            )
        )
        is not None
    )


def public_upcoming(
    territory: Territory, now: datetime | None = None, limit: int = 20
) -> list[Event]:
    """The territory's upcoming public events (title, date, place, kind are shown; no names)."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(Event)
            .where(
                Event.territory_id == territory.id,
                Event.is_public.is_(True),
                Event.status == "scheduled",
                Event.ends_at >= now,
            )
            .order_by(Event.starts_at, Event.id)
            .limit(limit)
        )
    )


def public_events(territory: Territory) -> list[Event]:
    """Every public event of the territory, cancelled ones included (the public feed)."""
    return list(
        db.session.scalars(
            select(Event)
            .where(Event.territory_id == territory.id, Event.is_public.is_(True))
            .order_by(Event.starts_at, Event.id)
        )
    )
