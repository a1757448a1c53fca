"""Reading synergies: the animators' pipeline and detail, an organisation's own synergies.

What an actor reads of another organisation is limited: its name only once it accepted to be
put in touch, its flows only when both accepted, and never a quantity or site it hides.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from ..domain.flows import FREQUENCY_LABELS, UNIT_LABELS
from ..domain.reference_data import commune_names
from ..domain.synergy_pipeline import STAGES
from ..extensions import db
from ..models import (
    Flow,
    Organisation,
    Synergy,
    SynergyBenefit,
    SynergyFlow,
    SynergyParticipant,
    SynergyStageChange,
    User,
)
from . import flow_labels
from .phrases import quantity_line
from .synergies import SHARED_WITH_ANIMATORS, FlowView, _view, flow_point

# The actor's home shows what changed in the last days as new.
RECENT_DAYS = 30


def synergy_of(territory_id: int, synergy_id: int) -> Synergy | None:
    """The territory's synergy with this id (None for another territory's)."""
    synergy = db.session.get(Synergy, synergy_id)
    if synergy is None or synergy.territory_id != territory_id:
        return None
    return synergy


@dataclass(frozen=True)
class PipelineRow:
    synergy: Synergy
    organisations: list[str]
    lead: str | None


def pipeline(
    territory_id: int, stage: str | None = None, kind: str | None = None
) -> list[PipelineRow]:
    """The territory's synergies, most recently changed first, filtered by stage and kind."""
    query = select(Synergy).where(Synergy.territory_id == territory_id)
    if stage:
        query = query.where(Synergy.stage == stage)
    if kind:
        query = query.where(Synergy.kind == kind)
    synergies = list(db.session.scalars(query.order_by(Synergy.updated_at.desc(), Synergy.id)))
    names = _names([s.id for s in synergies])
    rows = []
    for synergy in synergies:
        participants = names.get(synergy.id, {})
        rows.append(
            PipelineRow(
                synergy,
                sorted(participants.values()),
                participants.get(synergy.lead_organisation_id or 0),
            )
        )
    return rows


def _names(synergy_ids: list[int]) -> dict[int, dict[int, str]]:
    found: dict[int, dict[int, str]] = {}
    if not synergy_ids:
        return found
    rows = db.session.execute(
        select(SynergyParticipant.synergy_id, Organisation.id, Organisation.name)
        .join(Organisation, Organisation.id == SynergyParticipant.organisation_id)
        .where(SynergyParticipant.synergy_id.in_(synergy_ids))
    )
    for synergy_id, org_id, name in rows:
        found.setdefault(synergy_id, {})[org_id] = name
    return found


def stage_counts(territory_id: int) -> dict[str, int]:
    """How many of the territory's synergies are at each stage (every stage listed)."""
    rows = db.session.execute(
        select(Synergy.stage, func.count(Synergy.id))
        .where(Synergy.territory_id == territory_id)
        .group_by(Synergy.stage)
    )
    counted = Counter({stage: count for stage, count in rows})
    return {stage: counted.get(stage, 0) for stage in STAGES}


@dataclass(frozen=True)
class ParticipantView:
    organisation: Organisation
    contact: str
    answered_at: datetime | None
    answered_by: str | None


@dataclass(frozen=True)
class HistoryLine:
    change: SynergyStageChange
    author: str | None


def participants_of(synergy: Synergy) -> list[ParticipantView]:
    """The participants with their answer to being put in touch."""
    rows = db.session.execute(
        select(SynergyParticipant, Organisation, User.email)
        .join(Organisation, Organisation.id == SynergyParticipant.organisation_id)
        .outerjoin(User, User.id == SynergyParticipant.contact_answered_by_id)
        .where(SynergyParticipant.synergy_id == synergy.id)
        .order_by(Organisation.name, Organisation.id)
    )
    return [ParticipantView(org, p.contact, p.contact_answered_at, email) for p, org, email in rows]


def history_of(synergy: Synergy) -> list[HistoryLine]:
    """The stage changes, oldest first, with their author's address."""
    emails = _emails([c.author_id for c in synergy.history])
    return [HistoryLine(c, emails.get(c.author_id or 0)) for c in synergy.history]


def note_authors(synergy: Synergy) -> dict[int, str]:
    return _emails([n.author_id for n in synergy.notes])


def _emails(ids: list[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    rows = db.session.execute(select(User.id, User.email).where(User.id.in_(wanted)))
    return {user_id: email for user_id, email in rows}


def linked_flows(synergy: Synergy) -> list[FlowView]:
    """The flows the synergy stems from, as the animators see them (hidden fields left out)."""
    rows = db.session.execute(
        select(Flow, Organisation)
        .join(SynergyFlow, SynergyFlow.flow_id == Flow.id)
        .join(Organisation, Organisation.id == Flow.organisation_id)
        .where(
            SynergyFlow.synergy_id == synergy.id,
            # An organisation that stopped sharing takes its flows back from the animators.
            Organisation.sharing.in_(SHARED_WITH_ANIMATORS),
        )
        .order_by(Flow.id)
    )
    views = []
    for flow, org in rows:
        point = flow_point(flow)
        if point is not None:
            views.append(_view(flow, org, point, False))
    return views


def benefits_of(synergy: Synergy) -> dict[str, SynergyBenefit]:
    """The synergy's benefits by phase (estimated, measured)."""
    return {b.phase: b for b in synergy.benefits}


# --- An organisation's own synergies -----------------------------------------------------------


@dataclass(frozen=True)
class OwnFlow:
    """A linked flow as a participant reads it."""

    organisation: str
    category: str
    quantity: str | None
    commune: str | None


@dataclass(frozen=True)
class OrgSynergy:
    synergy: Synergy
    mine: SynergyParticipant
    others: list[str | None]  # a name, or None for one that has not accepted contact
    flows: list[OwnFlow]
    last_change: datetime
    recent: bool


def organisation_synergies(org: Organisation, now: datetime) -> list[OrgSynergy]:
    """The synergies the organisation takes part in, as its members may read them."""
    mine = {
        p.synergy_id: p
        for p in db.session.scalars(
            select(SynergyParticipant).where(SynergyParticipant.organisation_id == org.id)
        )
    }
    if not mine:
        return []
    synergies = list(
        db.session.scalars(
            select(Synergy).where(Synergy.id.in_(list(mine))).order_by(Synergy.updated_at.desc())
        )
    )
    participants: dict[int, list[tuple[SynergyParticipant, Organisation]]] = {}
    for p, other in db.session.execute(
        select(SynergyParticipant, Organisation)
        .join(Organisation, Organisation.id == SynergyParticipant.organisation_id)
        .where(SynergyParticipant.synergy_id.in_(list(mine)))
        .order_by(Organisation.name)
    ):
        participants.setdefault(p.synergy_id, []).append((p, other))
    found = []
    for synergy in synergies:
        own = mine[synergy.id]
        members = participants.get(synergy.id, [])
        accepted = {o.id for p, o in members if p.contact == "accepted"}
        others = [o.name if o.id in accepted else None for p, o in members if o.id != org.id]
        flows = _readable_flows(synergy, org, own.contact == "accepted", accepted)
        last = max([synergy.created_at] + [c.changed_at for c in synergy.history])
        found.append(OrgSynergy(synergy, own, others, flows, last, (now - last).days < RECENT_DAYS))
    return found


def _readable_flows(
    synergy: Synergy, org: Organisation, i_accepted: bool, accepted: set[int]
) -> list[OwnFlow]:
    rows = db.session.execute(
        select(Flow, Organisation)
        .join(SynergyFlow, SynergyFlow.flow_id == Flow.id)
        .join(Organisation, Organisation.id == Flow.organisation_id)
        .where(SynergyFlow.synergy_id == synergy.id)
        .order_by(Flow.id)
    )
    shown = []
    for flow, owner in rows:
        own = owner.id == org.id
        if not own and not (i_accepted and owner.id in accepted):
            continue
        quantity = None
        if flow.quantity is not None and (own or not flow.hide_quantity):
            unit = UNIT_LABELS.get(flow.unit or "", flow.unit or "")
            quantity = quantity_line(flow.quantity, unit, FREQUENCY_LABELS[flow.frequency])
        commune = None
        if own or not flow.hide_site:
            commune = commune_names().get(flow.commune_code, flow.commune_code)
        shown.append(
            OwnFlow(owner.name, flow_labels.category(flow.kind, flow.code), quantity, commune)
        )
    return shown


def organisation_synergy(org: Organisation, synergy_id: int) -> Synergy | None:
    """A synergy the organisation takes part in (None otherwise)."""
    return db.session.scalar(
        select(Synergy)
        .join(SynergyParticipant, SynergyParticipant.synergy_id == Synergy.id)
        .where(Synergy.id == synergy_id, SynergyParticipant.organisation_id == org.id)
    )


SYNERGY_COLUMNS = (
    "id",
    "title",
    "kind",
    "stage",
    "lead",
    "contact",
    "contact_answered_at",
    "contact_answered_by",
    "added_at",
)


def export_synergies(org: Organisation) -> list[dict[str, Any]]:
    """The organisation's part in synergies, for its data export."""
    rows = db.session.execute(
        select(SynergyParticipant, Synergy)
        .join(Synergy, Synergy.id == SynergyParticipant.synergy_id)
        .where(SynergyParticipant.organisation_id == org.id)
        .order_by(Synergy.id)
    )
    emails = {}
    found = []
    for participant, synergy in rows:
        if participant.contact_answered_by_id and participant.contact_answered_by_id not in emails:
            emails.update(_emails([participant.contact_answered_by_id]))
        found.append(
            {
                "id": synergy.id,
                "title": synergy.title,
                "kind": synergy.kind,
                "stage": synergy.stage,
                "lead": synergy.lead_organisation_id == org.id,
                "contact": participant.contact,
                "contact_answered_at": _iso(participant.contact_answered_at),
                "contact_answered_by": emails.get(participant.contact_answered_by_id or 0),
                "added_at": _iso(participant.added_at),
            }
        )
    return found


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
