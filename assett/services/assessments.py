"""Assessments: start or resume a draft, save answers page by page, submit and freeze."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext, ngettext
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..content_text import content_locale, error_text
from ..domain import scoring
from ..domain.content_language import local
from ..domain.definitions import Category, Question, ThemeDefinition
from ..domain.profile import HEADCOUNT_BRACKETS, Profile
from ..extensions import db
from ..models import Answer, Assessment, Organisation, Questionnaire, QuestionnaireVersion, User
from ..models._base import utcnow
from ..reporting import writer
from . import plan_prefill
from .errors import ServiceError
from .questionnaires import (
    definition_of,
    localized_definition_of,
    published_version,
    territory_questionnaires,
)
from .unit_of_work import transaction, transactional


@dataclass
class ThemeStatus:
    """Where an organisation stands on one theme: draft in progress, latest result, count."""

    questionnaire: Questionnaire
    draft: Assessment | None
    latest: Assessment | None
    submitted_count: int
    # The latest result's level, named in the page's language.
    level: str | None = None


def profile_of(org: Organisation) -> Profile:
    """The organisation's profile as questionnaire conditions see it."""
    bracket = HEADCOUNT_BRACKETS.get(org.headcount_code or "")
    return Profile(
        legal_type=org.legal_type or None,
        naf_section=org.naf_section or None,
        headcount_min=bracket[1] if bracket else None,
        has_vehicles=org.has_vehicles,
    )


def profile_from_snapshot(snapshot: Mapping[str, Any] | None) -> Profile:
    """The profile an assessment was scored with."""
    data = snapshot or {}
    return Profile(
        legal_type=data.get("legal_type"),
        naf_section=data.get("naf_section"),
        headcount_min=data.get("headcount_min"),
        has_vehicles=data.get("has_vehicles"),
    )


def definition_for(assessment: Assessment) -> ThemeDefinition:
    """The definition of the version the assessment was started on."""
    return definition_of(assessment.version)


def localized_definition_for(assessment: Assessment, locale: object) -> ThemeDefinition:
    """That definition with its texts in the locale's content language (kept per process)."""
    return localized_definition_of(assessment.version, locale)


def level_name(assessment: Assessment) -> str | None:
    """The assessment's level named in the page's language (its version's band), else as kept."""
    if assessment.band_key:
        for band in definition_for(assessment).bands:
            if band.key == assessment.band_key:
                return local(band, "label", content_locale())
    return assessment.band_label


def answers_of(assessment: Assessment) -> dict[str, scoring.Answer]:
    """The assessment's stored answers, as scoring reads them."""
    return {
        row.question_key: scoring.Answer(value=row.value, not_applicable=row.not_applicable)
        for row in assessment.answers
    }


def pages_of(defn: ThemeDefinition, profile: Profile) -> list[tuple[Category, list[Question]]]:
    """The pages shown to this profile: each category with its applicable questions, if any."""
    applicable = {question.key for _, question in scoring.applicable_questions(defn, profile)}
    pages = []
    for category in defn.categories:
        questions = [q for q in category.questions if q.key in applicable]
        if questions:
            pages.append((category, questions))
    return pages


def resume_page(assessment: Assessment) -> int:
    """The 1-based page a draft resumes at."""
    return assessment.current_category + 1


def draft_for(org_id: int, theme_key: str) -> Assessment | None:
    """The organisation's draft on a theme, if one is in progress."""
    return db.session.scalar(
        select(Assessment)
        .where(
            Assessment.organisation_id == org_id,
            Assessment.theme_key == theme_key,
            Assessment.status == "draft",
        )
        .order_by(Assessment.id)
        .limit(1)
    )


def latest_submitted(org_id: int, theme_key: str) -> Assessment | None:
    """The organisation's most recent submitted assessment of a theme."""
    return db.session.scalar(
        select(Assessment)
        .where(
            Assessment.organisation_id == org_id,
            Assessment.theme_key == theme_key,
            Assessment.status == "submitted",
        )
        .order_by(Assessment.submitted_at.desc(), Assessment.id.desc())
        .limit(1)
    )


def submitted_history(org_id: int) -> list[Assessment]:
    """Every submitted assessment of the organisation, oldest first."""
    return list(
        db.session.scalars(
            select(Assessment)
            .where(Assessment.organisation_id == org_id, Assessment.status == "submitted")
            .order_by(Assessment.submitted_at, Assessment.id)
        )
    )


def theme_statuses(org: Organisation) -> list[ThemeStatus]:
    """The territory's enabled themes with the organisation's draft, latest result and count
    (three queries whatever the number of themes)."""
    mine = [Assessment.organisation_id == org.id]
    submitted = Assessment.status == "submitted"
    counts: dict[str, int] = {
        theme_key: count
        for theme_key, count in db.session.execute(
            select(Assessment.theme_key, func.count())
            .where(*mine, submitted)
            .group_by(Assessment.theme_key)
        )
    }
    drafts: dict[str, Assessment] = {}
    for draft in db.session.scalars(
        select(Assessment).where(*mine, Assessment.status == "draft").order_by(Assessment.id)
    ):
        drafts.setdefault(draft.theme_key, draft)
    rank = (
        func.row_number()
        .over(
            partition_by=Assessment.theme_key,
            order_by=(Assessment.submitted_at.desc(), Assessment.id.desc()),
        )
        .label("rank")
    )
    ranked = select(Assessment.id, rank).where(*mine, submitted).subquery()
    latest = {
        assessment.theme_key: assessment
        for assessment in db.session.scalars(
            select(Assessment)
            .join(ranked, ranked.c.id == Assessment.id)
            .where(ranked.c.rank == 1)
            # Their versions at once, for the level names (a definition is read on a miss only).
            .options(selectinload(Assessment.version).defer(QuestionnaireVersion.definition))
        )
    }
    return [
        ThemeStatus(
            questionnaire=questionnaire,
            draft=drafts.get(questionnaire.theme_key),
            latest=latest.get(questionnaire.theme_key),
            submitted_count=counts.get(questionnaire.theme_key, 0),
            level=(
                level_name(latest[questionnaire.theme_key])
                if questionnaire.theme_key in latest
                else None
            ),
        )
        for questionnaire in territory_questionnaires(org.territory_id)
    ]


def _lock_organisation(org_id: int) -> None:
    """Serialise writes on one organisation's assessments, or refuse if it was just deleted.

    A row lock on PostgreSQL (SQLite's write transactions already hold the database's lock).
    """
    found = db.session.execute(
        select(Organisation.id).where(Organisation.id == org_id).with_for_update()
    ).first()
    if found is None:
        raise ServiceError(
            gettext("Cette organisation vient d'être supprimée : rien n'a été enregistré."),
            field="organisation",
        )


def _still_valid(question: Question, answer: scoring.Answer) -> scoring.Answer | None:
    """The answer if the question (maybe from a newer version) still accepts it."""
    try:
        parsed = scoring.parse_answer(question, answer.value, answer.not_applicable)
    except scoring.AnswerError:
        return None
    if not parsed.not_applicable and parsed.value is None:
        return None
    return parsed


def _prefill_rows(
    defn: ThemeDefinition, previous: Assessment, profile: Profile
) -> list[dict[str, Any]]:
    """The new draft's answers: the previous ones the new version still accepts, then moved
    as the plan's actions completed since say (`plan_prefill`), in the previous order."""
    categories = {question.key: category.key for category, question in defn.iter_questions()}
    kept: dict[str, scoring.Answer] = {}
    for row in previous.answers:
        if row.question_key not in categories:
            continue
        old = scoring.Answer(value=row.value, not_applicable=row.not_applicable)
        parsed = _still_valid(defn.question(row.question_key), old)
        if parsed is not None:
            kept[row.question_key] = parsed
    for key, prefilled in plan_prefill.moved_answers(defn, kept, previous, profile).items():
        kept[key] = scoring.Answer(value=prefilled.answer.value, not_applicable=False)
    return [
        {
            "question_key": key,
            "category_key": categories[key],
            "value": answer.value,
            "not_applicable": answer.not_applicable,
        }
        for key, answer in kept.items()
    ]


def start_assessment(org: Organisation, questionnaire: Questionnaire, user: User) -> Assessment:
    """Resume the theme's draft, or start one pre-filled from the latest submitted assessment.

    Idempotent: concurrent starts on one theme all land on the same draft (the schema allows
    one draft per organisation and theme).
    """
    if questionnaire.territory_id != org.territory_id or not questionnaire.enabled:
        raise ServiceError(
            gettext("Ce thème n'est pas proposé sur votre territoire."), field="theme"
        )
    # Read before the transaction: on SQLite it starts by reloading every object.
    org_id, territory_id, theme_key = org.id, org.territory_id, questionnaire.theme_key
    with transaction():
        _lock_organisation(org_id)
        existing = draft_for(org_id, theme_key)
        if existing is not None:
            return existing
        version = published_version(questionnaire)
        if version is None:
            raise ServiceError(
                gettext("Ce questionnaire n'est pas encore publié : revenez un peu plus tard."),
                field="theme",
            )
        previous = latest_submitted(org_id, theme_key)
        now = utcnow()
        assessment = Assessment(
            organisation_id=org_id,
            territory_id=territory_id,
            questionnaire_id=questionnaire.id,
            version_id=version.id,
            theme_key=theme_key,
            status="draft",
            previous_id=previous.id if previous else None,
            started_by_id=user.id if user else None,
            created_at=now,
            updated_at=now,
            current_category=0,
        )
        try:
            with db.session.begin_nested():
                db.session.add(assessment)
                if previous is not None:
                    rows = _prefill_rows(definition_of(version), previous, profile_of(org))
                    db.session.flush()  # the draft's id, for its answers
                    if rows:  # at once (the ORM would insert them one by one on SQLite)
                        answer_rows = [{**row, "assessment_id": assessment.id} for row in rows]
                        db.session.execute(insert(Answer), answer_rows)
                    db.session.expire(assessment, ["answers"])
        except IntegrityError:
            # Another request started the same theme first: resume its draft.
            existing = draft_for(org_id, theme_key)
            if existing is None:
                raise
            return existing
        org.last_activity_at = now
    return assessment


def _require_draft(assessment: Assessment) -> None:
    """Refuse to change an assessment that is no longer a draft."""
    if assessment.status != "draft":
        raise ServiceError(
            gettext("Cette évaluation a déjà été envoyée : elle ne peut plus être modifiée."),
            field="assessment",
        )


@transactional
def save_answers(
    assessment: Assessment, answers: Mapping[str, scoring.Answer], page: int | None = None
) -> None:
    """Validate and store a draft's answers; an empty answer clears the question.

    `page` is the 1-based page reached: the draft resumes at the furthest page reached
    (current_category never goes back when the actor revisits an earlier page).
    """
    _require_draft(assessment)
    defn = definition_for(assessment)
    categories = {question.key: category.key for category, question in defn.iter_questions()}
    parsed: dict[str, scoring.Answer] = {}
    for key, answer in answers.items():
        if key not in categories:
            said = gettext("La question « %(key)s » n'existe pas dans ce questionnaire.", key=key)
            raise ServiceError(said, key)
        try:
            parsed[key] = scoring.parse_answer(
                defn.question(key), answer.value, answer.not_applicable
            )
        except scoring.AnswerError as error:
            raise ServiceError(error_text(error), field=key) from error
    rows = {row.question_key: row for row in assessment.answers}
    for key, answer in parsed.items():
        row = rows.get(key)
        if answer.value is None and not answer.not_applicable:
            if row is not None:
                assessment.answers.remove(row)
            continue
        if row is None:
            row = Answer(question_key=key, category_key=categories[key])
            assessment.answers.append(row)
        row.category_key = categories[key]
        row.value = None if answer.not_applicable else answer.value
        row.not_applicable = answer.not_applicable
    now = utcnow()
    if page is not None:
        page_count = max(1, len(pages_of(defn, profile_of(assessment.organisation))))
        reached = max(0, min(page - 1, page_count - 1))
        known = min(assessment.current_category or 0, page_count - 1)
        assessment.current_category = max(known, reached)
    assessment.updated_at = now
    assessment.organisation.last_activity_at = now


def progress_of(assessment: Assessment) -> tuple[int, int]:
    """(answered, applicable) questions of a draft, « Non concerné » counting as answered."""
    defn = definition_for(assessment)
    applicable = scoring.applicable_questions(defn, profile_of(assessment.organisation))
    answers = answers_of(assessment)
    answered = sum(
        1
        for _, question in applicable
        if (answer := answers.get(question.key)) is not None
        and _still_valid(question, answer) is not None
    )
    return answered, len(applicable)


def missing_questions(assessment: Assessment) -> list[tuple[Category, Question]]:
    """The applicable required questions of a draft still without an answer."""
    return scoring.missing_required(
        definition_for(assessment), answers_of(assessment), profile_of(assessment.organisation)
    )


def _category_scores(result: scoring.ThemeResult) -> dict[str, dict[str, Any]]:
    return {
        category.key: {
            "score": category.score,
            "earned": category.earned,
            "maximum": category.maximum,
            "counted": category.counted,
        }
        for category in result.categories
    }


def _mark_submitted(
    assessment: Assessment, result: scoring.ThemeResult, values: dict[str, Any]
) -> bool:
    """Turn the draft into a submission if it still is a draft; False if it no longer was."""
    changed = db.session.execute(
        update(Assessment)
        .where(Assessment.id == assessment.id, Assessment.status == "draft")
        .values(
            status="submitted",
            score=result.score,
            band_key=result.band.key if result.band else None,
            band_label=result.band.label if result.band else None,
            earned=result.earned,
            maximum=result.maximum,
            counted=result.counted,
            not_applicable=result.not_applicable,
            category_scores=_category_scores(result),
            **values,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(changed.rowcount)  # type: ignore[attr-defined]  # an UPDATE gives a CursorResult


def submit_assessment(
    assessment: Assessment, user: User, now: datetime | None = None
) -> Assessment:
    """Score a complete draft and freeze it, with the organisation's summary, in one commit.

    Idempotent: an assessment already submitted (a double click, two tabs, a retried request)
    is returned as it stands, and nothing is counted again.
    """
    submitted_at = now or utcnow()
    if submitted_at.tzinfo is None:
        submitted_at = submitted_at.replace(tzinfo=UTC)
    # Read before the transaction: on SQLite it starts by reloading every object.
    assessment_id, org_id = assessment.id, assessment.organisation_id
    with transaction():
        _lock_organisation(org_id)
        found = db.session.get(Assessment, assessment_id, populate_existing=True)
        if found is None:  # pragma: no cover - assessments go only with their organisation
            raise ServiceError(gettext("Cette évaluation n'existe plus."), field="assessment")
        assessment = found
        if assessment.status != "draft":
            return assessment
        org = assessment.organisation
        defn = definition_for(assessment)
        profile = profile_of(org)
        answers = answers_of(assessment)
        missing = scoring.missing_required(defn, answers, profile)
        if missing:
            said = ngettext(
                "Il reste %(num)s question obligatoire sans réponse : répondez-y avant d'envoyer.",
                "Il reste %(num)s questions obligatoires sans réponse : répondez-y avant "
                "d'envoyer.",
                len(missing),
            )
            raise ServiceError(said, field="assessment")
        result = scoring.score_theme(defn, answers, profile)
        # The transition is a conditional update whose row count decides: a concurrent
        # submission that got there first leaves nothing to do, whatever this request read.
        submitted = _mark_submitted(
            assessment,
            result,
            {
                "profile_snapshot": {
                    **asdict(profile),
                    "headcount_code": org.headcount_code,
                    "naf_code": org.naf_code,
                },
                "submitted_at": submitted_at,
                "submitted_by_id": user.id if user else None,
                "updated_at": submitted_at,
            },
        )
        db.session.refresh(assessment)
        if not submitted:
            return assessment
        for row in assessment.answers:
            question_result = result.questions.get(row.question_key)
            if question_result is None:
                row.counted = False
                continue
            row.earned = question_result.earned
            row.maximum = question_result.maximum
            row.weight = question_result.weight
            row.counted = question_result.counted
        db.session.flush()
        writer.record_submission(assessment)  # the dashboard's tables, same transaction
        org.last_activity_at = max(submitted_at, org.last_activity_at or submitted_at)
    return assessment


def prefilled_from(assessment: Assessment) -> Assessment | None:
    """The submitted assessment a draft was pre-filled from, if it was."""
    if assessment.previous_id is None:
        return None
    return db.session.get(Assessment, assessment.previous_id)


def previous_submitted(assessment: Assessment) -> Assessment | None:
    """The submitted assessment of the same theme just before this one."""
    if assessment.submitted_at is None:
        return None
    return db.session.scalar(
        select(Assessment)
        .where(
            Assessment.organisation_id == assessment.organisation_id,
            Assessment.theme_key == assessment.theme_key,
            Assessment.status == "submitted",
            Assessment.id != assessment.id,
            (Assessment.submitted_at < assessment.submitted_at)
            | (
                (Assessment.submitted_at == assessment.submitted_at)
                & (Assessment.id < assessment.id)
            ),
        )
        .order_by(Assessment.submitted_at.desc(), Assessment.id.desc())
        .limit(1)
    )
