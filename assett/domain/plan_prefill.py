"""Retaking a theme: the answers the plan's completed actions moved, on top of the previous ones.

An action marked « réalisée » since the theme's last submitted assessment lists the answers it
moves (`improves`: [{"question": key, "to": value}]). Retaking the theme starts from the
previous answers; each such improvement then moves its answer to the target when the target
earns more (never lower), in the order the actions were completed (a multiple choice gathers
the options of every action). A question that does not apply to the organisation, or that it
answered « Non concerné », is left alone; an improvement with no target (an own action linked
to a question only) or that the question does not accept moves nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import cast

from pydantic import ValidationError

from .action_ranking import _improved_value
from .actions import Improvement
from .definitions import ThemeDefinition
from .profile import Profile
from .scoring import Answer, AnswerValue, applicable_questions


@dataclass(frozen=True)
class DoneAction:
    """A plan action marked « réalisée », with the answers it moves."""

    title: str
    completed_on: date
    improves: Sequence[Mapping[str, object]]


@dataclass(frozen=True)
class PrefilledAnswer:
    """An answer pre-selected from a completed action, and the action it comes from."""

    answer: Answer
    action_title: str
    completed_on: date


def _improvement(entry: Mapping[str, object]) -> Improvement | None:
    try:
        return Improvement.model_validate(dict(entry))
    except ValidationError:
        return None


def answers_after_actions(
    definition: ThemeDefinition,
    previous: Mapping[str, Answer],
    done: Sequence[DoneAction],
    profile: Profile,
) -> dict[str, PrefilledAnswer]:
    """The answers the completed actions move, by question key (the others stay as they were)."""
    questions = {
        question.key: question for _c, question in applicable_questions(definition, profile)
    }
    current = dict(previous)
    moved: dict[str, PrefilledAnswer] = {}
    for action in sorted(done, key=lambda item: item.completed_on):
        for entry in action.improves:
            improvement = _improvement(entry)
            if improvement is None:
                continue
            question = questions.get(improvement.question)
            if question is None:
                continue
            before = current.get(question.key)
            if before is not None and before.not_applicable:
                continue
            was = cast(AnswerValue | None, before.value if before is not None else None)
            value = _improved_value(question, improvement, was)
            if value is None:
                continue
            answer = Answer(value=value)
            current[question.key] = answer
            moved[question.key] = PrefilledAnswer(answer, action.title, action.completed_on)
    return moved
