"""The day-before reminder of an event: once per registration, unless the user turned it off.

The worker runs `send_event_reminders` every day (assett/tasks.py). A registration is reminded
once: its `reminded_at` is claimed by a conditional UPDATE before the mail is queued, in the
same transaction, so two runs never both send it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import partial

from flask_babel import gettext as _
from sqlalchemy import select, update

from ..domain.events import is_reminder_day
from ..extensions import db
from ..models import Event, EventRegistration, User
from ..models._base import utcnow
from .event_mail import event_url, when_text
from .notification_mail import Item, Mail, Section
from .notifications import enabled_kinds, send_notification
from .unit_of_work import transaction


def send_event_reminders(now: datetime | None = None) -> int:
    """Remind the people registered for events starting tomorrow (Paris); return mails sent."""
    now = now or utcnow()
    rows = db.session.execute(
        select(EventRegistration.id, Event, User)
        .join(Event, Event.id == EventRegistration.event_id)
        .join(User, User.id == EventRegistration.user_id)
        .where(
            Event.status == "scheduled",
            Event.starts_at > now,
            Event.starts_at < now + timedelta(days=3),
            EventRegistration.status == "registered",
            EventRegistration.reminded_at.is_(None),
        )
        .order_by(Event.starts_at, EventRegistration.id)
    ).all()
    sent = 0
    for registration_id, event, user in rows:
        if not is_reminder_day(event.starts_at, now):
            continue
        if "event_reminder" not in enabled_kinds(user.id):
            continue
        with transaction() as session:
            claimed = session.execute(
                update(EventRegistration)
                .where(
                    EventRegistration.id == registration_id,
                    EventRegistration.reminded_at.is_(None),
                    EventRegistration.status == "registered",
                )
                .values(reminded_at=now)
                .execution_options(synchronize_session=False)
            ).rowcount  # type: ignore[attr-defined]  # an UPDATE gives a CursorResult
            if not claimed:
                continue
            compose = partial(_reminder_mail, event)
            if send_notification(
                user, "event_reminder", {f"event:{event.id}:reminder": event}, compose, now
            ):
                sent += 1
    return sent


def _reminder_mail(event: Event, _events: Sequence[Event]) -> Mail:
    where = [event.place] if event.place else []
    if event.online_url:
        where.append(_("en ligne : %(url)s", url=event.online_url))
    return Mail(
        subject=_("Demain : %(title)s", title=event.title),
        sections=(
            Section(
                paragraphs=(_("Pour rappel, vous êtes inscrit à cet événement demain :"),),
                items=(
                    Item(event.title, event_url(event)),
                    Item(
                        _(
                            "Quand : %(when)s (heure de Paris)",
                            when=when_text(event.starts_at, event.ends_at),
                        )
                    ),
                    Item(_("Où : %(where)s", where=" ; ".join(where))),
                ),
            ),
            Section(
                paragraphs=(
                    _(
                        "Vous ne pouvez plus venir ? Annulez votre inscription : la place ira à la "
                        "première personne en liste d'attente."
                    ),
                )
            ),
        ),
        reason=_("Vous recevez cet e-mail parce que vous êtes inscrit à cet événement."),
        action_label=_("Voir l'événement"),
        action_url=event_url(event),
    )
