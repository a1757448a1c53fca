"""Retours d'expérience: an organisation writes and submits, the animation reviews, the
territory's library shows the published ones of organisations in the public directory."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select, update

from ..domain.experience import (
    EDITABLE,
    FIELD_LIMITS,
    case_problems,
    decision_status,
    search_words,
)
from ..domain.experience import REVIEW_NOTE_MAX as NOTE_MAX
from ..extensions import db
from ..models import (
    ExperienceCase,
    ExperienceCaseAction,
    Membership,
    Organisation,
    PlanAction,
    Territory,
    User,
)
from ..models._base import utcnow
from .awards import SHARING_WITH_ANIMATORS, FieldErrors, theme_titles
from .errors import ServiceError
from .mail import absolute_url, send_mail, written_for
from .unit_of_work import transaction


@dataclass
class CaseInput:
    """What the author types; `action_ids` name plan actions of the organisation."""

    title: str = ""
    theme_key: str | None = None
    context: str = ""
    actions_done: str = ""
    results: str = ""
    cost: str = ""
    partners: str = ""
    action_ids: list[int] = field(default_factory=list)
    synergy_id: int | None = None
    national_consent: bool = False

    def texts(self) -> dict[str, str]:
        return {name: getattr(self, name) or "" for name in FIELD_LIMITS}


def _check(organisation: Organisation, data: CaseInput, *, submitting: bool) -> list[int]:
    """Refuse bad fields all at once; return the plan actions' ids, all the organisation's."""
    problems = case_problems(data.texts(), submitting=submitting)
    if data.theme_key and data.theme_key not in theme_titles(organisation.territory):
        problems["theme_key"] = _("Choisissez l'un des thèmes du territoire.")
    ids = sorted(set(data.action_ids))
    if ids:
        own = set(
            db.session.scalars(
                select(PlanAction.id).where(
                    PlanAction.id.in_(ids), PlanAction.organisation_id == organisation.id
                )
            )
        )
        if own != set(ids):
            problems["actions"] = _("Choisissez des actions du plan de l'organisation.")
    if problems:
        raise FieldErrors(problems)
    return ids


def _apply(case: ExperienceCase, data: CaseInput, action_ids: Sequence[int]) -> None:
    for name in FIELD_LIMITS:
        setattr(case, name, (getattr(data, name) or "").strip())
    case.theme_key = data.theme_key or None
    case.synergy_id = data.synergy_id
    case.national_consent = data.national_consent
    case.updated_at = utcnow()
    db.session.flush()
    db.session.execute(delete(ExperienceCaseAction).where(ExperienceCaseAction.case_id == case.id))
    for action_id in action_ids:
        db.session.add(ExperienceCaseAction(case_id=case.id, plan_action_id=action_id))


def create_case(organisation: Organisation, user: User, data: CaseInput) -> ExperienceCase:
    """Start a retour d'expérience as a draft."""
    ids = _check(organisation, data, submitting=False)
    with transaction():
        case = ExperienceCase(
            territory_id=organisation.territory_id,
            organisation_id=organisation.id,
            title="",
            author_id=user.id,
            status="brouillon",
        )
        db.session.add(case)
        _apply(case, data, ids)
    return case


def update_case(case: ExperienceCase, data: CaseInput) -> None:
    """Edit a draft, or a case the animation sent back."""
    if case.status not in EDITABLE:
        raise ServiceError(_("Ce retour d'expérience n'est plus modifiable."), None)
    organisation = db.session.get_one(Organisation, case.organisation_id)
    ids = _check(organisation, data, submitting=False)
    with transaction():
        _apply(case, data, ids)


def set_national_consent(case: ExperienceCase, agreed: bool) -> None:
    """Record whether the organisation agrees its case be shared nationally; without it the
    case leaves the national library listing (copies already made elsewhere stay)."""
    with transaction():
        case.national_consent = agreed
        case.updated_at = utcnow()


def submit_case(case: ExperienceCase) -> None:
    """Send the case to the animation for review (the organisation must be in the directory)."""
    organisation = db.session.get_one(Organisation, case.organisation_id)
    if case.status not in EDITABLE:
        raise ServiceError(_("Ce retour d'expérience a déjà été envoyé."), None)
    if organisation.sharing != "public":
        raise ServiceError(
            _(
                "Pour publier un retour d'expérience, choisissez d'abord de figurer dans "
                "l'annuaire public (page « Partage des résultats »)."
            ),
            None,
        )
    data = CaseInput(**{name: getattr(case, name) for name in FIELD_LIMITS})
    problems = case_problems(data.texts(), submitting=True)
    if problems:
        raise FieldErrors(problems)
    with transaction():
        done = db.session.execute(
            update(ExperienceCase)
            .where(ExperienceCase.id == case.id, ExperienceCase.status.in_(EDITABLE))
            .values(status="soumis", submitted_at=utcnow())
            .execution_options(synchronize_session="fetch")
        )
        if done.rowcount != 1:  # type: ignore[attr-defined]
            raise ServiceError(_("Ce retour d'expérience a déjà été envoyé."), None)


def delete_case(case: ExperienceCase) -> None:
    """Remove a case (its put-in-touch requests go with it)."""
    with transaction():
        db.session.delete(case)


def cases_of(organisation: Organisation) -> list[ExperienceCase]:
    return list(
        db.session.scalars(
            select(ExperienceCase)
            .where(ExperienceCase.organisation_id == organisation.id)
            .order_by(ExperienceCase.updated_at.desc(), ExperienceCase.id.desc())
        )
    )


def case_of(organisation: Organisation, case_id: int) -> ExperienceCase | None:
    case = db.session.get(ExperienceCase, case_id)
    return case if case is not None and case.organisation_id == organisation.id else None


def plan_actions_of(organisation: Organisation) -> list[PlanAction]:
    """The actions a case may tell of: the organisation's plan, completed ones first."""
    return list(
        db.session.scalars(
            select(PlanAction)
            .where(PlanAction.organisation_id == organisation.id)
            .order_by((PlanAction.status != "realisee"), PlanAction.title, PlanAction.id)
        )
    )


def linked_actions(case_ids: Sequence[int]) -> dict[int, list[PlanAction]]:
    if not case_ids:
        return {}
    found: dict[int, list[PlanAction]] = {}
    for case_id, action in db.session.execute(
        select(ExperienceCaseAction.case_id, PlanAction)
        .join(PlanAction, PlanAction.id == ExperienceCaseAction.plan_action_id)
        .where(ExperienceCaseAction.case_id.in_(list(case_ids)))
        .order_by(PlanAction.title, PlanAction.id)
    ):
        found.setdefault(case_id, []).append(action)
    return found


# --- The animation's review ------------------------------------------------------------------


def review_queue(territory: Territory) -> list[tuple[ExperienceCase, str]]:
    """Cases sent for review or already decided, of organisations sharing with the animation."""
    rows = db.session.execute(
        select(ExperienceCase, Organisation.name)
        .join(Organisation, Organisation.id == ExperienceCase.organisation_id)
        .where(
            ExperienceCase.territory_id == territory.id,
            ExperienceCase.status != "brouillon",
            Organisation.sharing.in_(SHARING_WITH_ANIMATORS),
        )
        .order_by((ExperienceCase.status != "soumis"), ExperienceCase.submitted_at.desc())
    )
    return [(case, name) for case, name in rows]


def case_for_review(territory: Territory, case_id: int) -> ExperienceCase | None:
    case = db.session.get(ExperienceCase, case_id)
    if case is None or case.territory_id != territory.id or case.status == "brouillon":
        return None
    organisation = db.session.get(Organisation, case.organisation_id)
    if organisation is None or organisation.sharing not in SHARING_WITH_ANIMATORS:
        return None
    return case


def _members(organisation_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organisation_id == organisation_id)
            .order_by(User.id)
        )
    )


DECISION_MAIL = {
    "publie": (
        _l("Votre retour d'expérience est publié"),
        _l(
            "Votre retour d'expérience « %(title)s » est publié dans la bibliothèque du territoire."
        ),
    ),
    "a_revoir": (
        _l("Votre retour d'expérience : modifications demandées"),
        _l("L'animation vous demande de modifier votre retour d'expérience « %(title)s »."),
    ),
    "refuse": (
        _l("Votre retour d'expérience n'est pas retenu"),
        _l("L'animation n'a pas retenu votre retour d'expérience « %(title)s »."),
    ),
}


def decide(case: ExperienceCase, decision: str, note: str, user: User) -> str:
    """Publish, send back for changes, or refuse a submitted case; the members are told."""
    status = decision_status(case.status, decision)
    if status is None:
        raise ServiceError(_("Choisissez une décision pour ce retour d'expérience."), "decision")
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise ServiceError(
            _("Le commentaire tient en %(max)s caractères au plus.", max=NOTE_MAX), "review_note"
        )
    if status == "a_revoir" and not note:
        raise ServiceError(_("Dites ce qu'il faut modifier."), "review_note")
    subject, text = DECISION_MAIL[status]
    with transaction():
        now = utcnow()
        done = db.session.execute(
            update(ExperienceCase)
            .where(ExperienceCase.id == case.id, ExperienceCase.status == "soumis")
            .values(
                status=status,
                review_note=note,
                reviewed_by_id=user.id,
                updated_at=now,
                published_at=now if status == "publie" else None,
            )
            .execution_options(synchronize_session="fetch")
        )
        if done.rowcount != 1:  # type: ignore[attr-defined]
            raise ServiceError(_("Ce retour d'expérience a déjà reçu une décision."), "decision")
        url = absolute_url("valorisation.edit_case", org_id=case.organisation_id, case_id=case.id)
        for member in _members(case.organisation_id):
            with written_for(member.email):
                body = str(text) % {"title": case.title}
                if note:
                    body += "\n\n" + _("Commentaire de l'animation :") + "\n" + note
                send_mail(member.email, str(subject), body + "\n\n" + url)
    return status


# --- The library -----------------------------------------------------------------------------


def _published_public(territory: Territory) -> list[object]:
    return [
        ExperienceCase.territory_id == territory.id,
        ExperienceCase.status == "publie",
        Organisation.sharing == "public",
    ]


def library(
    territory: Territory, theme: str | None = None, section: str | None = None, text: str = ""
) -> list[tuple[ExperienceCase, Organisation]]:
    """Published cases of organisations in the public directory, by theme, sector, words."""
    query = (
        select(ExperienceCase, Organisation)
        .join(Organisation, Organisation.id == ExperienceCase.organisation_id)
        .where(*_published_public(territory))  # type: ignore[arg-type]
    )
    if theme:
        query = query.where(ExperienceCase.theme_key == theme)
    if section:
        query = query.where(Organisation.naf_section == section)
    for word in search_words(text):
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(
                *(
                    func.lower(column).like(pattern, escape="\\")
                    for column in (
                        ExperienceCase.title,
                        ExperienceCase.context,
                        ExperienceCase.actions_done,
                        ExperienceCase.results,
                    )
                )
            )
        )
    query = query.order_by(ExperienceCase.published_at.desc(), ExperienceCase.id.desc())
    return [(case, org) for case, org in db.session.execute(query)]


def public_case(territory: Territory, case_id: int) -> tuple[ExperienceCase, Organisation] | None:
    """A published case, if its organisation is in the public directory."""
    row = db.session.execute(
        select(ExperienceCase, Organisation)
        .join(Organisation, Organisation.id == ExperienceCase.organisation_id)
        .where(ExperienceCase.id == case_id, *_published_public(territory))  # type: ignore[arg-type]
    ).first()
    return (row[0], row[1]) if row is not None else None


def export_cases(organisation: Organisation) -> list[dict[str, object]]:
    """The organisation's retours d'expérience, for its data export."""
    cases = cases_of(organisation)
    actions = linked_actions([c.id for c in cases])
    return [
        {
            "id": c.id,
            "title": c.title,
            "theme_key": c.theme_key,
            "context": c.context,
            "actions_done": c.actions_done,
            "results": c.results,
            "cost": c.cost,
            "partners": c.partners,
            "status": c.status,
            "national_consent": c.national_consent,
            "review_note": c.review_note,
            "plan_actions": [a.title for a in actions.get(c.id, [])],
            "synergy_id": c.synergy_id,
            "created_at": c.created_at.isoformat(),
            "submitted_at": c.submitted_at.isoformat() if c.submitted_at else None,
            "published_at": c.published_at.isoformat() if c.published_at else None,
        }
        for c in reversed(cases)
    ]
