"""Targets per theme: set by the organisation, read by the results and progress pages."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from flask_babel import gettext as _
from pydantic import ValidationError
from sqlalchemy import delete, select

from ..clock import local_today
from ..domain.action_ranking import LatestAssessment
from ..domain.actions import Improvement
from ..domain.plans import OPEN_STATUSES
from ..domain.targets import TargetError, TargetGap, check_target_date, target_gaps
from ..extensions import db
from ..models import Organisation, PlanAction, User
from ..models._base import utcnow
from ..models.evidence import ThemeTarget
from . import assessments
from .errors import ServiceError
from .questionnaires import territory_questionnaires
from .unit_of_work import transaction


def targets_of(org: Organisation) -> dict[str, ThemeTarget]:
    """The organisation's targets by theme key."""
    rows = db.session.scalars(select(ThemeTarget).where(ThemeTarget.organisation_id == org.id))
    return {row.theme_key: row for row in rows}


def set_target(
    org: Organisation, user: User, theme_key: str, score: float, target_on: date | None
) -> ThemeTarget:
    """Set (or replace) the target of a theme; ServiceError names the field at fault."""
    if theme_key not in {q.theme_key for q in territory_questionnaires(org.territory_id)}:
        raise ServiceError(_("Choisissez un thème du territoire."), "theme")
    if not 0 <= score <= 5:
        raise ServiceError(_("Le score visé est compris entre 0 et 5."), "score")
    try:
        day = check_target_date(target_on, local_today())
    except TargetError as error:
        raise ServiceError(error.message, error.field) from None
    with transaction() as session:
        row = targets_of(org).get(theme_key)
        if row is None:
            row = ThemeTarget(organisation_id=org.id, theme_key=theme_key)
            session.add(row)
        row.score = round(score, 1)
        row.target_on = day
        row.set_by_id = user.id
        row.updated_at = utcnow()
    return row


def clear_target(org: Organisation, theme_key: str) -> None:
    """Remove a theme's target (nothing happens if there is none)."""
    with transaction():
        db.session.execute(
            delete(ThemeTarget).where(
                ThemeTarget.organisation_id == org.id, ThemeTarget.theme_key == theme_key
            )
        )


def _improvements(row: PlanAction) -> list[Improvement]:
    """The improvements an action records (an action of one's own with no value moves none)."""
    found = []
    for entry in row.improves or []:
        if "to" not in entry:
            continue
        try:
            found.append(Improvement.model_validate(entry))
        except ValidationError:
            continue
    return found


def gaps_of(org: Organisation) -> dict[str, TargetGap]:
    """Each target against the theme's latest score and what the open actions would bring."""
    targets = targets_of(org)
    if not targets:
        return {}
    latest = {}
    for assessment in assessments.submitted_history(org.id):  # oldest first: latest wins
        latest[assessment.theme_key] = assessment
    themes = {
        key: LatestAssessment(
            assessments.definition_for(assessment), assessments.answers_of(assessment)
        )
        for key, assessment in latest.items()
        if key in targets
    }
    open_actions: dict[str, list[list[Improvement]]] = defaultdict(list)
    rows = db.session.scalars(
        select(PlanAction).where(
            PlanAction.organisation_id == org.id, PlanAction.status.in_(OPEN_STATUSES)
        )
    )
    for row in rows:
        open_actions[row.theme_key].append(_improvements(row))
    gaps = target_gaps(
        {key: (row.score, row.target_on) for key, row in targets.items()},
        themes,
        open_actions,
        assessments.profile_of(org),
    )
    return {gap.theme_key: gap for gap in gaps}


def export_targets(org: Organisation) -> list[dict[str, object]]:
    """The targets as the organisation's data export lists them."""
    return [
        {
            "theme_key": row.theme_key,
            "score": row.score,
            "target_on": row.target_on.isoformat(),
            "updated_at": row.updated_at.isoformat(),
        }
        for row in sorted(targets_of(org).values(), key=lambda row: row.theme_key)
    ]
