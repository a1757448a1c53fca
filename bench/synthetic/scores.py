"""Questionnaires as the generator sees them, and their scores computed fast.

Each answer's points come from the domain's own question handlers; the totals are summed as
`domain.scoring.score_theme` sums them (`math.fsum` over the counted questions), which
tests/test_synthetic.py checks assessment by assessment against `score_theme` itself.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from assett.domain import scoring
from assett.domain.definition_fields import SCORE_MAX
from assett.domain.definitions import Question, ThemeDefinition
from assett.domain.profile import Profile
from assett.services.assessments import pages_of
from assett.services.questionnaires import (
    definition_of,
    published_version,
    territory_questionnaires,
)


@dataclass(frozen=True)
class Item:
    """A question, with every answer it can get as (share of its maximum, value, points)."""

    key: str
    category: str
    weight: float
    maximum: float
    required: bool
    allow_not_applicable: bool
    difficulty: float
    choices: list[tuple[float, Any, float]]


@dataclass(frozen=True)
class Plan:
    """A theme as one profile sees it: its questions, last page, questions left out by category."""

    items: list[Item]
    last_page: int
    excluded: dict[str, int]


@dataclass
class Theme:
    """A published questionnaire of the territory."""

    questionnaire_id: int
    version_id: int
    key: str
    definition: ThemeDefinition
    items: dict[str, Item]
    plans: dict[Profile, Plan] = field(default_factory=dict)

    def plan(self, profile: Profile) -> Plan:
        """The profile's plan (cached: organisations share few distinct profiles)."""
        if profile not in self.plans:
            keys = {q.key for _, q in scoring.applicable_questions(self.definition, profile)}
            excluded = {
                c.key: sum(q.key not in keys for q in c.questions)
                for c in self.definition.categories
            }
            self.plans[profile] = Plan(
                [item for key, item in self.items.items() if key in keys],
                len(pages_of(self.definition, profile)) - 1,
                excluded,
            )
        return self.plans[profile]


def _choices(question: Question) -> list[tuple[float, Any, float]]:
    if question.type == "scale":
        values: list[Any] = list(range(6))
    elif question.type == "multiple_choice":
        # An exclusive option (« Aucune de ces actions ») is only ever ticked alone.
        alone = [[option.key] for option in question.options if option.exclusive]
        keys = [option.key for option in question.options if not option.exclusive]
        values = alone + [list(s) for size in (1, 2, 3) for s in combinations(keys, size)]
    else:
        values = [option.key for option in question.choices()]
    handler = scoring.handler_for(question)
    points = [handler.earned(question, handler.parse(question, value)) for value in values]
    found = [(p / question.maximum, v, p) for v, p in zip(values, points, strict=True)]
    return sorted(found, key=lambda choice: choice[0])


def themes_of(territory_id: int, rng: random.Random) -> list[Theme]:
    """The territory's published questionnaires, each question given a random difficulty."""
    themes = []
    for questionnaire in territory_questionnaires(territory_id):
        version = published_version(questionnaire)
        if version is None:
            continue
        definition = definition_of(version)
        items = {
            q.key: Item(
                q.key, c.key, q.weight, q.maximum, q.required, q.allow_not_applicable,
                rng.uniform(-0.2, 0.15), _choices(q),
            )
            for c, q in definition.iter_questions()
        }  # fmt: skip
        themes.append(
            Theme(questionnaire.id, version.id, questionnaire.theme_key, definition, items)
        )
    return themes


def _totals(earned: list[float], maximum: list[float]) -> tuple[float, float, float | None]:
    total_earned, total_maximum = math.fsum(earned), math.fsum(maximum)
    score = SCORE_MAX * total_earned / total_maximum if total_maximum > 0 else None
    return total_earned, total_maximum, score


def score(
    theme: Theme, plan: Plan, answers: list[tuple[Item, Any, float | None]]
) -> dict[str, Any]:
    """The assessment's frozen figures from (question, value, points; None: « Non concerné »)."""
    earned: dict[str, list[float]] = {key: [] for key in plan.excluded}
    maximum: dict[str, list[float]] = {key: [] for key in plan.excluded}
    excluded = dict(plan.excluded)
    for item, _value, points in answers:
        if points is None:
            excluded[item.category] += 1
        else:
            earned[item.category].append(item.weight * points)
            maximum[item.category].append(item.weight * item.maximum)
    categories = {}
    for key in plan.excluded:
        c_earned, c_maximum, c_score = _totals(earned[key], maximum[key])
        categories[key] = {
            "score": c_score, "earned": c_earned, "maximum": c_maximum, "counted": len(earned[key]),
        }  # fmt: skip
    total_earned, total_maximum, total = _totals(
        [v for values in earned.values() for v in values],
        [v for values in maximum.values() for v in values],
    )
    band = theme.definition.band_for(total)
    return {
        "score": total,
        "band_key": band.key if band else None,
        "band_label": band.label if band else None,
        "earned": total_earned,
        "maximum": total_maximum,
        "counted": sum(len(values) for values in earned.values()),
        "not_applicable": sum(excluded.values()),
        "category_scores": categories,
        "current_category": plan.last_page,
    }
