"""The mails of events: registration, waiting list, promotion, cancellations (plain text).

These answer what the person did or was promised, so they are not reminders one turns off;
the day-before reminder is (see `event_reminders`). Titles typed by animators stay text: the
mails have no HTML part, and `send_mail` keeps headers on one line.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from ..domain.events import in_paris
from ..models import Event, User
from .mail import absolute_url, send_mail, written_for
from .notification_mail import french_date


def when_text(starts_at: datetime, ends_at: datetime) -> str:
    """« 17 mars 2027, 14 h 00 – 16 h 30 » in Paris time (the end's date when it differs)."""
    start, end = in_paris(starts_at), in_paris(ends_at)
    first = f"{french_date(start.date())}, {_clock(start)}"
    if end.date() == start.date():
        return f"{first} – {_clock(end)}"
    return f"{first} – {french_date(end.date())}, {_clock(end)}"


def _clock(moment: datetime) -> str:
    """« 14 h 00 », "14:00"."""
    return str(_("%(hour)s h %(minute)s", hour=moment.strftime("%H"), minute=moment.strftime("%M")))


def event_url(event: Event) -> str:
    """The event's page, on BASE_URL."""
    from ..extensions import db
    from ..models import Territory

    slug = db.session.scalar(select(Territory.slug).where(Territory.id == event.territory_id))
    return absolute_url("events.detail", slug=slug or "", event_id=event.id)


def _where(event: Event) -> str:
    parts = [event.place] if event.place else []
    if event.online_url:
        parts.append(_("en ligne : %(url)s", url=event.online_url))
    return " ; ".join(parts)


def _body(event: Event, opening: str, closing: str = "") -> str:
    lines = [
        _("Bonjour,"),
        "",
        opening,
        "",
        f"« {event.title} »",
        _("Quand : %(when)s (heure de Paris)", when=when_text(event.starts_at, event.ends_at)),
        _("Où : %(where)s", where=_where(event)),
        "",
    ]
    if closing:
        lines += [closing, ""]
    lines += [_("Voir l'événement : %(url)s", url=event_url(event))]
    return "\n".join(lines) + "\n"


def mail_registered(event: Event, user: User) -> None:
    """Confirm a seat."""
    with written_for(user.email):
        send_mail(
            user.email,
            _("Inscription confirmée : %(title)s", title=event.title),
            _body(
                event,
                _("Votre inscription est confirmée."),
                _("Vous pouvez ajouter l'événement à votre agenda depuis sa page (fichier .ics)."),
            ),
        )


def mail_waitlisted(event: Event, user: User, position: int) -> None:
    """Confirm a place on the waiting list."""
    with written_for(user.email):
        send_mail(
            user.email,
            _("Liste d'attente : %(title)s", title=event.title),
            _body(
                event,
                _(
                    "L'événement est complet : vous êtes sur la liste d'attente (position %(n)s).",
                    n=position,
                ),
                _("Si une place se libère, vous serez inscrit dans l'ordre d'arrivée et prévenu."),
            ),
        )


def mail_promoted(event: Event, user: User) -> None:
    """Tell a waiting person a seat was freed for them."""
    with written_for(user.email):
        send_mail(
            user.email,
            _("Une place s'est libérée : %(title)s", title=event.title),
            _body(
                event,
                _("Une place s'est libérée : vous êtes maintenant inscrit."),
                _("Si vous ne pouvez plus venir, annulez depuis la page de l'événement."),
            ),
        )


def mail_unregistered(event: Event, user: User) -> None:
    """Confirm a cancelled registration."""
    with written_for(user.email):
        send_mail(
            user.email,
            _("Inscription annulée : %(title)s", title=event.title),
            _body(event, _("Votre inscription est annulée.")),
        )


def mail_cancelled_event(event: Event, user: User) -> None:
    """Tell a registered or waiting person the event will not take place."""
    with written_for(user.email):
        send_mail(
            user.email,
            _("Événement annulé : %(title)s", title=event.title),
            _body(event, _("Cet événement est annulé par l'équipe d'animation.")),
        )
