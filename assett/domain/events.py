"""Workshops and events: their vocabulary, Paris wall-clock times and the reminder day (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Final
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

PARIS: Final = ZoneInfo("Europe/Paris")

EVENT_KINDS: Final = ("atelier", "reunion", "visite", "webinaire")
# Who may register: every organisation of the territory, a cohort's, or those invited.
AUDIENCES: Final = ("territory", "cohort", "invited")
EVENT_STATUSES: Final = ("scheduled", "cancelled")
REGISTRATION_STATUSES: Final = ("registered", "waitlisted", "cancelled")
# What an event led to; « synergy » is kept for the synergies when they are recorded as rows.
OUTPUT_KINDS: Final = ("plan_action", "flow", "synergy")

TITLE_MAX: Final = 200
DESCRIPTION_MAX: Final = 5000
PLACE_MAX: Final = 300
URL_MAX: Final = 500
NOTES_MAX: Final = 10_000
CAPACITY_MAX: Final = 10_000
# An event lasts at most this long (a two-day visit, not a season).
LONGEST: Final = timedelta(days=7)


def paris_to_utc(day: date, at: time) -> datetime | None:
    """The UTC instant of a Paris wall-clock time; None if that time does not exist (DST gap)."""
    local = datetime.combine(day, at, tzinfo=PARIS)
    instant = local.astimezone(UTC)
    # 02:30 on the last Sunday of March never happens in Paris: the round trip shows it.
    back = instant.astimezone(PARIS)
    if (back.date(), back.time().replace(tzinfo=None)) != (day, at.replace(tzinfo=None)):
        return None
    return instant


def in_paris(instant: datetime) -> datetime:
    """The Paris wall-clock time of an instant."""
    return instant.astimezone(PARIS)


def paris_day(instant: datetime) -> date:
    """The date in Paris at an instant."""
    return instant.astimezone(PARIS).date()


def is_reminder_day(starts_at: datetime, now: datetime) -> bool:
    """Whether the event starts tomorrow, in Paris (the day-before reminder is due)."""
    return paris_day(starts_at) == paris_day(now) + timedelta(days=1)


def is_web_link(value: str) -> bool:
    """Whether a text is an http(s) link with a host, and nothing a browser would run."""
    if len(value) > URL_MAX or any(char.isspace() for char in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def seats_left(capacity: int, registered: int) -> int:
    """Places still free (never below zero)."""
    return max(capacity - registered, 0)


def first_free_seat(capacity: int, taken: set[int]) -> int | None:
    """The lowest seat number not taken, or None when the event is full."""
    for seat in range(1, capacity + 1):
        if seat not in taken:
            return seat
    return None
