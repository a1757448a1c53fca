"""The network's animation seen by the platform admin: events, awards and published retours
d'expérience of every territory, as counts per territory and recent lists.

Only what is public or aggregated leaves a territory: a count of fewer than MIN_GROUP_SIZE
organisations is None; awards name only winners in the public directory, and the retours
d'expérience are the published ones of organisations in it (what the libraries show).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from ..domain.aggregation import suppress
from ..extensions import db
from ..models import (
    Award,
    AwardWinner,
    Event,
    EventRegistration,
    ExperienceCase,
    Organisation,
    Territory,
)
from ..models._base import utcnow

RECENT_LIMIT = 10


@dataclass(frozen=True)
class AnimationFigures:
    """One territory's animation in figures; organisation counts None when suppressed."""

    events_held: int = 0
    events_upcoming: int = 0
    participants: int | None = None  # distinct organisations registered to its events
    awards: int = 0
    awarded: int | None = None  # distinct winning organisations
    cases: int = 0
    case_authors: int | None = None  # distinct organisations with a published case


def _shown(count: int) -> int | None:
    return suppress(count, count)


def _grouped(query: Any) -> dict[int, int]:
    return {int(tid): int(n) for tid, n in db.session.execute(query)}


def _published_public() -> list[Any]:
    return [ExperienceCase.status == "publie", Organisation.sharing == "public"]


def figures_by_territory(now: datetime | None = None) -> dict[int, AnimationFigures]:
    """Per territory: events held and to come, awards, published cases and their organisations."""
    now = now or utcnow()
    live = Event.status != "cancelled"
    events = select(Event.territory_id, func.count()).group_by(Event.territory_id)
    held = _grouped(events.where(live, Event.starts_at < now))
    upcoming = _grouped(events.where(live, Event.starts_at >= now))
    participants = _grouped(
        select(Event.territory_id, func.count(func.distinct(EventRegistration.organisation_id)))
        .join(EventRegistration, EventRegistration.event_id == Event.id)
        .where(live, EventRegistration.status == "registered")
        .group_by(Event.territory_id)
    )
    winners = (
        select(Award.territory_id)
        .join(AwardWinner, AwardWinner.award_id == Award.id)
        .group_by(Award.territory_id)
    )
    awards = _grouped(winners.add_columns(func.count(AwardWinner.id)))
    awarded = _grouped(winners.add_columns(func.count(func.distinct(AwardWinner.organisation_id))))
    published = (
        select(
            ExperienceCase.territory_id,
            func.count(),
            func.count(func.distinct(ExperienceCase.organisation_id)),
        )
        .join(Organisation, Organisation.id == ExperienceCase.organisation_id)
        .where(*_published_public())
        .group_by(ExperienceCase.territory_id)
    )
    cases: dict[int, tuple[int, int]] = {
        int(tid): (int(n), int(orgs)) for tid, n, orgs in db.session.execute(published)
    }
    territories = set(held) | set(upcoming) | set(participants) | set(awards) | set(cases)
    return {
        tid: AnimationFigures(
            events_held=held.get(tid, 0),
            events_upcoming=upcoming.get(tid, 0),
            participants=_shown(participants.get(tid, 0)),
            awards=awards.get(tid, 0),
            awarded=_shown(awarded.get(tid, 0)),
            cases=cases.get(tid, (0, 0))[0],
            case_authors=_shown(cases.get(tid, (0, 0))[1]),
        )
        for tid in territories
    }


@dataclass(frozen=True)
class RecentEvent:
    title: str
    kind: str
    territory: str
    starts_at: datetime


def recent_events(limit: int = RECENT_LIMIT) -> list[RecentEvent]:
    """The latest events of active territories (past or to come), not cancelled."""
    rows = db.session.execute(
        select(Event.title, Event.kind, Territory.name, Event.starts_at)
        .join(Territory, Territory.id == Event.territory_id)
        .where(Event.status != "cancelled", Territory.is_active.is_(True))
        .order_by(Event.starts_at.desc(), Event.id.desc())
        .limit(limit)
    )
    return [RecentEvent(*row) for row in rows]


@dataclass(frozen=True)
class RecentAward:
    title: str
    year: int
    territory: str
    public_winners: list[str]  # names of winners in the public directory only
    other_winners: int  # winners not named


def recent_awards(limit: int = RECENT_LIMIT) -> list[RecentAward]:
    """The latest awards with winners; only winners who chose « public » are named."""
    awards = db.session.execute(
        select(Award.id, Award.title, Award.year, Territory.name)
        .join(Territory, Territory.id == Award.territory_id)
        .where(
            Territory.is_active.is_(True),
            select(AwardWinner.id).where(AwardWinner.award_id == Award.id).exists(),
        )
        .order_by(Award.year.desc(), Award.id.desc())
        .limit(limit)
    ).all()
    named: dict[int, list[str]] = defaultdict(list)
    hidden: dict[int, int] = defaultdict(int)
    winners = db.session.execute(
        select(AwardWinner.award_id, Organisation.name, Organisation.sharing)
        .join(Organisation, Organisation.id == AwardWinner.organisation_id)
        .where(AwardWinner.award_id.in_([row.id for row in awards]))
        .order_by(func.lower(Organisation.name))
    )
    for award_id, name, sharing in winners:
        if sharing == "public":
            named[award_id].append(name)
        else:
            hidden[award_id] += 1
    return [
        RecentAward(row.title, row.year, row.name, named[row.id], hidden[row.id]) for row in awards
    ]


@dataclass(frozen=True)
class RecentCase:
    title: str
    theme_key: str | None
    territory: str
    organisation: str
    published_at: datetime | None


def recent_cases(limit: int = RECENT_LIMIT) -> list[RecentCase]:
    """The latest retours d'expérience the territories' libraries show."""
    rows = db.session.execute(
        select(
            ExperienceCase.title,
            ExperienceCase.theme_key,
            Territory.name,
            Organisation.name,
            ExperienceCase.published_at,
        )
        .join(Organisation, Organisation.id == ExperienceCase.organisation_id)
        .join(Territory, Territory.id == ExperienceCase.territory_id)
        .where(*_published_public(), Territory.is_active.is_(True))
        .order_by(ExperienceCase.published_at.desc(), ExperienceCase.id.desc())
        .limit(limit)
    )
    return [RecentCase(*row) for row in rows]
