"""The demo's workshops: two coming with registrations (one full), one past with its outputs."""

from __future__ import annotations

from sqlalchemy import select

from assett.demo_events import seed_demo_events
from assett.extensions import db
from assett.models import Event, EventOutput, EventRegistration
from assett.reporting.events import workshop_summary

from . import factories


def test_the_demo_workshops_have_registrations_a_waiting_list_attendance_and_outputs(
    world: factories.World,
) -> None:
    for n in range(8):
        factories.make_org(world.territory, f"Entreprise {n}", sharing="animators")
    assert seed_demo_events(world.territory.id) == 3
    events = db.session.scalars(select(Event).order_by(Event.starts_at)).all()
    past, workshop, webinar = events
    statuses = {
        event.id: sorted(
            r.status
            for r in db.session.scalars(
                select(EventRegistration).where(EventRegistration.event_id == event.id)
            )
        )
        for event in events
    }
    assert statuses[workshop.id] == ["registered"] * 8
    assert statuses[webinar.id] == ["registered"] * 3 + ["waitlisted"]
    attended = db.session.scalars(
        select(EventRegistration.attended).where(EventRegistration.event_id == past.id)
    ).all()
    assert sorted(attended) == [False] + [True] * 6
    assert past.notes
    summary = workshop_summary(world.territory)
    assert (summary.held, summary.upcoming, summary.participants) == (1, 2, 6)
    assert db.session.scalars(select(EventOutput.kind)).all() == []  # no plans or flows here
    assert seed_demo_events(world.territory.id) == 0  # once
