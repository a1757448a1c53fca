"""Workshops and events: animators create, edit and cancel them (who may come: event_audience).

Times are typed in Paris wall-clock time and stored in UTC (`domain.events.paris_to_utc`).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, time

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from ..domain.events import (
    AUDIENCES,
    CAPACITY_MAX,
    DESCRIPTION_MAX,
    EVENT_KINDS,
    LONGEST,
    PLACE_MAX,
    TITLE_MAX,
    URL_MAX,
    is_web_link,
    paris_to_utc,
)
from ..extensions import db
from ..models import (
    Cohort,
    Event,
    EventInvitee,
    EventRegistration,
    Organisation,
    Territory,
    User,
)
from ..models._base import utcnow
from .errors import ServiceError
from .event_mail import mail_cancelled_event
from .questionnaires import shown_title, territory_questionnaires
from .unit_of_work import transaction

KIND_LABELS = {
    "atelier": _l("Atelier"),
    "reunion": _l("Réunion"),
    "visite": _l("Visite"),
    "webinaire": _l("Webinaire"),
}
AUDIENCE_LABELS = {
    "territory": _l("Toutes les organisations du territoire"),
    "cohort": _l("Les organisations d'une cohorte"),
    "invited": _l("Les organisations invitées"),
}


@dataclass
class EventInput:
    """What the animator typed, parsed by the form (dates and times in Paris)."""

    kind: str
    title: str
    start_day: date | None
    start_time: time | None
    end_time: time | None
    capacity: int | None
    end_day: date | None = None
    description: str = ""
    themes: list[str] = field(default_factory=list)
    place: str = ""
    online_url: str = ""
    audience: str = "territory"
    cohort_id: int | None = None
    invited_ids: list[int] = field(default_factory=list)
    is_public: bool = False


@dataclass(frozen=True)
class EventRow:
    """An event as the animators' list shows it."""

    event: Event
    registered: int
    waitlisted: int


def theme_choices(territory_id: int) -> list[tuple[str, str]]:
    """(key, title) of the territory's themes."""
    return [(q.theme_key, shown_title(q)) for q in territory_questionnaires(territory_id)]


def cohort_choices(territory_id: int) -> list[tuple[int, str]]:
    """(id, name) of the territory's cohorts."""
    rows = db.session.execute(
        select(Cohort.id, Cohort.name)
        .where(Cohort.territory_id == territory_id)
        .order_by(func.lower(Cohort.name), Cohort.id)
    )
    return [(int(i), str(n)) for i, n in rows]


def organisation_choices(territory_id: int) -> list[tuple[int, str]]:
    """(id, name) of the organisations animators may name: those that share with them."""
    rows = db.session.execute(
        select(Organisation.id, Organisation.name)
        .where(
            Organisation.territory_id == territory_id,
            Organisation.sharing.in_(("animators", "public")),
        )
        .order_by(func.lower(Organisation.name), Organisation.id)
    )
    return [(int(i), str(n)) for i, n in rows]


def _clean(territory: Territory, data: EventInput) -> dict[str, object]:
    """Check every field; raise a ServiceError naming the first one at fault."""
    title = " ".join((data.title or "").split())
    if data.kind not in EVENT_KINDS:
        raise ServiceError(_("Choisissez le type d'événement."), "kind")
    if not title:
        raise ServiceError(_("Donnez un titre à l'événement."), "title")
    if len(title) > TITLE_MAX:
        raise ServiceError(
            _("Le titre est trop long (%(n)s caractères au plus).", n=TITLE_MAX), "title"
        )
    description = (data.description or "").strip().replace("\r\n", "\n")
    if len(description) > DESCRIPTION_MAX:
        raise ServiceError(
            _("La description est trop longue (%(n)s caractères au plus).", n=DESCRIPTION_MAX),
            "description",
        )
    known = dict(theme_choices(territory.id))
    themes = [key for key in dict.fromkeys(data.themes) if key]
    if any(key not in known for key in themes):
        raise ServiceError(_("Thème inconnu."), "themes")
    if data.start_day is None:
        raise ServiceError(_("Indiquez la date de l'événement."), "start_day")
    if data.start_time is None:
        raise ServiceError(_("Indiquez l'heure de début."), "start_time")
    if data.end_time is None:
        raise ServiceError(_("Indiquez l'heure de fin."), "end_time")
    starts_at = paris_to_utc(data.start_day, data.start_time)
    if starts_at is None:
        raise ServiceError(
            _("Cette heure n'existe pas ce jour-là (passage à l'heure d'été)."), "start_time"
        )
    ends_at = paris_to_utc(data.end_day or data.start_day, data.end_time)
    if ends_at is None:
        raise ServiceError(
            _("Cette heure n'existe pas ce jour-là (passage à l'heure d'été)."), "end_time"
        )
    if ends_at <= starts_at:
        raise ServiceError(_("La fin doit venir après le début."), "end_time")
    if ends_at - starts_at > LONGEST:
        raise ServiceError(_("Un événement dure au plus sept jours."), "end_day")
    place = " ".join((data.place or "").split())
    if len(place) > PLACE_MAX:
        raise ServiceError(
            _("Le lieu est trop long (%(n)s caractères au plus).", n=PLACE_MAX), "place"
        )
    online_url = (data.online_url or "").strip()
    if online_url and not is_web_link(online_url):
        raise ServiceError(
            _(
                "Le lien doit être une adresse web commençant par https:// ou http:// "
                "(%(n)s caractères au plus).",
                n=URL_MAX,
            ),
            "online_url",
        )
    if not place and not online_url:
        raise ServiceError(_("Indiquez un lieu ou un lien pour participer en ligne."), "place")
    if data.capacity is None or not 1 <= data.capacity <= CAPACITY_MAX:
        raise ServiceError(_("Le nombre de places va de 1 à %(n)s.", n=CAPACITY_MAX), "capacity")
    if data.audience not in AUDIENCES:
        raise ServiceError(_("Choisissez à qui l'événement est ouvert."), "audience")
    cohort_id = None
    if data.audience == "cohort":
        cohort_id = data.cohort_id
        if cohort_id is None or cohort_id not in dict(cohort_choices(territory.id)):
            raise ServiceError(_("Choisissez une cohorte du territoire."), "cohort_id")
    invited: list[int] = []
    if data.audience == "invited":
        own = dict(organisation_choices(territory.id))
        invited = [i for i in dict.fromkeys(data.invited_ids) if i in own]
        if not invited or len(invited) != len(set(data.invited_ids)):
            raise ServiceError(
                _("Choisissez au moins une organisation du territoire à inviter."), "invited_ids"
            )
    return {
        "kind": data.kind,
        "title": title,
        "description": description,
        "themes": themes,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place": place,
        "online_url": online_url or None,
        "capacity": data.capacity,
        "audience": data.audience,
        "cohort_id": cohort_id,
        "is_public": bool(data.is_public) and data.audience == "territory",
        "invited": invited,
    }


def _ids(values: object) -> list[int]:
    """The cleaned values' whole numbers, typed for mypy (the cleaning made them so)."""
    return [int(v) for v in values if isinstance(v, int)] if isinstance(values, list) else []


def _set_invitees(event: Event, invited: Sequence[int]) -> None:
    db.session.execute(delete(EventInvitee).where(EventInvitee.event_id == event.id))
    for organisation_id in invited:
        db.session.add(EventInvitee(event_id=event.id, organisation_id=organisation_id))


def create_event(territory: Territory, data: EventInput, user: User) -> Event:
    """Create an event of the territory (with a new, stable iCalendar UID)."""
    values = _clean(territory, data)
    invited = _ids(values.pop("invited"))
    with transaction() as session:
        event = Event(
            territory_id=territory.id,
            uid=secrets.token_hex(16),
            sequence=0,
            created_by_id=user.id,
            status="scheduled",
            notes="",
            **values,
        )
        session.add(event)
        session.flush()
        _set_invitees(event, invited)
    return event


def update_event(event: Event, data: EventInput) -> Event:
    """Change an event; calendars see a new SEQUENCE; more places promote the waiting list."""
    from .event_registrations import promote_waitlisted, registered_count

    if event.status == "cancelled":
        raise ServiceError(_("Cet événement est annulé : il ne peut plus être modifié."))
    territory = db.session.get(Territory, event.territory_id)
    if territory is None:  # deleted meanwhile
        raise ServiceError(_("Ce territoire n'existe plus."))
    values = _clean(territory, data)
    invited = _ids(values.pop("invited"))
    with transaction() as session:
        session.execute(select(Event.id).where(Event.id == event.id).with_for_update())
        taken = registered_count(event.id)
        capacity = _ids([values["capacity"]])[0]
        if capacity < taken:
            raise ServiceError(
                _(
                    "%(n)s personnes sont déjà inscrites : le nombre de places ne peut pas "
                    "descendre en dessous.",
                    n=taken,
                ),
                "capacity",
            )
        for name, value in values.items():
            setattr(event, name, value)
        event.sequence += 1
        event.updated_at = utcnow()
        _set_invitees(event, invited)
        session.flush()
        promote_waitlisted(event)
    return event


def cancel_event(event: Event) -> int:
    """Cancel an event and tell everyone registered or waiting; return how many were told."""
    if event.status == "cancelled":
        return 0
    with transaction() as session:
        event.status = "cancelled"
        event.cancelled_at = utcnow()
        event.sequence += 1
        event.updated_at = utcnow()
        rows = session.execute(
            select(EventRegistration, User)
            .join(User, User.id == EventRegistration.user_id)
            .where(
                EventRegistration.event_id == event.id,
                EventRegistration.status != "cancelled",
            )
            .order_by(EventRegistration.id)
        ).all()
        for _registration, user in rows:
            mail_cancelled_event(event, user)
    return len(rows)


def event_or_none(territory: Territory, event_id: int) -> Event | None:
    """The territory's event with this id; None for another territory's or an unknown one."""
    return db.session.scalar(
        select(Event).where(Event.id == event_id, Event.territory_id == territory.id)
    )


def territory_events(territory: Territory) -> list[EventRow]:
    """Every event of the territory, latest first, with its counts (for the animators)."""
    counts = (
        select(
            EventRegistration.event_id,
            func.count().filter(EventRegistration.status == "registered").label("registered"),
            func.count().filter(EventRegistration.status == "waitlisted").label("waitlisted"),
        )
        .group_by(EventRegistration.event_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Event, func.coalesce(counts.c.registered, 0), func.coalesce(counts.c.waitlisted, 0))
        .outerjoin(counts, counts.c.event_id == Event.id)
        .where(Event.territory_id == territory.id)
        .order_by(Event.starts_at.desc(), Event.id.desc())
    )
    return [EventRow(event, int(r), int(w)) for event, r, w in rows]


def invited_ids(event: Event) -> list[int]:
    """The organisations invited to the event."""
    return list(
        db.session.scalars(
            select(EventInvitee.organisation_id).where(EventInvitee.event_id == event.id)
        )
    )
