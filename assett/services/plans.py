"""The organisation's action plan: suggestions from the catalogue, actions, steps, notes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..clock import local_today
from ..domain.action_ranking import ActionSuggestion, LatestAssessment, rank_actions
from ..domain.actions import ActionCatalogue, ActionDef
from ..domain.content_language import copied
from ..domain.plans import NOTE_MAX, OPEN_STATUSES, STEPS_MAX, TITLE_MAX, plan_problems
from ..extensions import db
from ..models import (
    Membership,
    Organisation,
    PlanAction,
    PlanNote,
    PlanStep,
    Questionnaire,
    User,
)
from ..models._base import utcnow
from ..reporting import writer
from . import assessments, offered_actions
from .errors import ServiceError
from .evidence import export_evidence
from .questionnaires import (
    definition_of,
    published_version,
    shown_title,
    territory_questionnaires,
)
from .unit_of_work import transaction


def catalogue(territory_id: int) -> dict[str, ActionCatalogue]:
    """The territory's action catalogue by theme key (its own copy, or the shipped files)."""
    return offered_actions.catalogue_for(territory_id)


def catalogue_action(territory_id: int, key: str) -> tuple[str, ActionDef] | None:
    """The territory's catalogue action with this key, with its theme key."""
    return offered_actions.catalogue_action(territory_id, key)


def catalogue_actions(territory_id: int) -> dict[str, ActionDef]:
    """Every catalogue action of the territory by key: the source of plan items' texts."""
    return {
        action.key: action for theme in catalogue(territory_id).values() for action in theme.actions
    }


def shown_titles(territory_id: int, actions: Sequence[PlanAction]) -> list[str]:
    """The actions' titles for a page: `Bilingual` while one is its catalogue action's title."""
    sources = catalogue_actions(territory_id) if actions else {}
    return [copied(action.title, sources.get(action.catalogue_key or "")) for action in actions]


def plan_of(org: Organisation) -> list[PlanAction]:
    """The organisation's plan: open actions first, by due date, then the others."""
    rows = db.session.scalars(
        select(PlanAction)
        .where(PlanAction.organisation_id == org.id)
        .order_by(PlanAction.created_at, PlanAction.id)
    ).all()
    return sorted(
        rows,
        key=lambda row: (row.status not in OPEN_STATUSES, row.due_on or date.max, row.id),
    )


def suggested_actions(org: Organisation, limit: int | None = None) -> list[ActionSuggestion]:
    """Catalogue actions ranked by what they would bring, minus those already planned."""
    latest = {}
    for assessment in assessments.submitted_history(org.id):  # oldest first: latest wins
        latest[assessment.theme_key] = assessment
    themes = {
        theme_key: LatestAssessment(
            assessments.definition_for(assessment), assessments.answers_of(assessment)
        )
        for theme_key, assessment in latest.items()
    }
    planned = {
        row.catalogue_key
        for row in plan_of(org)
        if row.catalogue_key is not None and row.status != "abandonnee"
    }
    available = {
        theme_key: themed.model_copy(
            update={"actions": [a for a in themed.actions if a.key not in planned]}
        )
        for theme_key, themed in catalogue(org.territory_id).items()
    }
    return rank_actions(available, themes, assessments.profile_of(org), limit=limit)


def add_from_catalogue(org: Organisation, action_key: str, user: User) -> PlanAction:
    """Add a catalogue action to the plan; refused if it is already there."""
    found = catalogue_action(org.territory_id, action_key)
    if found is None:
        raise ServiceError(_("Cette action n'existe pas dans le catalogue."), "action")
    theme_key, action = found
    item = PlanAction(
        organisation_id=org.id,
        theme_key=theme_key,
        catalogue_key=action.key,
        title=action.title,
        description=action.description,
        improves=[{"question": i.question, "to": i.to} for i in action.improves],
        status="a_faire",
        created_by_id=user.id,
    )
    try:
        with transaction() as session:
            session.add(item)
            writer.bump_plan_version(org.territory_id)
    except IntegrityError:
        raise ServiceError(_("Cette action est déjà dans votre plan."), "action") from None
    return item


def add_custom(
    org: Organisation, user: User, title: str, theme_key: str, questions: Sequence[str] = ()
) -> PlanAction:
    """Add an action of the organisation's own, linked to a theme and optionally questions."""
    title = " ".join((title or "").split())
    if not title:
        raise ServiceError(_("Donnez un titre à l'action."), "title")
    if len(title) > TITLE_MAX:
        raise ServiceError(_("Le titre tient en %(n)s caractères au plus.", n=TITLE_MAX), "title")
    themes = {q.theme_key: q for q in territory_questionnaires(org.territory_id)}
    if theme_key not in themes:
        raise ServiceError(_("Choisissez un thème du territoire."), "theme")
    known = _question_keys(themes[theme_key])
    unknown = [key for key in questions if key not in known]
    if unknown:
        raise ServiceError(_("Question inconnue : %(key)s.", key=unknown[0]), "questions")
    with transaction() as session:
        item = PlanAction(
            organisation_id=org.id,
            theme_key=theme_key,
            title=title,
            description="",
            improves=[{"question": key} for key in dict.fromkeys(questions)],
            status="a_faire",
            created_by_id=user.id,
        )
        session.add(item)
        writer.bump_plan_version(org.territory_id)
    return item


def _question_keys(questionnaire: Questionnaire) -> set[str]:
    version = published_version(questionnaire)
    if version is None:
        return set()
    return {question.key for _category, question in definition_of(version).iter_questions()}


def update_action(
    item: PlanAction,
    *,
    status: str,
    reason: str | None,
    owner_id: int | None,
    start_on: date | None,
    due_on: date | None,
) -> None:
    """Change an action's status, owner and dates; ServiceError names the field at fault."""
    problems = plan_problems(status, reason, start_on, due_on)
    if problems:
        field, message = next(iter(problems.items()))
        raise ServiceError(_(message), field)
    with transaction():
        if owner_id is not None and not _is_member(owner_id, item.organisation_id):
            raise ServiceError(_("Le responsable doit être membre de l'organisation."), "owner")
        if status == "realisee" and item.status != "realisee":
            # The day in France, as the retake and the reminders count days.
            item.completed_on = local_today()
        elif status != "realisee":
            item.completed_on = None
        item.status = status
        item.status_reason = (reason or "").strip() or None
        item.owner_id = owner_id
        item.start_on = start_on
        item.due_on = due_on
        item.updated_at = utcnow()
        writer.bump_plan_version(_territory_of(item.organisation_id))


def _territory_of(org_id: int) -> int:
    territory_id = db.session.scalar(
        select(Organisation.territory_id).where(Organisation.id == org_id)
    )
    assert territory_id is not None  # noqa: S101  (a plan action belongs to an organisation)
    return territory_id


def _is_member(user_id: int, org_id: int) -> bool:
    return (
        db.session.scalar(
            select(Membership.id).where(
                Membership.user_id == user_id, Membership.organisation_id == org_id
            )
        )
        is not None
    )


def add_step(item: PlanAction, title: str) -> PlanStep:
    """Add a step at the end of the action's list."""
    title = " ".join((title or "").split())
    if not title:
        raise ServiceError(_("Décrivez l'étape."), "step")
    if len(title) > TITLE_MAX:
        raise ServiceError(_("Une étape tient en %(n)s caractères au plus.", n=TITLE_MAX), "step")
    with transaction() as session:
        if len(item.steps) >= STEPS_MAX:
            raise ServiceError(_("%(n)s étapes au plus par action.", n=STEPS_MAX), "step")
        step = PlanStep(
            plan_action_id=item.id,
            position=max((s.position for s in item.steps), default=-1) + 1,
            title=title,
            done=False,
        )
        session.add(step)
        item.updated_at = utcnow()
    return step


def set_step_done(item: PlanAction, step_id: int, done: bool) -> None:
    """Tick or untick one of the action's steps (another action's step: nothing)."""
    with transaction():
        step = next((s for s in item.steps if s.id == step_id), None)
        if step is None:
            raise ServiceError(_("Cette étape n'existe pas."), "step")
        step.done = done
        step.done_at = utcnow() if done else None
        item.updated_at = utcnow()


def add_note(item: PlanAction, user: User, text: str) -> PlanNote:
    """Add a dated note by a member."""
    text = (text or "").strip()
    if not text:
        raise ServiceError(_("La note est vide."), "note")
    if len(text) > NOTE_MAX:
        raise ServiceError(_("Une note tient en %(n)s caractères au plus.", n=NOTE_MAX), "note")
    with transaction() as session:
        note = PlanNote(plan_action_id=item.id, author_id=user.id, text=text)
        session.add(note)
        item.updated_at = utcnow()
    return note


def members_for_owner(org: Organisation) -> list[User]:
    """Who may own an action: the organisation's members, by name."""
    users = db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == org.id)
    ).all()
    return sorted(users, key=lambda user: (user.display_name or user.email).lower())


def action_of(org: Organisation, action_id: int) -> PlanAction | None:
    """One action of the organisation's plan (None for another organisation's)."""
    return db.session.scalar(
        select(PlanAction).where(PlanAction.id == action_id, PlanAction.organisation_id == org.id)
    )


def theme_choices(org: Organisation) -> list[tuple[str, str]]:
    """The territory's themes, as (key, title)."""
    return [(q.theme_key, shown_title(q)) for q in territory_questionnaires(org.territory_id)]


def export_plan(org: Organisation) -> list[dict[str, object]]:
    """The plan as the organisation's data export holds it (owners and authors by e-mail)."""
    items = plan_of(org)
    user_ids = {item.owner_id for item in items} | {
        note.author_id for item in items for note in item.notes
    }
    rows = db.session.execute(
        select(User.id, User.email).where(User.id.in_([i for i in user_ids if i]))
    )
    emails: dict[int, str] = {user_id: email for user_id, email in rows}
    evidence = export_evidence(org)

    def day(value: date | None) -> str | None:
        return value.isoformat() if value else None

    return [
        {
            "id": item.id,
            "theme_key": item.theme_key,
            "catalogue_key": item.catalogue_key,
            "title": item.title,
            "description": item.description,
            "improves": item.improves,
            "status": item.status,
            "status_reason": item.status_reason,
            "owner": emails.get(item.owner_id or 0),
            "start_on": day(item.start_on),
            "due_on": day(item.due_on),
            "completed_on": day(item.completed_on),
            "created_at": item.created_at.isoformat(),
            "steps": [{"title": s.title, "done": s.done} for s in item.steps],
            "notes": [
                {
                    "text": n.text,
                    "author": emails.get(n.author_id or 0),
                    "created_at": n.created_at.isoformat(),
                }
                for n in item.notes
            ],
            # The animation's note on the action, which the organisation reads.
            "follow_up": item.follow_up.text if item.follow_up else None,
            "evidence": evidence.get(item.id, []),
        }
        for item in items
    ]


@dataclass(frozen=True)
class CompletedAction:
    """An action marked « réalisée », as the public directory shows it."""

    title: str  # `Bilingual` while it is the catalogue action's title, as copied
    theme: str
    completed_on: date | None


def completed_actions(
    territory_id: int, org_ids: Sequence[int]
) -> dict[int, list[CompletedAction]]:
    """The organisations' completed actions, latest first, with their theme's title."""
    if not org_ids:
        return {}
    titles = {q.theme_key: shown_title(q) for q in territory_questionnaires(territory_id, False)}
    sources = catalogue_actions(territory_id)
    rows = db.session.scalars(
        select(PlanAction)
        .where(PlanAction.organisation_id.in_(org_ids), PlanAction.status == "realisee")
        .order_by(PlanAction.completed_on.desc(), PlanAction.id.desc())
    )
    found: dict[int, list[CompletedAction]] = {}
    for row in rows:
        found.setdefault(row.organisation_id, []).append(
            CompletedAction(
                copied(row.title, sources.get(row.catalogue_key or "")),
                titles.get(row.theme_key, row.theme_key),
                row.completed_on,
            )
        )
    return found
