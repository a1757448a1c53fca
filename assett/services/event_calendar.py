"""iCalendar files (RFC 5545) of events, written with the `icalendar` library.

Times are given with TZID=Europe/Paris (and the VTIMEZONE that defines it), DTSTAMP in UTC;
the UID is the event's stored one, so a calendar that imported it updates it in place (with
SEQUENCE); a cancelled event carries STATUS:CANCELLED. The public feed holds only public
events and what the public page shows of them: never who registered.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from ..domain.events import in_paris
from ..models import Event, Territory
from ..models._base import utcnow
from .event_mail import event_url
from .events import KIND_LABELS

PRODID = "-//ASSETT//Evenements du territoire//FR"


def _domain() -> str:
    base = str(current_app.config.get("BASE_URL") or "http://assett.localhost")
    return base.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "assett.localhost"


def _component(event: Event, now: datetime, with_link: bool) -> CalendarEvent:
    item = CalendarEvent()
    item.add("uid", f"{event.uid}@{_domain()}")
    item.add("dtstamp", now)
    item.add("dtstart", in_paris(event.starts_at))
    item.add("dtend", in_paris(event.ends_at))
    item.add("summary", event.title)
    item.add("categories", [str(KIND_LABELS[event.kind])])
    item.add("sequence", event.sequence)
    item.add("last-modified", event.updated_at)
    if event.description:
        item.add("description", event.description)
    # The meeting link goes to those registered (and the animators), not to every reader.
    online = event.online_url if with_link else None
    location = event.place or online or ("En ligne" if event.online_url else "")
    if location:
        item.add("location", location)
    item.add("url", online or event_url(event))
    item.add("status", "CANCELLED" if event.status == "cancelled" else "CONFIRMED")
    return item


def calendar_of(
    events: Iterable[Event], name: str, now: datetime | None = None, with_link: bool = False
) -> bytes:
    """A VCALENDAR holding the events."""
    now = now or utcnow()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Paris")
    for event in events:
        calendar.add_component(_component(event, now, with_link))
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def event_file(event: Event, with_link: bool = False) -> bytes:
    """The .ics of one event (with its meeting link for a registered person or an animator)."""
    return calendar_of([event], event.title, with_link=with_link)


def territory_feed(territory: Territory, events: Iterable[Event]) -> bytes:
    """The territory's public feed (no meeting links, no names)."""
    return calendar_of(events, _("%(name)s : événements", name=territory.name))
