"""Retaking a theme: pre-select the answers moved by the plan's actions completed since then."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select

from ..clock import LOCAL_TIMEZONE
from ..domain import scoring
from ..domain.definitions import ThemeDefinition
from ..domain.plan_prefill import DoneAction, PrefilledAnswer, answers_after_actions
from ..domain.profile import Profile
from ..extensions import db
from ..models import Assessment, PlanAction


def done_actions_since(previous: Assessment) -> list[DoneAction]:
    """The organisation's actions on the theme marked « réalisée » since the assessment's
    submission day (an action completed that very day counts)."""
    if previous.submitted_at is None:
        return []
    day = previous.submitted_at.astimezone(LOCAL_TIMEZONE).date()
    rows = db.session.scalars(
        select(PlanAction)
        .where(
            PlanAction.organisation_id == previous.organisation_id,
            PlanAction.theme_key == previous.theme_key,
            PlanAction.status == "realisee",
            PlanAction.completed_on >= day,
        )
        .order_by(PlanAction.completed_on, PlanAction.id)
    )
    from .plans import shown_titles  # plans reads the assessments, which read this

    done = [row for row in rows if row.completed_on is not None]
    titles = shown_titles(previous.territory_id, done)
    return [
        DoneAction(title, row.completed_on, list(row.improves or []))
        for title, row in zip(titles, done, strict=True)
        if row.completed_on is not None
    ]


def _stored(assessment: Assessment) -> dict[str, scoring.Answer]:
    return {
        row.question_key: scoring.Answer(value=row.value, not_applicable=row.not_applicable)
        for row in assessment.answers
    }


def moved_answers(
    definition: ThemeDefinition,
    answers: Mapping[str, scoring.Answer],
    previous: Assessment,
    profile: Profile,
) -> Mapping[str, PrefilledAnswer]:
    """The answers of a new draft (pre-filled from `previous`) that the actions completed
    since move, by question key (the previous assessment is only read)."""
    return answers_after_actions(definition, answers, done_actions_since(previous), profile)


def action_notes(
    draft: Assessment, definition: ThemeDefinition, profile: Profile
) -> Mapping[str, PrefilledAnswer]:
    """The draft's answers still as a completed action set them, by question key: what the
    question page marks « d'après votre action … »."""
    if draft.status != "draft" or draft.previous_id is None:
        return {}
    previous = db.session.get(Assessment, draft.previous_id)
    if previous is None or previous.status != "submitted":
        return {}
    moved = moved_answers(definition, _stored(previous), previous, profile)
    current = _stored(draft)
    return {
        key: prefilled
        for key, prefilled in moved.items()
        if key in current and _same(current[key].value, prefilled.answer.value)
    }


def _same(left: object, right: object) -> bool:
    if isinstance(left, list) and isinstance(right, list):
        return sorted(map(str, left)) == sorted(map(str, right))
    return left == right
