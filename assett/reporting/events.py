"""What the territory's workshops led to: events held, participants, outputs by kind.

Counts of participants and outputs describe organisations: under the privacy rule they are
shown only when at least MIN_GROUP_SIZE distinct organisations stand behind them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select

from ..domain.aggregation import MIN_GROUP_SIZE
from ..domain.events import OUTPUT_KINDS
from ..extensions import db
from ..models import Event, EventOutput, EventRegistration, Territory
from ..models._base import utcnow


@dataclass(frozen=True)
class WorkshopSummary:
    """The « Ateliers » panel; None for a figure withheld (fewer than MIN_GROUP_SIZE orgs)."""

    held: int
    upcoming: int
    cancelled: int
    participants: int | None
    organisations: int | None
    outputs: dict[str, int | None]


def workshop_summary(territory: Territory, now: datetime | None = None) -> WorkshopSummary:
    """Counts over the territory's past and coming events."""
    now = now or utcnow()
    state = case(
        (Event.status == "cancelled", "cancelled"),
        (Event.starts_at <= now, "held"),
        else_="upcoming",
    ).label("state")
    by_state: dict[str, int] = {
        str(name): int(count)
        for name, count in db.session.execute(
            select(state, func.count()).where(Event.territory_id == territory.id).group_by(state)
        ).all()
    }
    held = select(Event.id).where(
        Event.territory_id == territory.id, Event.status == "scheduled", Event.starts_at <= now
    )
    present = (
        EventRegistration.event_id.in_(held),
        EventRegistration.status == "registered",
        EventRegistration.attended.is_(True),
    )
    people, organisations = db.session.execute(
        select(
            func.count(func.distinct(EventRegistration.user_id)),
            func.count(func.distinct(EventRegistration.organisation_id)),
        ).where(*present)
    ).one()
    shown = int(organisations) >= MIN_GROUP_SIZE
    rows = db.session.execute(
        select(
            EventOutput.kind, func.count(), func.count(func.distinct(EventOutput.organisation_id))
        )
        .where(EventOutput.event_id.in_(held))
        .group_by(EventOutput.kind)
    ).all()
    counted = {kind: (int(n), int(orgs)) for kind, n, orgs in rows}
    outputs: dict[str, int | None] = {}
    for kind in OUTPUT_KINDS:
        n, orgs = counted.get(kind, (0, 0))
        outputs[kind] = n if (n == 0 or orgs >= MIN_GROUP_SIZE) else None
    return WorkshopSummary(
        held=by_state.get("held", 0),
        upcoming=by_state.get("upcoming", 0),
        cancelled=by_state.get("cancelled", 0),
        participants=int(people) if shown or not organisations else None,
        organisations=int(organisations) if shown or not organisations else None,
        outputs=outputs,
    )
