"""Badges an organisation earns from facts, each saying how it was earned (French)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Final

from .text import N_, Message

# The badges, in the order they are shown.
BADGE_KINDS: Final = ("charte", "quatre_themes", "niveau", "action", "synergie")
# A cycle is the last 12 months, unless the territory sets its own.
CYCLE_MONTHS_DEFAULT: Final = 12


@dataclass(frozen=True)
class Level:
    """An organisation's latest level on a theme: its band and where it stands among them."""

    theme_title: str
    band_label: str
    band_rank: int  # 0 for the lowest band
    reached_on: date


@dataclass(frozen=True)
class Facts:
    """What an organisation did, as the badges read it (plain values, no database)."""

    charter_signed_on: date | None = None
    # The territory's enabled themes (key -> title) and the day each was last submitted.
    themes: Mapping[str, str] = field(default_factory=dict)
    last_submitted: Mapping[str, date] = field(default_factory=dict)
    cycle_start: date | None = None
    levels: Mapping[str, Level] = field(default_factory=dict)
    # Completed actions: (title, completed on), latest first.
    completed_actions: Sequence[tuple[str, date | None]] = ()
    active_synergies: int = 0


@dataclass(frozen=True)
class Badge:
    kind: str
    label: str
    how: str
    theme_key: str | None = None


def charter_badge(facts: Facts) -> Badge | None:
    if facts.charter_signed_on is None:
        return None
    return Badge(
        "charte",
        Message(N_("Charte signée")),
        Message(N_("Charte signée le %(day)s"), day=facts.charter_signed_on),
    )


def all_themes_badge(facts: Facts) -> Badge | None:
    """Every enabled theme submitted since the cycle began (a territory with no theme: none)."""
    if not facts.themes or facts.cycle_start is None:
        return None
    days = [facts.last_submitted.get(key) for key in facts.themes]
    if any(day is None or day < facts.cycle_start for day in days):
        return None
    last = max(day for day in days if day is not None)
    count = len(facts.themes)
    label = N_("Tous les thèmes évalués") if count != 4 else N_("Les quatre thèmes évalués")
    return Badge(
        "quatre_themes",
        Message(label),
        Message(
            N_("%(count)s thèmes évalués depuis le %(start)s, le dernier le %(last)s"),
            count=count,
            start=facts.cycle_start,
            last=last,
        ),
    )


def level_badges(facts: Facts) -> list[Badge]:
    """One badge per theme whose latest level is above the lowest band."""
    found = []
    for key in facts.themes or facts.levels:
        level = facts.levels.get(key)
        if level is None or level.band_rank < 1:
            continue
        found.append(
            Badge(
                "niveau",
                Message(
                    N_("%(theme)s : %(level)s"), theme=level.theme_title, level=level.band_label
                ),
                Message(
                    N_("Niveau « %(level)s » atteint en %(theme)s le %(day)s"),
                    level=level.band_label,
                    theme=level.theme_title,
                    day=level.reached_on,
                ),
                theme_key=key,
            )
        )
    return found


def action_badge(facts: Facts) -> Badge | None:
    if not facts.completed_actions:
        return None
    title, day = facts.completed_actions[0]
    count = len(facts.completed_actions)
    if day is None and count == 1:
        how = Message(N_("Action « %(title)s » réalisée"), title=title)
    elif day is None:
        how = Message(
            N_("Action « %(title)s » réalisée (%(count)s actions réalisées en tout)"),
            title=title,
            count=count,
        )
    elif count == 1:
        how = Message(N_("Action « %(title)s » réalisée le %(day)s"), title=title, day=day)
    else:
        how = Message(
            N_("Action « %(title)s » réalisée le %(day)s (%(count)s actions réalisées en tout)"),
            title=title,
            day=day,
            count=count,
        )
    return Badge("action", Message(N_("Action réalisée")), how)


def synergy_badge(facts: Facts) -> Badge | None:
    count = facts.active_synergies
    if count < 1:
        return None
    how = (
        Message(N_("1 synergie active avec d'autres organisations"))
        if count == 1
        else Message(N_("%(count)s synergies actives avec d'autres organisations"), count=count)
    )
    return Badge("synergie", Message(N_("Synergie active")), how)


def badges_of(facts: Facts) -> list[Badge]:
    """The badges the facts earn, in the order of BADGE_KINDS."""
    found: list[Badge] = []
    for single in (charter_badge(facts), all_themes_badge(facts)):
        if single is not None:
            found.append(single)
    found.extend(level_badges(facts))
    for single in (action_badge(facts), synergy_badge(facts)):
        if single is not None:
            found.append(single)
    return found


def months_earlier(day: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def cycle_start(today: date, months: int | None = None) -> date:
    """The first day of the cycle: `months` (12 by default) before today."""
    return months_earlier(today, months or CYCLE_MONTHS_DEFAULT)
