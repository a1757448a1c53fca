"""The synergies the animators follow: created from a suggestion or by hand, then moved on.

Participants are organisations of the territory that share their data with the animators
(a private organisation's flows never reach a suggestion either). Every write commits once,
with the stage history row and the participants' mails (outbox) of the same change.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from ..content_text import message
from ..domain.synergy_pipeline import (
    NEXT_STEP_MAX,
    NOTE_MAX,
    SYNERGY_KINDS,
    SynergyValueError,
    check_participants,
    check_stage_change,
    check_title,
)
from ..domain.synergy_titles import category, mutualisation_title, substitution_title
from ..extensions import db
from ..models import (
    Flow,
    Organisation,
    Synergy,
    SynergyFlow,
    SynergyNote,
    SynergyParticipant,
    SynergyStageChange,
    Territory,
    User,
)
from ..models._base import utcnow
from . import synergy_mail
from .errors import ServiceError
from .synergies import SHARED_WITH_ANIMATORS
from .unit_of_work import transaction


def _refuse(error: SynergyValueError) -> ServiceError:
    return ServiceError(error.message, error.field)


def eligible_organisations(territory_id: int) -> list[Organisation]:
    """The organisations a synergy may involve: the territory's, sharing with the animators."""
    return list(
        db.session.scalars(
            select(Organisation)
            .where(
                Organisation.territory_id == territory_id,
                Organisation.sharing.in_(SHARED_WITH_ANIMATORS),
            )
            .order_by(Organisation.name, Organisation.id)
        )
    )


def _organisations(territory_id: int, ids: Sequence[int]) -> list[Organisation]:
    wanted = set(ids)
    found = [org for org in eligible_organisations(territory_id) if org.id in wanted]
    if len(found) != len(wanted):
        raise ServiceError(
            _("Une organisation choisie n'existe pas ou ne partage pas ses données."),
            "participants",
        )
    return found


def create_synergy(
    territory: Territory,
    user: User,
    kind: str,
    title: str,
    organisation_ids: Sequence[int],
    lead_id: int | None = None,
) -> Synergy:
    """A synergy entered by hand, at « idée »; its participants are told."""
    try:
        clean_title = check_title(title)
        check_participants(list(organisation_ids), lead_id, kind)
    except SynergyValueError as error:
        raise _refuse(error) from error
    with transaction():
        organisations = _organisations(territory.id, organisation_ids)
        return _start(territory, user, kind, clean_title, organisations, lead_id, "manual", [])


def create_from_flows(
    territory: Territory, user: User, kind: str, flow_ids: Sequence[int]
) -> Synergy:
    """A synergy from a suggestion (its flows linked); titled from the flows' categories."""
    if kind not in SYNERGY_KINDS:
        raise ServiceError(_("Type de synergie inconnu."), "kind")
    if not flow_ids or len(set(flow_ids)) > 50:
        raise ServiceError(_("Choisissez les flux de la suggestion."), "flows")
    with transaction():
        rows = db.session.execute(
            select(Flow, Organisation)
            .join(Organisation, Organisation.id == Flow.organisation_id)
            .where(
                Flow.id.in_(set(flow_ids)),
                Organisation.territory_id == territory.id,
                Organisation.sharing.in_(SHARED_WITH_ANIMATORS),
            )
            .order_by(Flow.id)
        ).all()
        if len(rows) != len(set(flow_ids)):
            raise ServiceError(
                _("Un flux de la suggestion n'existe plus ou n'est plus partagé."), "flows"
            )
        organisations = list({org.id: org for _flow, org in rows}.values())
        if len(organisations) < 2:
            raise ServiceError(_("Une synergie relie au moins deux organisations."), "flows")
        flows = [flow for flow, _org in rows]
        already = _followed_with(territory.id, {flow.id for flow in flows})
        if already is not None:
            raise ServiceError(
                _(
                    "Cette suggestion est déjà suivie : « %(title)s ».",
                    title=message(already.shown_title),
                ),
                "flows",
            )
        # Stored in French whatever the page's language: pages show it in theirs.
        if kind == "substitution":
            offer = next((f for f, _o in rows if f.direction == "offer"), flows[0])
            need = next((o for f, o in rows if f.direction == "need"), organisations[-1])
            giver = next(o for f, o in rows if f.id == offer.id)
            what = category(offer.kind, offer.code)
            title = substitution_title(what, giver.name, need.name)
            lead: int | None = need.id
        else:
            title = mutualisation_title(category(flows[0].kind, flows[0].code))
            lead = None
        return _start(
            territory, user, kind, str(title)[:200], organisations, lead, "suggestion", flows
        )


def _followed_with(territory_id: int, flow_ids: set[int]) -> Synergy | None:
    """A synergy under way (not abandoned) that stems from exactly these flows."""
    candidates = db.session.scalars(
        select(Synergy)
        .join(SynergyFlow, SynergyFlow.synergy_id == Synergy.id)
        .where(
            Synergy.territory_id == territory_id,
            Synergy.stage != "abandonnee",
            SynergyFlow.flow_id.in_(flow_ids),
        )
        .distinct()
    ).all()
    for synergy in candidates:
        linked = set(
            db.session.scalars(
                select(SynergyFlow.flow_id).where(SynergyFlow.synergy_id == synergy.id)
            )
        )
        if linked == flow_ids:
            return synergy
    return None


def _start(
    territory: Territory,
    user: User,
    kind: str,
    title: str,
    organisations: Sequence[Organisation],
    lead_id: int | None,
    origin: str,
    flows: Sequence[Flow],
) -> Synergy:
    now = utcnow()
    synergy = Synergy(
        territory_id=territory.id,
        kind=kind,
        title=title,
        stage="idee",
        lead_organisation_id=lead_id,
        next_step="",
        origin=origin,
        created_by_id=user.id,
        created_at=now,
        updated_at=now,
    )
    db.session.add(synergy)
    db.session.flush()
    for org in organisations:
        db.session.add(SynergyParticipant(synergy_id=synergy.id, organisation_id=org.id))
    for flow in flows:
        db.session.add(SynergyFlow(synergy_id=synergy.id, flow_id=flow.id))
    db.session.add(
        SynergyStageChange(
            synergy_id=synergy.id, from_stage=None, to_stage="idee", author_id=user.id
        )
    )
    db.session.flush()
    synergy_mail.tell_participants(synergy, [org.id for org in organisations], "created")
    return synergy


def change_stage(synergy: Synergy, user: User, stage: str, reason: str = "") -> None:
    """Move the synergy (a reason is required to abandon it); recorded and told."""
    try:
        kept = check_stage_change(synergy.stage, stage, reason)
    except SynergyValueError as error:
        raise _refuse(error) from error
    with transaction():
        db.session.add(
            SynergyStageChange(
                synergy_id=synergy.id,
                from_stage=synergy.stage,
                to_stage=stage,
                reason=kept,
                author_id=user.id,
                changed_at=utcnow(),
            )
        )
        synergy.stage = stage
        synergy.stage_reason = kept
        synergy.updated_at = utcnow()
        db.session.flush()
        participants = [p.organisation_id for p in synergy.participants]
        synergy_mail.tell_participants(synergy, participants, f"stage:{len(synergy.history)}")


def add_note(synergy: Synergy, user: User, text: str) -> SynergyNote:
    """A dated note of the animators."""
    text = text.strip()
    if not text:
        raise ServiceError(_("La note est vide."), "note")
    if len(text) > NOTE_MAX:
        raise ServiceError(_("La note dépasse %(n)d caractères.", n=NOTE_MAX), "note")
    with transaction():
        note = SynergyNote(synergy_id=synergy.id, author_id=user.id, text=text)
        db.session.add(note)
        synergy.updated_at = utcnow()
    return note


def update_synergy(
    synergy: Synergy,
    title: str,
    lead_id: int | None,
    next_step: str,
    next_step_on: date | None,
) -> None:
    """Title, lead organisation, next step and its date."""
    try:
        clean_title = check_title(title)
    except SynergyValueError as error:
        raise _refuse(error) from error
    next_step = " ".join(next_step.split())
    if len(next_step) > NEXT_STEP_MAX:
        raise ServiceError(_("Au plus %(n)d caractères.", n=NEXT_STEP_MAX), "next_step")
    if next_step_on is not None and not next_step:
        raise ServiceError(_("Décrivez la prochaine étape de cette date."), "next_step")
    participants = {p.organisation_id for p in synergy.participants}
    if lead_id is not None and lead_id not in participants:
        raise ServiceError(_("L'organisation pilote doit participer à la synergie."), "lead")
    with transaction():
        synergy.title = clean_title
        synergy.lead_organisation_id = lead_id
        synergy.next_step = next_step
        synergy.next_step_on = next_step_on
        synergy.updated_at = utcnow()


def set_participants(synergy: Synergy, organisation_ids: Sequence[int]) -> None:
    """The participating organisations; those added are told, the lead stays among them."""
    lead = synergy.lead_organisation_id
    try:
        check_participants(list(organisation_ids), None, synergy.kind)
    except SynergyValueError as error:
        raise _refuse(error) from error
    with transaction():
        chosen = {org.id for org in _organisations(synergy.territory_id, organisation_ids)}
        current = {p.organisation_id: p for p in synergy.participants}
        for org_id, participant in current.items():
            if org_id not in chosen:
                synergy.participants.remove(participant)
        added = sorted(chosen - set(current))
        for org_id in added:
            synergy.participants.append(
                SynergyParticipant(synergy_id=synergy.id, organisation_id=org_id)
            )
        if lead is not None and lead not in chosen:
            synergy.lead_organisation_id = None
        synergy.updated_at = utcnow()
        db.session.flush()
        if added:
            synergy_mail.tell_participants(synergy, added, "created")


def answer_contact(synergy: Synergy, organisation: Organisation, user: User, accept: bool) -> None:
    """The organisation accepts or declines being put in touch (recorded with who and when)."""
    with transaction():
        participant = db.session.get(SynergyParticipant, (synergy.id, organisation.id))
        if participant is None:
            raise ServiceError(_("Votre organisation ne participe pas à cette synergie."))
        participant.contact = "accepted" if accept else "declined"
        participant.contact_answered_at = utcnow()
        participant.contact_answered_by_id = user.id
