"""Registering for an event: a seat while there is one, else the waiting list, in order.

Two people asking for the last seat at the same moment never both get it: the transaction
locks the event's row first (PostgreSQL; SQLite's write transactions begin IMMEDIATE, which
serialises them), and a seat number is unique per event in the schema, so even a writer that
skipped the lock could not take a seat already held. A cancellation frees its seat, which
goes to the first person waiting, who is told by mail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..domain.events import first_free_seat
from ..extensions import db
from ..models import Event, EventRegistration, Organisation, User
from ..models._base import utcnow
from .errors import ServiceError
from .event_audience import member_organisations, open_to
from .event_mail import mail_promoted, mail_registered, mail_unregistered, mail_waitlisted
from .unit_of_work import transaction


@dataclass(frozen=True)
class Attendee:
    """A registration as the animators see it."""

    registration: EventRegistration
    user: User
    organisation: Organisation


def registered_count(event_id: int) -> int:
    """How many seats are taken."""
    return int(
        db.session.scalar(
            select(func.count()).where(
                EventRegistration.event_id == event_id, EventRegistration.status == "registered"
            )
        )
        or 0
    )


def _taken_seats(event_id: int) -> set[int]:
    return {
        seat
        for seat in db.session.scalars(
            select(EventRegistration.seat).where(
                EventRegistration.event_id == event_id, EventRegistration.seat.is_not(None)
            )
        )
        if seat is not None
    }


def live_registration(event: Event, user: User) -> EventRegistration | None:
    """The user's registration or place on the waiting list, if any."""
    return db.session.scalar(
        select(EventRegistration).where(
            EventRegistration.event_id == event.id,
            EventRegistration.user_id == user.id,
            EventRegistration.status != "cancelled",
        )
    )


def waitlist_position(registration: EventRegistration) -> int:
    """1 for the first person waiting."""
    ahead = db.session.scalar(
        select(func.count()).where(
            EventRegistration.event_id == registration.event_id,
            EventRegistration.status == "waitlisted",
            (EventRegistration.requested_at < registration.requested_at)
            | (
                (EventRegistration.requested_at == registration.requested_at)
                & (EventRegistration.id < registration.id)
            ),
        )
    )
    return int(ahead or 0) + 1


def _lock(event: Event) -> None:
    db.session.execute(select(Event.id).where(Event.id == event.id).with_for_update())
    db.session.refresh(event)


def register(
    event: Event, user: User, organisation_id: int, now: datetime | None = None
) -> EventRegistration:
    """Register the user for one of their organisations: a seat, or the waiting list if full."""
    now = now or utcnow()
    try:
        with transaction() as session:
            _lock(event)
            if event.status != "scheduled":
                raise ServiceError(_("Cet événement est annulé."))
            if event.starts_at <= now:
                raise ServiceError(_("Cet événement a commencé : les inscriptions sont closes."))
            mine = [o.id for o in member_organisations(user, event.territory_id)]
            if organisation_id not in mine or not open_to(event, [organisation_id]):
                raise ServiceError(
                    _("Cet événement n'est pas ouvert à cette organisation."), "organisation_id"
                )
            if live_registration(event, user) is not None:
                raise ServiceError(_("Vous êtes déjà inscrit à cet événement."))
            seat = first_free_seat(event.capacity, _taken_seats(event.id))
            registration = EventRegistration(
                event_id=event.id,
                organisation_id=organisation_id,
                user_id=user.id,
                status="registered" if seat is not None else "waitlisted",
                seat=seat,
                requested_at=now,
            )
            session.add(registration)
            session.flush()
            if seat is not None:
                mail_registered(event, user)
            else:
                mail_waitlisted(event, user, waitlist_position(registration))
    except IntegrityError as error:
        # Only a writer bypassing the lock gets here: the seat or the person is already taken.
        raise ServiceError(
            _("Cette place vient d'être prise ou vous êtes déjà inscrit : rechargez la page.")
        ) from error
    return registration


def cancel_registration(event: Event, user: User, now: datetime | None = None) -> bool:
    """Cancel the user's registration (or place in line); a freed seat goes to the next person."""
    now = now or utcnow()
    with transaction() as session:
        _lock(event)
        registration = live_registration(event, user)
        if registration is None:
            return False
        if event.status == "scheduled" and event.starts_at <= now:
            raise ServiceError(
                _("Cet événement a commencé : l'inscription ne peut plus être annulée.")
            )
        registration.status = "cancelled"
        registration.seat = None
        registration.cancelled_at = now
        session.flush()  # the seat is free before anyone takes it
        mail_unregistered(event, user)
        if event.status == "scheduled":
            promote_waitlisted(event)
    return True


def promote_waitlisted(event: Event) -> int:
    """Give free seats to the people waiting, first come first served (caller's transaction)."""
    promoted = 0
    waiting = db.session.execute(
        select(EventRegistration, User)
        .join(User, User.id == EventRegistration.user_id)
        .where(EventRegistration.event_id == event.id, EventRegistration.status == "waitlisted")
        .order_by(EventRegistration.requested_at, EventRegistration.id)
    ).all()
    taken = _taken_seats(event.id)
    for registration, user in waiting:
        seat = first_free_seat(event.capacity, taken)
        if seat is None:
            break
        taken.add(seat)
        registration.status = "registered"
        registration.seat = seat
        db.session.flush()
        mail_promoted(event, user)
        promoted += 1
    return promoted


def attendees(event: Event) -> list[Attendee]:
    """Registrations and waiting list of an event, in order (for its animators)."""
    rows = db.session.execute(
        select(EventRegistration, User, Organisation)
        .join(User, User.id == EventRegistration.user_id)
        .join(Organisation, Organisation.id == EventRegistration.organisation_id)
        .where(EventRegistration.event_id == event.id, EventRegistration.status != "cancelled")
        .order_by(
            EventRegistration.status,
            EventRegistration.requested_at,
            EventRegistration.id,
        )
    ).all()
    return [Attendee(r, u, o) for r, u, o in rows]


def export_registrations(organisation: Organisation) -> list[dict[str, object]]:
    """The organisation's registrations, for its data export."""
    rows = db.session.execute(
        select(EventRegistration, Event, User)
        .join(Event, Event.id == EventRegistration.event_id)
        .join(User, User.id == EventRegistration.user_id)
        .where(EventRegistration.organisation_id == organisation.id)
        .order_by(EventRegistration.requested_at, EventRegistration.id)
    ).all()
    return [
        {
            "event_title": event.title,
            "event_kind": event.kind,
            "starts_at": event.starts_at.isoformat(),
            "ends_at": event.ends_at.isoformat(),
            "member": user.email,
            "status": registration.status,
            "requested_at": registration.requested_at.isoformat(),
            "cancelled_at": registration.cancelled_at.isoformat()
            if registration.cancelled_at
            else None,
            "attended": registration.attended,
        }
        for registration, event, user in rows
    ]
