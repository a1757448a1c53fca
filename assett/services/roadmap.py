"""The collectivity's roadmap: created from a shipped template or blank, steps edited in place."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..content_text import error_text
from ..domain import roadmap as domain
from ..domain.evidence import EvidenceError
from ..domain.evidence import check_url as check_link
from ..domain.roadmap import (
    DOCUMENT_TITLE_MAX,
    DOCUMENTS_PER_STEP_MAX,
    OWNER_MAX,
    ROADMAP_TITLE_MAX,
    STEP_STATUSES,
    STEP_TEXT_MAX,
    STEP_TITLE_MAX,
    STEPS_MAX,
    Progress,
    RoadmapTemplate,
    StepFacts,
)
from ..extensions import db
from ..models import Roadmap, RoadmapDocument, RoadmapStep, Territory, User
from ..models._base import utcnow
from . import roadmap_files
from .errors import ServiceError
from .unit_of_work import transaction

TEMPLATES_FILE = Path(__file__).resolve().parent.parent / "data" / "roadmap-templates.yaml"


@lru_cache(maxsize=1)
def templates() -> tuple[RoadmapTemplate, ...]:
    """The shipped templates, in the file's order."""
    return tuple(domain.load_templates(TEMPLATES_FILE))


def template_or_none(key: str | None) -> RoadmapTemplate | None:
    """The shipped template of that key."""
    return next((template for template in templates() if template.key == key), None)


def step_sources(roadmap: Roadmap | None) -> dict[str, Any]:
    """The template steps a roadmap's steps were copied from, by their French title: the page
    shows a copied step in its language while the title is unchanged."""
    source = template_or_none(roadmap.template_key) if roadmap is not None else None
    return {step.title: step for step in source.steps} if source is not None else {}


def roadmap_of(territory: Territory) -> Roadmap | None:
    """The territory's roadmap, if it has one."""
    return db.session.scalar(select(Roadmap).where(Roadmap.territory_id == territory.id))


def steps_of(roadmap: Roadmap) -> list[RoadmapStep]:
    """The roadmap's steps in order."""
    return list(
        db.session.scalars(
            select(RoadmapStep)
            .where(RoadmapStep.roadmap_id == roadmap.id)
            .order_by(RoadmapStep.position, RoadmapStep.id)
        )
    )


def step_or_none(territory: Territory, step_id: int) -> RoadmapStep | None:
    """A step of the territory's roadmap (None for another territory's)."""
    return db.session.scalar(
        select(RoadmapStep)
        .join(Roadmap, Roadmap.id == RoadmapStep.roadmap_id)
        .where(RoadmapStep.id == step_id, Roadmap.territory_id == territory.id)
    )


def documents_of(steps: list[RoadmapStep]) -> dict[int, list[RoadmapDocument]]:
    """The steps' documents, by step id, oldest first."""
    found: dict[int, list[RoadmapDocument]] = {step.id: [] for step in steps}
    if not steps:
        return found
    for document in db.session.scalars(
        select(RoadmapDocument)
        .where(RoadmapDocument.step_id.in_(found))
        .order_by(RoadmapDocument.id)
    ):
        found[document.step_id].append(document)
    return found


def _title(value: object, field: str, limit: int, label: str) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise ServiceError(_("%(label)s est obligatoire.", label=label), field)
    if len(text) > limit:
        raise ServiceError(
            _("%(label)s est trop long (%(n)s caractères au plus).", label=label, n=limit), field
        )
    return text


def create_roadmap(
    territory: Territory, template_key: str | None, start: date | None, title: str = ""
) -> Roadmap:
    """Start the territory's roadmap from a template (its steps dated from `start`) or blank."""
    template = template_or_none(template_key) if template_key else None
    if template_key and template is None:
        raise ServiceError(_("Choisissez un modèle dans la liste."), "template")
    title = title.strip() or (template.title if template else "")
    title = _title(title, "title", ROADMAP_TITLE_MAX, _("Le titre de la feuille de route"))
    with transaction() as session:
        session.execute(select(Territory.id).where(Territory.id == territory.id).with_for_update())
        if roadmap_of(territory) is not None:
            raise ServiceError(_("Le territoire a déjà une feuille de route."), "template")
        roadmap = Roadmap(
            territory_id=territory.id,
            title=title,
            template_key=template.key if template else None,
            started_on=start,
        )
        session.add(roadmap)
        session.flush()
        if template is not None:
            planned = domain.plan_steps(template, start) if start else None
            for position, step in enumerate(template.steps):
                dates = planned[position] if planned else None
                session.add(
                    RoadmapStep(
                        roadmap_id=roadmap.id,
                        position=position,
                        title=step.title,
                        description=step.description,
                        status="a_faire",
                        owner="",
                        notes="",
                        planned_start=dates.planned_start if dates else None,
                        planned_end=dates.planned_end if dates else None,
                    )
                )
    return roadmap


def delete_roadmap(territory: Territory) -> None:
    """Remove the territory's roadmap with its steps and documents (to start another)."""
    with transaction() as session:
        roadmap = roadmap_of(territory)
        if roadmap is not None:
            session.delete(roadmap)


def _optional_date(values: Mapping[str, Any], key: str) -> date | None:
    value = values.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ServiceError(
            _("Cette date n'est pas valide (format attendu : AAAA-MM-JJ)."), key
        ) from None


STEP_FIELDS = (
    "title",
    "description",
    "status",
    "owner",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "notes",
)


def clean_step(values: Mapping[str, Any]) -> dict[str, Any]:
    """A step's fields checked; the first refusal names its field."""
    cleaned: dict[str, Any] = {
        "title": _title(values.get("title"), "title", STEP_TITLE_MAX, _("L'intitulé")),
    }
    for field, limit in (("description", STEP_TEXT_MAX), ("notes", STEP_TEXT_MAX)):
        text = values.get(field)
        text = text.strip() if isinstance(text, str) else ""
        if len(text) > limit:
            raise ServiceError(
                _("Ce texte est trop long (%(n)s caractères au plus).", n=limit), field
            )
        cleaned[field] = text
    owner = values.get("owner")
    owner = owner.strip() if isinstance(owner, str) else ""
    if len(owner) > OWNER_MAX:
        raise ServiceError(
            _("Le responsable est trop long (%(n)s caractères au plus).", n=OWNER_MAX), "owner"
        )
    cleaned["owner"] = owner
    status = values.get("status") or "a_faire"
    if status not in STEP_STATUSES:
        raise ServiceError(_("Choisissez un statut dans la liste."), "status")
    cleaned["status"] = status
    for prefix, label in (("planned", _("prévue")), ("actual", _("réelle"))):
        start = _optional_date(values, f"{prefix}_start")
        end = _optional_date(values, f"{prefix}_end")
        if not domain.check_dates(start, end):
            raise ServiceError(
                _("La date de fin %(which)s doit suivre la date de début.", which=label),
                f"{prefix}_end",
            )
        cleaned[f"{prefix}_start"] = start
        cleaned[f"{prefix}_end"] = end
    return cleaned


def add_step(roadmap: Roadmap, values: Mapping[str, Any]) -> RoadmapStep:
    """Add a step at the end of the roadmap."""
    cleaned = clean_step(values)
    with transaction() as session:
        session.execute(select(Roadmap.id).where(Roadmap.id == roadmap.id).with_for_update())
        count, last = session.execute(
            select(func.count(), func.max(RoadmapStep.position)).where(
                RoadmapStep.roadmap_id == roadmap.id
            )
        ).one()
        if count >= STEPS_MAX:
            raise ServiceError(
                _("Une feuille de route compte %(n)s étapes au plus.", n=STEPS_MAX), "title"
            )
        step = RoadmapStep(
            roadmap_id=roadmap.id, position=(last if last is not None else -1) + 1, **cleaned
        )
        session.add(step)
    return step


def update_step(step: RoadmapStep, values: Mapping[str, Any]) -> None:
    """Change a step's fields; nothing is written if one is refused."""
    cleaned = clean_step(values)
    with transaction():
        for name, value in cleaned.items():
            setattr(step, name, value)
        step.updated_at = utcnow()


def set_status(step: RoadmapStep, status: str, today: date) -> None:
    """Change a step's status; a step done gets today as its actual end if it had none."""
    if status not in STEP_STATUSES:
        raise ServiceError(_("Choisissez un statut dans la liste."), "status")
    with transaction():
        step.status = status
        if status == "en_cours" and step.actual_start is None:
            step.actual_start = today
        if status == "fait" and step.actual_end is None:
            step.actual_end = today
            if step.actual_start is None or step.actual_start > today:
                step.actual_start = today
        step.updated_at = utcnow()


def delete_step(step: RoadmapStep) -> None:
    """Remove a step and its documents."""
    with transaction() as session:
        session.delete(step)


def move_step(roadmap: Roadmap, step: RoadmapStep, direction: int) -> None:
    """Swap the step with its neighbour above (-1) or below (+1)."""
    with transaction():
        steps = steps_of(roadmap)
        order = domain.moved([s.id for s in steps], step.id, direction)
        by_id = {s.id: s for s in steps}
        for position, step_id in enumerate(order):
            by_id[step_id].position = position


def add_document(step: RoadmapStep, user: User, title: str, url: str) -> RoadmapDocument:
    """Attach a link to a step (a deliberation, minutes, a shared folder)."""
    title = _title(title, "title", DOCUMENT_TITLE_MAX, _("Le titre du document"))
    try:
        link = check_link(url)
    except EvidenceError as error:
        raise ServiceError(error_text(error), "url") from None
    with transaction() as session:
        count = session.scalar(select(func.count()).where(RoadmapDocument.step_id == step.id))
        if (count or 0) >= DOCUMENTS_PER_STEP_MAX:
            raise ServiceError(
                _("Une étape compte %(n)s documents au plus.", n=DOCUMENTS_PER_STEP_MAX), "url"
            )
        document = RoadmapDocument(
            step_id=step.id, kind="link", title=title, url=link, added_by_id=user.id
        )
        session.add(document)
    return document


def delete_document(step: RoadmapStep, document_id: int) -> bool:
    """Remove one of the step's documents; whether there was one."""
    with transaction() as session:
        document = session.scalar(
            select(RoadmapDocument).where(
                RoadmapDocument.id == document_id, RoadmapDocument.step_id == step.id
            )
        )
        if document is None:
            return False
        roadmap_files.store().delete(document.id)
        session.delete(document)
    return True


def progress_of(steps: list[RoadmapStep], today: date) -> Progress:
    """The roadmap's progress figures."""
    return domain.progress((StepFacts(s.status, s.planned_end) for s in steps), today)


def progress_by_territory(today: date) -> dict[int, tuple[Roadmap, Progress]]:
    """Every territory's roadmap and its progress, in two queries."""
    roadmaps = {r.id: r for r in db.session.scalars(select(Roadmap))}
    facts: dict[int, list[StepFacts]] = {roadmap_id: [] for roadmap_id in roadmaps}
    for roadmap_id, status, planned_end in db.session.execute(
        select(RoadmapStep.roadmap_id, RoadmapStep.status, RoadmapStep.planned_end)
    ):
        facts.setdefault(roadmap_id, []).append(StepFacts(status, planned_end))
    return {
        roadmap.territory_id: (roadmap, domain.progress(facts[roadmap.id], today))
        for roadmap in roadmaps.values()
    }
