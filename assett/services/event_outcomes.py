"""After an event: who came, the animators' notes, and what it led to (outputs).

An output links the event to a row another part of the app owns, by kind and id: a plan
action or a flow today, a synergy later (`event_output(kind, ref_id)`). The animators pick
them among the attending organisations' actions and flows created since the event began, and
only those of organisations that share with the animators: the others' plans stay theirs.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete, select

from ..domain.events import NOTES_MAX, OUTPUT_KINDS
from ..extensions import db
from ..models import Event, EventOutput, EventRegistration, Flow, Organisation, PlanAction, User
from ..models._base import utcnow
from .errors import ServiceError
from .unit_of_work import transaction

SHARED_WITH_ANIMATORS = ("animators", "public")


@dataclass(frozen=True)
class Candidate:
    """Something an attending organisation produced that may be linked to the event."""

    kind: str
    ref_id: int
    organisation: Organisation
    label: str
    created_at: datetime


def record_attendance(
    event: Event, present_ids: Collection[int], now: datetime | None = None
) -> None:
    """Mark who came among the registered people (ids of registrations); the others did not."""
    now = now or utcnow()
    if event.starts_at > now:
        raise ServiceError(_("La présence se note une fois l'événement commencé."))
    with transaction():
        rows = db.session.scalars(
            select(EventRegistration).where(
                EventRegistration.event_id == event.id, EventRegistration.status == "registered"
            )
        ).all()
        known = {row.id for row in rows}
        if set(present_ids) - known:
            raise ServiceError(_("Inscription inconnue pour cet événement."), "present")
        for row in rows:
            row.attended = row.id in present_ids
        event.attendance_taken_at = now


def save_notes(event: Event, notes: str) -> None:
    """Keep the animators' notes on how the event went."""
    text = (notes or "").strip().replace("\r\n", "\n")
    if len(text) > NOTES_MAX:
        raise ServiceError(
            _("Les notes sont trop longues (%(n)s caractères au plus).", n=NOTES_MAX), "notes"
        )
    with transaction():
        event.notes = text
        event.updated_at = utcnow()


def _attending_organisations(event: Event) -> list[Organisation]:
    """Organisations with someone present (or registered, before attendance is taken) that share."""
    query = (
        select(Organisation)
        .join(EventRegistration, EventRegistration.organisation_id == Organisation.id)
        .where(
            EventRegistration.event_id == event.id,
            EventRegistration.status == "registered",
            Organisation.sharing.in_(SHARED_WITH_ANIMATORS),
        )
        .distinct()
    )
    if event.attendance_taken_at is not None:
        query = query.where(EventRegistration.attended.is_(True))
    return list(db.session.scalars(query))


def candidates(event: Event) -> list[Candidate]:
    """Plan actions and flows of sharing attendees created since the event began, not linked yet."""
    organisations = {o.id: o for o in _attending_organisations(event)}
    if not organisations:
        return []
    linked = {(o.kind, o.ref_id) for o in outputs_of(event)}
    found: list[Candidate] = []
    for action in db.session.scalars(
        select(PlanAction).where(
            PlanAction.organisation_id.in_(list(organisations)),
            PlanAction.created_at >= event.starts_at,
        )
    ):
        if ("plan_action", action.id) not in linked:
            found.append(
                Candidate(
                    "plan_action",
                    action.id,
                    organisations[action.organisation_id],
                    action.title,
                    action.created_at,
                )
            )
    for flow in db.session.scalars(
        select(Flow).where(
            Flow.organisation_id.in_(list(organisations)), Flow.created_at >= event.starts_at
        )
    ):
        if ("flow", flow.id) not in linked:
            label = (flow.description or flow.code)[:200]
            found.append(
                Candidate(
                    "flow", flow.id, organisations[flow.organisation_id], label, flow.created_at
                )
            )
    return sorted(found, key=lambda c: (c.organisation.name, c.created_at, c.kind, c.ref_id))


def add_output(event: Event, kind: str, ref_id: int, user: User) -> EventOutput:
    """Link something an attendee produced to the event (one of `candidates`)."""
    if kind not in OUTPUT_KINDS:
        raise ServiceError(_("Type de résultat inconnu."), "output")
    match = next((c for c in candidates(event) if (c.kind, c.ref_id) == (kind, ref_id)), None)
    if match is None:
        raise ServiceError(
            _("Ce résultat ne peut pas être lié à cet événement (déjà lié ou non partagé)."),
            "output",
        )
    with transaction() as session:
        output = EventOutput(
            event_id=event.id,
            kind=kind,
            ref_id=ref_id,
            organisation_id=match.organisation.id,
            label=match.label[:200],
            created_by_id=user.id,
        )
        session.add(output)
        session.flush()
    return output


def link_output(
    event: Event, kind: str, ref_id: int, organisation_id: int | None, label: str
) -> EventOutput:
    """Link any row to the event by kind and id (for other parts of the app, e.g. synergies)."""
    if kind not in OUTPUT_KINDS:
        raise ServiceError(_("Type de résultat inconnu."), "output")
    with transaction() as session:
        output = EventOutput(
            event_id=event.id,
            kind=kind,
            ref_id=ref_id,
            organisation_id=organisation_id,
            label=label[:200],
        )
        session.add(output)
        session.flush()
    return output


def remove_output(event: Event, output_id: int) -> bool:
    """Unlink an output from the event."""
    with transaction() as session:
        result = session.execute(
            delete(EventOutput).where(EventOutput.id == output_id, EventOutput.event_id == event.id)
        )
    return bool(result.rowcount)  # type: ignore[attr-defined]  # a DELETE gives a CursorResult


def outputs_of(event: Event) -> list[EventOutput]:
    """The event's outputs, oldest first."""
    return list(
        db.session.scalars(
            select(EventOutput)
            .where(EventOutput.event_id == event.id)
            .order_by(EventOutput.created_at, EventOutput.id)
        )
    )
