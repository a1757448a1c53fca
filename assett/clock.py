"""The territory's calendar: days, quarters and deadlines are those of France.

The server's own zone (often UTC) never decides what « today » is: between midnight in Paris
and midnight UTC the two dates differ, and a date taken from the server would put an action
completed tonight on yesterday.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

LOCAL_TIMEZONE = ZoneInfo("Europe/Paris")


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def local_today(now: datetime | None = None) -> date:
    """The date in France at `now` (by default, now)."""
    return (now or utcnow()).astimezone(LOCAL_TIMEZONE).date()


def local_midnight(day: date) -> datetime:
    """The UTC moment at which `day` starts in France."""
    return datetime.combine(day, time(), tzinfo=LOCAL_TIMEZONE).astimezone(UTC)
