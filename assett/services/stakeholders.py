"""The territory's stakeholder map: its partners, their role, skills and part in the approach."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from ..domain.collective import PARTICIPATIONS, STAKEHOLDER_KINDS
from ..extensions import db
from ..models import Stakeholder, Territory
from ..models._base import utcnow
from .errors import ServiceError
from .unit_of_work import transaction

NAME_MAX = 200
ROLE_MAX = 500
SKILLS_MAX = 1000
NOTES_MAX = 5000
STAKEHOLDERS_MAX = 500


@dataclass(frozen=True)
class StakeholderInput:
    name: str
    kind: str
    participation: str
    role: str = ""
    skills: str = ""
    notes: str = ""


def _text(value: str, field: str, limit: int, required: bool = False) -> str:
    text = value.strip().replace("\r\n", "\n")
    if required and not text:
        raise ServiceError(_("Ce champ est obligatoire."), field)
    if len(text) > limit:
        raise ServiceError(_("Au plus %(n)d caractères.", n=limit), field)
    return text


def clean(data: StakeholderInput) -> dict[str, str]:
    """The column values of a valid stakeholder; ServiceError naming the first bad field."""
    if data.kind not in STAKEHOLDER_KINDS:
        raise ServiceError(_("Choisissez un type de la liste."), "kind")
    if data.participation not in PARTICIPATIONS:
        raise ServiceError(_("Choisissez une participation de la liste."), "participation")
    return {
        "name": _text(data.name, "name", NAME_MAX, required=True),
        "kind": data.kind,
        "participation": data.participation,
        "role": _text(data.role, "role", ROLE_MAX),
        "skills": _text(data.skills, "skills", SKILLS_MAX),
        "notes": _text(data.notes, "notes", NOTES_MAX),
    }


def stakeholders_of(territory: Territory) -> list[Stakeholder]:
    """The territory's stakeholders by type, then name."""
    rows = db.session.scalars(
        select(Stakeholder)
        .where(Stakeholder.territory_id == territory.id)
        .order_by(func.lower(Stakeholder.name), Stakeholder.id)
    )
    order = list(STAKEHOLDER_KINDS)
    return sorted(rows, key=lambda s: order.index(s.kind))


def stakeholder_of(territory: Territory, stakeholder_id: int) -> Stakeholder | None:
    """One of the territory's stakeholders (another territory's is not found)."""
    return db.session.scalar(
        select(Stakeholder).where(
            Stakeholder.id == stakeholder_id, Stakeholder.territory_id == territory.id
        )
    )


def add_stakeholder(territory: Territory, data: StakeholderInput) -> Stakeholder:
    """Add a partner to the map."""
    values = clean(data)
    with transaction() as session:
        count = session.scalar(
            select(func.count(Stakeholder.id)).where(Stakeholder.territory_id == territory.id)
        )
        if (count or 0) >= STAKEHOLDERS_MAX:
            raise ServiceError(_("Au plus %(n)d parties prenantes.", n=STAKEHOLDERS_MAX))
        stakeholder = Stakeholder(territory_id=territory.id, **values)
        session.add(stakeholder)
    return stakeholder


def update_stakeholder(stakeholder: Stakeholder, data: StakeholderInput) -> Stakeholder:
    """Change a partner's entry."""
    values = clean(data)
    with transaction():
        for key, value in values.items():
            setattr(stakeholder, key, value)
        stakeholder.updated_at = utcnow()
    return stakeholder


def delete_stakeholder(stakeholder: Stakeholder) -> None:
    """Remove a partner from the map."""
    with transaction() as session:
        session.execute(
            delete(Stakeholder)
            .where(Stakeholder.id == stakeholder.id)
            .execution_options(synchronize_session="fetch")
        )


def as_input(stakeholder: Stakeholder) -> StakeholderInput:
    """A stored stakeholder as the form shows it."""
    return StakeholderInput(
        name=stakeholder.name,
        kind=stakeholder.kind,
        participation=stakeholder.participation,
        role=stakeholder.role,
        skills=stakeholder.skills,
        notes=stakeholder.notes,
    )
