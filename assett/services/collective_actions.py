"""Collective actions (« actions vitrines »): writes by the animators, and the public listing.

The public page names a participant only if its organisation chose the public directory;
the others are counted when they are at least MIN_GROUP_SIZE, never named.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from ..content_text import messages
from ..domain.aggregation import MIN_GROUP_SIZE
from ..domain.collective import STATUSES, THEMES, Figure, FiguresError, parse_figures
from ..extensions import db
from ..models import (
    CharterSignature,
    CharterVersion,
    CollectiveAction,
    CollectiveParticipant,
    Organisation,
    Territory,
)
from ..models._base import utcnow
from .errors import ServiceError
from .flow_workshop import find_organisation
from .unit_of_work import transaction

TITLE_MAX = 200
DESCRIPTION_MAX = 5000
RESULTS_MAX = 5000
PARTICIPANTS_MAX = 200
PARTICIPANTS_TEXT_MAX = 20_000
ACTIONS_MAX = 200


@dataclass(frozen=True)
class ActionInput:
    title: str
    theme: str
    status: str = "projet"
    description: str = ""
    started_on: date | None = None
    ended_on: date | None = None
    results: str = ""
    figures: str = ""
    participants: str = ""  # one organisation a line: SIRET or exact name
    is_public: bool = False


def _text(value: str, name: str, limit: int, required: bool = False) -> str:
    text = value.strip().replace("\r\n", "\n")
    if required and not text:
        raise ServiceError(_("Ce champ est obligatoire."), name)
    if len(text) > limit:
        raise ServiceError(_("Au plus %(n)d caractères.", n=limit), name)
    return text


def _figures(text: str) -> list[dict[str, Any]]:
    try:
        figures = parse_figures(text)
    except FiguresError as error:
        raise ServiceError("; ".join(messages(error.errors)), "figures") from error
    return [{"label": f.label, "value": f.value, "unit": f.unit} for f in figures]


def _participants(territory: Territory, text: str) -> list[int]:
    if len(text) > PARTICIPANTS_TEXT_MAX:
        raise ServiceError(_("Au plus %(n)d caractères.", n=PARTICIPANTS_TEXT_MAX), "participants")
    ids: list[int] = []
    problems: list[str] = []
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        try:
            org = find_organisation(territory, line)
        except ServiceError as error:
            problems.append(_("ligne %(n)d : %(why)s", n=number, why=error.message))
            continue
        if org.id not in ids:
            ids.append(org.id)
    if problems:
        raise ServiceError(" ; ".join(problems), "participants")
    if len(ids) > PARTICIPANTS_MAX:
        raise ServiceError(_("Au plus %(n)d participants.", n=PARTICIPANTS_MAX), "participants")
    return ids


def clean(territory: Territory, data: ActionInput) -> tuple[dict[str, Any], list[int]]:
    """The column values and participant ids of a valid action; ServiceError names the field."""
    if data.theme not in THEMES:
        raise ServiceError(_("Choisissez un thème de la liste."), "theme")
    if data.status not in STATUSES:
        raise ServiceError(_("Choisissez un état de la liste."), "status")
    if data.started_on and data.ended_on and data.ended_on < data.started_on:
        raise ServiceError(_("La fin ne peut précéder le début."), "ended_on")
    values = {
        "title": _text(data.title, "title", TITLE_MAX, required=True),
        "theme": data.theme,
        "status": data.status,
        "description": _text(data.description, "description", DESCRIPTION_MAX),
        "started_on": data.started_on,
        "ended_on": data.ended_on,
        "results": _text(data.results, "results", RESULTS_MAX),
        "figures": _figures(data.figures),
        "is_public": data.is_public,
    }
    return values, _participants(territory, data.participants)


def _set_participants(session: Any, action: CollectiveAction, ids: list[int]) -> None:
    current = set(
        session.scalars(
            select(CollectiveParticipant.organisation_id).where(
                CollectiveParticipant.collective_action_id == action.id
            )
        )
    )
    gone = current - set(ids)
    if gone:
        session.execute(
            delete(CollectiveParticipant)
            .where(
                CollectiveParticipant.collective_action_id == action.id,
                CollectiveParticipant.organisation_id.in_(gone),
            )
            .execution_options(synchronize_session="fetch")
        )
    for org_id in ids:
        if org_id not in current:
            session.add(
                CollectiveParticipant(collective_action_id=action.id, organisation_id=org_id)
            )


def add_action(territory: Territory, data: ActionInput) -> CollectiveAction:
    """Start a collective action with its participants."""
    values, ids = clean(territory, data)
    with transaction() as session:
        count = session.scalar(
            select(func.count(CollectiveAction.id)).where(
                CollectiveAction.territory_id == territory.id
            )
        )
        if (count or 0) >= ACTIONS_MAX:
            raise ServiceError(_("Au plus %(n)d actions collectives.", n=ACTIONS_MAX))
        action = CollectiveAction(territory_id=territory.id, **values)
        session.add(action)
        session.flush()
        _set_participants(session, action, ids)
    return action


def update_action(territory: Territory, action: CollectiveAction, data: ActionInput) -> None:
    """Change an action and its participants."""
    values, ids = clean(territory, data)
    with transaction() as session:
        for key, value in values.items():
            setattr(action, key, value)
        action.updated_at = utcnow()
        _set_participants(session, action, ids)


def delete_action(action: CollectiveAction) -> None:
    """Delete an action (its participants with it)."""
    with transaction() as session:
        session.execute(
            delete(CollectiveAction)
            .where(CollectiveAction.id == action.id)
            .execution_options(synchronize_session="fetch")
        )


def actions_of(territory: Territory, public_only: bool = False) -> list[CollectiveAction]:
    """The territory's actions, newest first."""
    query = select(CollectiveAction).where(CollectiveAction.territory_id == territory.id)
    if public_only:
        query = query.where(CollectiveAction.is_public.is_(True))
    return list(
        db.session.scalars(
            query.order_by(CollectiveAction.created_at.desc(), CollectiveAction.id.desc())
        )
    )


def action_of(territory: Territory, action_id: int) -> CollectiveAction | None:
    """One of the territory's actions (another territory's is not found)."""
    return db.session.scalar(
        select(CollectiveAction).where(
            CollectiveAction.id == action_id, CollectiveAction.territory_id == territory.id
        )
    )


@dataclass(frozen=True)
class Participant:
    organisation_id: int
    name: str
    siret: str | None
    public: bool
    committed: bool  # signed the charter with a synergy commitment


def _committed(org_ids: list[int]) -> set[int]:
    if not org_ids:
        return set()
    return set(
        db.session.scalars(
            select(CharterSignature.organisation_id)
            .join(CharterVersion, CharterVersion.id == CharterSignature.charter_version_id)
            .where(
                CharterSignature.organisation_id.in_(org_ids),
                CharterSignature.synergy_commitment.is_(True),
            )
        )
    )


def participants(action_ids: list[int]) -> dict[int, list[Participant]]:
    """Each action's participants by name, with their sharing choice and commitment."""
    if not action_ids:
        return {}
    rows = list(
        db.session.execute(
            select(CollectiveParticipant.collective_action_id, Organisation)
            .join(Organisation, Organisation.id == CollectiveParticipant.organisation_id)
            .where(CollectiveParticipant.collective_action_id.in_(action_ids))
            .order_by(func.lower(Organisation.name), Organisation.id)
        )
    )
    committed = _committed(sorted({org.id for _action, org in rows}))
    found: dict[int, list[Participant]] = {action_id: [] for action_id in action_ids}
    for action_id, org in rows:
        found[action_id].append(
            Participant(org.id, org.name, org.siret, org.sharing == "public", org.id in committed)
        )
    return found


def participants_text(people: list[Participant]) -> str:
    """The participants as the form lists them (SIRET when a name is shared by two)."""
    names = [p.name for p in people]
    return "\n".join(p.siret if p.siret and names.count(p.name) > 1 else p.name for p in people)


@dataclass(frozen=True)
class PublicAction:
    """An action as the public page shows it: public participants by name, others counted."""

    title: str
    theme: str
    status: str
    description: str
    started_on: date | None
    ended_on: date | None
    results: str
    figures: list[Figure]
    named: list[Participant] = field(default_factory=list)
    others: int | None = None  # non-public participants, when at least MIN_GROUP_SIZE
    has_others: bool = False


def public_actions(territory: Territory) -> list[PublicAction]:
    """The territory's public actions under the directory's privacy rule."""
    actions = actions_of(territory, public_only=True)
    people = participants([a.id for a in actions])
    listed = []
    for action in actions:
        named = [p for p in people[action.id] if p.public]
        others = len(people[action.id]) - len(named)
        listed.append(
            PublicAction(
                title=action.title,
                theme=action.theme,
                status=action.status,
                description=action.description,
                started_on=action.started_on,
                ended_on=action.ended_on,
                results=action.results,
                figures=[
                    Figure(str(f["label"]), float(f["value"]), str(f["unit"]))
                    for f in action.figures
                ],
                named=named,
                others=others if others >= MIN_GROUP_SIZE else None,
                has_others=others > 0,
            )
        )
    return listed


def actions_joined(org: Organisation) -> list[dict[str, object]]:
    """The collective actions the organisation takes part in, as its data export holds them."""
    rows = db.session.execute(
        select(CollectiveAction, CollectiveParticipant.joined_at)
        .join(
            CollectiveParticipant,
            CollectiveParticipant.collective_action_id == CollectiveAction.id,
        )
        .where(CollectiveParticipant.organisation_id == org.id)
        .order_by(CollectiveParticipant.joined_at, CollectiveAction.id)
    )
    return [
        {
            "title": action.title,
            "theme": action.theme,
            "status": action.status,
            "public": action.is_public,
            "joined_at": joined_at.isoformat(),
        }
        for action, joined_at in rows
    ]
