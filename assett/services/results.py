"""What the results pages show: frozen scores, levels, resources, suggestions, history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..domain import scoring
from ..domain.definitions import Band, ThemeDefinition
from ..models import Assessment, Organisation, Resource
from . import assessments, questionnaires
from .questionnaires import shown_title, territory_questionnaires
from .resources import matching_resources


@dataclass
class CategoryScore:
    """A category's frozen sub-score."""

    key: str
    title: str
    score: float | None
    counted: int


@dataclass
class ThemeSummary:
    """One theme's latest result as the overview shows it."""

    assessment: Assessment
    theme_key: str
    title: str
    score: float | None
    band: Band | None
    counted: int
    declared_not_applicable: int
    categories: list[CategoryScore]
    resources: list[Resource] = field(default_factory=list)
    suggestions: list[scoring.Suggestion] = field(default_factory=list)
    previous: Assessment | None = None


@dataclass
class Overview:
    """The organisation's latest result on each theme taken, and their mean."""

    themes: list[ThemeSummary]
    mean: float | None
    evaluated_count: int


@dataclass
class QuestionLine:
    """One question of a submitted assessment, with the answer and the points."""

    key: str
    text: str
    answer: str | None
    not_applicable: bool
    applicable: bool
    counted: bool
    earned: float | None
    maximum: float | None
    weight: float


@dataclass
class CategoryDetail:
    """A category of a submitted assessment in detail."""

    key: str
    title: str
    score: float | None
    questions: list[QuestionLine]


@dataclass
class ThemePoint:
    """A theme's score at one submission."""

    submitted_at: datetime
    score: float | None
    assessment_id: int


def _theme_order(org: Organisation) -> dict[str, tuple[int, str]]:
    return {
        questionnaire.theme_key: (index, shown_title(questionnaire))
        for index, questionnaire in enumerate(
            territory_questionnaires(org.territory_id, enabled_only=False)
        )
    }


def _latest_by_theme(org: Organisation) -> list[Assessment]:
    """The latest submitted assessment of each theme, in the territory's theme order."""
    latest: dict[str, Assessment] = {}
    for assessment in assessments.submitted_history(org.id):
        latest[assessment.theme_key] = assessment  # history is oldest first
    order = _theme_order(org)
    return sorted(
        latest.values(), key=lambda a: (order.get(a.theme_key, (len(order), ""))[0], a.theme_key)
    )


def _band(defn: ThemeDefinition, key: str | None) -> Band | None:
    return next((band for band in defn.bands if band.key == key), None)


def rescore(assessment: Assessment) -> scoring.ThemeResult:
    """The detail behind a frozen score: its version, its answers, its profile snapshot."""
    return scoring.score_theme(
        assessments.definition_for(assessment),
        assessments.answers_of(assessment),
        assessments.profile_from_snapshot(assessment.profile_snapshot),
    )


def theme_summary(org: Organisation, assessment: Assessment, locale: str = "fr") -> ThemeSummary:
    """A submitted assessment's score, level, coverage, resources and suggestions; texts in
    the locale's language where the definition has them."""
    defn = assessments.localized_definition_for(assessment, locale)
    frozen = assessment.category_scores or {}
    categories = [
        CategoryScore(
            key=category.key,
            title=category.title,
            score=frozen.get(category.key, {}).get("score"),
            counted=frozen.get(category.key, {}).get("counted", 0),
        )
        for category in defn.categories
        if frozen.get(category.key, {}).get("counted", 0) > 0
        or any(row.category_key == category.key for row in assessment.answers)
    ]
    band = _band(defn, assessment.band_key)
    summary = ThemeSummary(
        assessment=assessment,
        theme_key=assessment.theme_key,
        title=defn.title,
        score=assessment.score,
        band=band,
        counted=assessment.counted or 0,
        declared_not_applicable=sum(1 for row in assessment.answers if row.not_applicable),
        categories=categories,
        previous=assessments.previous_submitted(assessment),
    )
    if assessment.score is not None:
        summary.resources = matching_resources(org, assessment.theme_key, assessment.band_key)
        summary.suggestions = scoring.suggestions(defn, rescore(assessment))
    return summary


def overview(org: Organisation, locale: str = "fr") -> Overview:
    """The latest result of each theme taken, with the mean of those that have a score."""
    themes = [theme_summary(org, assessment, locale) for assessment in _latest_by_theme(org)]
    mean, count = scoring.overall_mean(theme.score for theme in themes)
    return Overview(themes=themes, mean=mean, evaluated_count=count)


def assessment_detail(assessment: Assessment, locale: str = "fr") -> list[CategoryDetail]:
    """Every question of a submitted assessment with the answer given and the points."""
    defn = assessments.localized_definition_for(assessment, locale)
    result = rescore(assessment)
    rows = {row.question_key: row for row in assessment.answers}
    frozen = assessment.category_scores or {}
    details = []
    for category in defn.categories:
        lines = []
        for question in category.questions:
            row = rows.get(question.key)
            question_result = result.questions[question.key]
            answer = None
            if row is not None and not row.not_applicable and row.value is not None:
                try:
                    answer = scoring.handler_for(question).label(question, row.value)
                except scoring.AnswerError:
                    answer = None
            lines.append(
                QuestionLine(
                    key=question.key,
                    text=question.text,
                    answer=answer,
                    not_applicable=bool(row and row.not_applicable),
                    applicable=question_result.applicable,
                    counted=bool(row.counted) if row is not None else False,
                    earned=row.earned if row is not None else None,
                    maximum=row.maximum if row is not None else question.maximum,
                    weight=question.weight,
                )
            )
        details.append(
            CategoryDetail(
                key=category.key,
                title=category.title,
                score=frozen.get(category.key, {}).get("score"),
                questions=lines,
            )
        )
    return details


def theme_titles(org: Organisation, locale: str = "fr") -> dict[str, str]:
    """Theme titles by key, in the territory's order and the locale's language."""
    return dict(questionnaires.theme_titles(org.territory_id, locale))


def progress_series(org: Organisation) -> dict[str, list[ThemePoint]]:
    """Each theme's submitted scores over time, in the territory's theme order."""
    order = _theme_order(org)
    series: dict[str, list[ThemePoint]] = {}
    for assessment in assessments.submitted_history(org.id):
        assert assessment.submitted_at is not None  # noqa: S101 - submitted implies a date
        series.setdefault(assessment.theme_key, []).append(
            ThemePoint(assessment.submitted_at, assessment.score, assessment.id)
        )
    return dict(
        sorted(series.items(), key=lambda item: (order.get(item[0], (len(order), ""))[0], item[0]))
    )
