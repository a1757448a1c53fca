"""Reminder and digest mails: their kinds and the calendar rules that make one due (pure)."""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta
from typing import Final

# What a user may receive, each with its own checkbox in « Mon compte » (all on by default).
NOTIFICATION_KINDS: Final = (
    "action_due",
    "action_overdue",
    "reassessment",
    "weekly_digest",
    "synergy_news",
    "synergy_next_step",
    "event_reminder",
)
# Actions still to be done: reminders concern these only (« en pause » is left alone).
REMINDED_STATUSES: Final = ("a_faire", "en_cours")
DUE_SOON_DAYS: Final = 7
REASSESSMENT_MONTHS_DEFAULT: Final = 12
REASSESSMENT_MONTHS_RANGE: Final = (1, 60)


def is_due_soon(due_on: date, today: date, days: int = DUE_SOON_DAYS) -> bool:
    """Whether the due date falls in the coming `days` days (tomorrow to `days` days ahead)."""
    return today < due_on <= today + timedelta(days=days)


def is_overdue(due_on: date, today: date, repeat_for_days: int) -> bool:
    """Whether the due date has passed, at most `repeat_for_days` days ago (then we stop)."""
    return today - timedelta(days=repeat_for_days) <= due_on < today


def add_months(day: date, months: int) -> date:
    """The same day `months` months later (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def reassessment_due_on(submitted_on: date, months: int) -> date:
    """When a theme submitted on `submitted_on` is due for a new assessment."""
    return add_months(submitted_on, months)


def is_reassessment_due(submitted_on: date, months: int, today: date, repeat_for_days: int) -> bool:
    """Whether the anniversary has come, at most `repeat_for_days` days ago (then we stop)."""
    due = reassessment_due_on(submitted_on, months)
    return due <= today <= due + timedelta(days=repeat_for_days)


def previous_week(today: date) -> tuple[date, date]:
    """The last complete week (Monday to Sunday) before `today`: its first and last days."""
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(days=7), monday - timedelta(days=1)


def week_label(first_day: date) -> str:
    """The ISO week of a Monday, e.g. « 2026-W49 » (stable, for a subject key)."""
    year, week, _ = first_day.isocalendar()
    return f"{year}-W{week:02d}"
