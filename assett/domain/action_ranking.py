"""« Actions suggérées »: catalogue actions ranked by what they would bring to the latest scores.

Each action is applied to the latest assessment of its theme (the answers it improves are
moved, never lowered), the theme is scored again, and the gain is measured on the theme and
on « Votre moyenne » (the mean of the latest theme scores). Actions that move no answer,
whose answers are already at their best, or whose `applies_if` or bands do not fit the
organisation are left out. Ranking: gain on the mean, then effort (cheapest first), then gain
on the theme, then the catalogue's order.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from assett.domain.actions import EFFORT_ORDER, ActionCatalogue, ActionDef, Improvement, Target
from assett.domain.definitions import Question, ThemeDefinition
from assett.domain.profile import Profile
from assett.domain.scoring import (
    Answer,
    AnswerValue,
    ThemeResult,
    handler_for,
    overall_mean,
    score_theme,
)

# Gains closer than this are equal (float noise must not order two equivalent actions).
EPSILON = 1e-9


@dataclass(frozen=True)
class LatestAssessment:
    """A theme's latest submitted answers, with the definition they were given against."""

    definition: ThemeDefinition
    answers: Mapping[str, Answer]


@dataclass(frozen=True)
class ActionSuggestion:
    """An action and what it would bring: the theme's score and the mean, before and after."""

    theme_key: str
    action: ActionDef
    moved: tuple[str, ...]
    score_before: float
    score_after: float
    mean_before: float
    mean_after: float

    @property
    def theme_gain(self) -> float:
        return self.score_after - self.score_before

    @property
    def mean_gain(self) -> float:
        return self.mean_after - self.mean_before


def rank_actions(
    catalogues: Mapping[str, ActionCatalogue],
    latest: Mapping[str, LatestAssessment],
    profile: Profile,
    limit: int | None = None,
) -> list[ActionSuggestion]:
    """Suggest the catalogue actions of the assessed themes, best gain first."""
    results = {
        theme_key: score_theme(assessment.definition, assessment.answers, profile)
        for theme_key, assessment in latest.items()
    }
    scores = {theme_key: result.score for theme_key, result in results.items()}
    mean_before, _count = overall_mean(scores.values())
    ranked: list[tuple[tuple[float, int, float, int, int], ActionSuggestion]] = []
    for theme_position, (theme_key, assessment) in enumerate(latest.items()):
        catalogue = catalogues.get(theme_key)
        before = results[theme_key]
        if catalogue is None or before.score is None or mean_before is None:
            continue
        for position, action in enumerate(catalogue.actions):
            suggestion = _evaluate(theme_key, action, assessment, before, profile, scores)
            if suggestion is None or suggestion.theme_gain <= EPSILON:
                continue
            order = (
                -round(suggestion.mean_gain / EPSILON) * EPSILON,
                EFFORT_ORDER[action.effort],
                -round(suggestion.theme_gain / EPSILON) * EPSILON,
                theme_position,
                position,
            )
            ranked.append((order, suggestion))
    ranked.sort(key=lambda item: item[0])
    suggestions = [suggestion for _order, suggestion in ranked]
    return suggestions if limit is None else suggestions[:limit]


def _evaluate(
    theme_key: str,
    action: ActionDef,
    assessment: LatestAssessment,
    before: ThemeResult,
    profile: Profile,
    scores: Mapping[str, float | None],
) -> ActionSuggestion | None:
    if action.applies_if is not None and not action.applies_if.holds(profile):
        return None
    if action.bands and before.band is not None and before.band.key not in action.bands:
        return None
    moved = moved_answers(assessment.definition, assessment.answers, action, before)
    if not moved:
        return None
    answers = {**assessment.answers, **moved}
    after = score_theme(assessment.definition, answers, profile)
    if after.score is None or before.score is None:
        return None
    mean_before, _ = overall_mean(scores.values())
    mean_after, _ = overall_mean({**scores, theme_key: after.score}.values())
    if mean_before is None or mean_after is None:  # never: this theme's score counts
        return None
    return ActionSuggestion(
        theme_key=theme_key,
        action=action,
        moved=tuple(moved),
        score_before=before.score,
        score_after=after.score,
        mean_before=mean_before,
        mean_after=mean_after,
    )


def moved_answers(
    definition: ThemeDefinition,
    answers: Mapping[str, Answer],
    action: ActionDef,
    result: ThemeResult,
) -> dict[str, Answer]:
    """The answers the action improves, as they would be once it is done (never lower).

    A question that does not apply to the organisation, or that it answered « Non
    concerné », is left alone.
    """
    questions = {question.key: question for _category, question in definition.iter_questions()}
    moved: dict[str, Answer] = {}
    for improvement in action.improves:
        question = questions.get(improvement.question)
        current = result.questions.get(improvement.question)
        if question is None or current is None or not current.applicable:
            continue
        if current.not_applicable:
            continue
        value = _improved_value(question, improvement, current.value)
        if value is not None:
            moved[question.key] = Answer(value=value)
    return moved


def _improved_value(
    question: Question, improvement: Improvement, current: AnswerValue | None
) -> AnswerValue | None:
    """The value the improvement leads to, if it earns more than the current one."""
    handler = handler_for(question)
    target: Target = improvement.to
    if question.type == "multiple_choice":
        ticked = list(current) if isinstance(current, list) else []
        exclusive = {option.key for option in question.options if option.exclusive}
        wanted = list(target) if isinstance(target, list) else [str(target)]
        value: AnswerValue = [key for key in ticked if key not in exclusive] + [
            key for key in wanted if key not in ticked
        ]
    elif question.type == "scale":
        value = int(target) if isinstance(target, int) else 0
    else:
        value = str(target)
    earned_after = handler.earned(question, value)
    earned_before = handler.earned(question, current) if current is not None else None
    if earned_before is not None and earned_after <= earned_before + EPSILON:
        return None
    return value
