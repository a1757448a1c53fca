"""Targets per theme (« 3,0/5 d'ici juin 2027 ») and what the plan's open actions would bring.

The plan's open actions of a theme are applied together to its latest assessment (each moves
its answers, never lowering one; two actions on one question keep the better value), and the
theme is scored again: the gain is measured against the gap between the target and the score.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from assett.domain.action_ranking import EPSILON, LatestAssessment, _improved_value
from assett.domain.actions import Improvement
from assett.domain.profile import Profile
from assett.domain.scoring import Answer, score_theme
from assett.domain.text import N_, Message

SCORE_MIN = 0.0
SCORE_MAX = 5.0
_SCORE = re.compile(r"^\s*(\d)(?:[.,](\d))?\s*$")


class TargetError(ValueError):
    """A target refused; `field` names the form field, the message is for the actor."""

    def __init__(self, message: Message, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def parse_target_score(text: str) -> float:
    """« 3,5 », « 3.5 » or « 4 » → a score from 0 to 5 with one decimal at most."""
    raw = (text or "").strip()
    if not raw:
        raise TargetError(
            Message(N_("Indiquez le score visé, de 0 à 5 (par exemple 3,5).")), "score"
        )
    match = _SCORE.match(raw)
    if match is None:
        raise TargetError(
            Message(
                N_(
                    "Le score visé est un nombre de 0 à 5 avec une décimale au plus "
                    "(par exemple 3,5)."
                )
            ),
            "score",
        )
    value = int(match.group(1)) + int(match.group(2) or 0) / 10
    if not SCORE_MIN <= value <= SCORE_MAX:
        raise TargetError(Message(N_("Le score visé est compris entre 0 et 5.")), "score")
    return value


def check_target_date(target_on: date | None, today: date) -> date:
    """The date the target aims at: required, and after today."""
    if target_on is None:
        raise TargetError(Message(N_("Indiquez la date visée (jj/mm/aaaa).")), "target_on")
    if target_on <= today:
        raise TargetError(Message(N_("La date visée doit être dans le futur.")), "target_on")
    return target_on


@dataclass(frozen=True)
class TargetGap:
    """Where a theme stands against its target, and what the plan's open actions bring."""

    theme_key: str
    target: float
    target_on: date
    score: float | None
    plan_gain: float
    open_actions: int

    @property
    def gap(self) -> float | None:
        """Points still to gain (0 once reached); None when the theme has no score."""
        if self.score is None:
            return None
        return max(0.0, self.target - self.score)

    @property
    def covered(self) -> bool:
        """Whether the open actions, once done, would reach the target."""
        return self.gap is not None and self.plan_gain + EPSILON >= self.gap


def plan_gain(
    latest: LatestAssessment, improvements: Sequence[Improvement], profile: Profile
) -> float:
    """The theme's score gain if every improvement were done, re-scored together."""
    before = score_theme(latest.definition, latest.answers, profile)
    if before.score is None:
        return 0.0
    questions = {q.key: q for _category, q in latest.definition.iter_questions()}
    answers: dict[str, Answer] = dict(latest.answers)
    for improvement in improvements:
        question = questions.get(improvement.question)
        current = before.questions.get(improvement.question)
        if question is None or current is None or not current.applicable:
            continue
        if current.not_applicable:
            continue
        now = answers.get(question.key)
        value = _improved_value(question, improvement, now.value if now else None)  # type: ignore[arg-type]
        if value is not None:
            answers[question.key] = Answer(value=value)
    after = score_theme(latest.definition, answers, profile)
    if after.score is None:
        return 0.0
    return max(0.0, after.score - before.score)


def target_gaps(
    targets: Mapping[str, tuple[float, date]],
    latest: Mapping[str, LatestAssessment],
    open_improvements: Mapping[str, Sequence[Sequence[Improvement]]],
    profile: Profile,
) -> list[TargetGap]:
    """Each target against its theme's latest score and the plan's open actions on the theme."""
    gaps = []
    for theme_key, (target, target_on) in targets.items():
        assessment = latest.get(theme_key)
        actions = open_improvements.get(theme_key, ())
        score = None
        gain = 0.0
        if assessment is not None:
            score = score_theme(assessment.definition, assessment.answers, profile).score
            flat = [improvement for action in actions for improvement in action]
            gain = plan_gain(assessment, flat, profile)
        gaps.append(TargetGap(theme_key, target, target_on, score, gain, len(actions)))
    return gaps
