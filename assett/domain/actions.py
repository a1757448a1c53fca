"""The action catalogue: improvement actions per theme, each tied to the answers it moves.

The format is described in actions/README.md. A catalogue file validates on its own (fields,
sizes, keys); `check_against_theme` then checks it against the theme's definition: every
`improves` entry must name a question of the theme and an answer that question accepts, and
every resource and band must exist.
"""

import re
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from assett.domain.definition_fields import (
    KEY_PATTERN,
    SCALE_MAX,
    Description,
    Key,
    NoneIfEmpty,
    Problems,
    Title,
    _duplicate_keys,
    _Model,
    _reject,
    _shown,
    format_number,
)
from assett.domain.definitions import Conditions, Option, ThemeDefinition
from assett.domain.text import N_, Message

ACTIONS_MAX = 100
IMPROVES_MAX = 10
COST_MAX = 10_000_000
DURATION_MAX_MONTHS = 120

Effort = Literal["faible", "moyen", "important"]
# Suggestions with equal gains come cheapest first.
EFFORT_ORDER: dict[str, int] = {"faible": 0, "moyen": 1, "important": 2}
EFFORT_LABELS: dict[str, str] = {
    "faible": N_("Faible"),
    "moyen": N_("Moyen"),
    "important": N_("Important"),
}

# What an improvement moves the answer to: an option key (single choice, « oui »/« non »), a
# value 0-5 (scale) or the options to tick (multiple choice, added to those already ticked).
Target = int | str | list[str]
_KEY = re.compile(KEY_PATTERN)


class Improvement(_Model):
    """One answer an action moves: `question` to `to`."""

    question: Key
    to: Target

    @field_validator("to", mode="before")
    @classmethod
    def _one_target(cls, value: object) -> object:
        if isinstance(value, int) and not isinstance(value, bool):
            if not 0 <= value <= SCALE_MAX:
                raise ValueError(Message(N_("valeur d'échelle de 0 à %(max)s"), max=SCALE_MAX))
            return value
        keys = value if isinstance(value, list) and value else [value]
        if all(isinstance(key, str) and _KEY.match(key) for key in keys):
            return value
        raise ValueError(
            Message(
                N_(
                    "attendu une clé d'option, une liste de clés d'options à cocher ou une "
                    "valeur d'échelle de 0 à %(max)s"
                ),
                max=SCALE_MAX,
            )
        )


class Range(_Model):
    """An indicative range, min ≤ max."""

    min: Annotated[float, Field(ge=0)]
    max: Annotated[float, Field(ge=0)]

    @model_validator(mode="after")
    def _ordered(self) -> "Range":
        if self.min > self.max:
            raise ValueError(
                Message(
                    N_("max (%(max)s) doit être supérieur ou égal à min (%(min)s)"),
                    max=format_number(self.max),
                    min=format_number(self.min),
                )
            )
        return self


class ActionEn(_Model):
    """The English texts of an action (each optional: French is shown instead)."""

    title: Title | None = None
    description: Description | None = None


class ActionDef(_Model):
    """An improvement action an organisation can add to its plan."""

    key: Key
    title: Title
    description: Description
    improves: Annotated[list[Improvement], Field(min_length=1, max_length=IMPROVES_MAX)]
    effort: Effort
    cost_eur: Range
    duration_months: Range
    resources: list[Key] = Field(default_factory=list)
    bands: list[Key] = Field(default_factory=list)
    applies_if: Conditions | None = None
    example: bool = True
    en: Annotated[ActionEn | None, NoneIfEmpty] = None

    @field_validator("cost_eur")
    @classmethod
    def _cost_bound(cls, value: Range) -> Range:
        if value.max > COST_MAX:
            cost = format_number(COST_MAX)
            raise ValueError(Message(N_("coût indicatif de %(cost)s € au plus"), cost=cost))
        return value

    @field_validator("duration_months")
    @classmethod
    def _duration_bound(cls, value: Range) -> Range:
        if value.max > DURATION_MAX_MONTHS:
            months = DURATION_MAX_MONTHS
            raise ValueError(Message(N_("durée de %(months)s mois au plus"), months=months))
        return value

    @model_validator(mode="after")
    def _distinct_questions(self) -> "ActionDef":
        problems: Problems = []
        seen: set[str] = set()
        for index, improvement in enumerate(self.improves):
            if improvement.question in seen:
                message = Message(
                    N_("question « %(key)s » déjà améliorée par cette action"),
                    key=improvement.question,
                )
                problems.append((("improves", index, "question"), message))
            seen.add(improvement.question)
        _reject(problems)
        return self


class ActionCatalogue(_Model):
    """The actions of one theme."""

    theme: Key
    actions: Annotated[list[ActionDef], Field(min_length=1, max_length=ACTIONS_MAX)]

    @field_validator("actions")
    @classmethod
    def _unique_keys(cls, actions: list[ActionDef]) -> list[ActionDef]:
        _reject(_duplicate_keys([action.key for action in actions], (), Message(N_("action"))))
        return actions


def check_against_theme(catalogue: ActionCatalogue, theme: ThemeDefinition) -> Problems:
    """What in the catalogue does not fit the theme: questions, answers, resources, bands."""
    questions = {question.key: question for _category, question in theme.iter_questions()}
    resources = {resource.key for resource in theme.resources}
    bands = {band.key for band in theme.bands}
    problems: Problems = []
    for index, action in enumerate(catalogue.actions):
        at = ("actions", index)
        for position, improvement in enumerate(action.improves):
            question = questions.get(improvement.question)
            where = (*at, "improves", position)
            if question is None:
                message = Message(
                    N_("question « %(key)s » inconnue dans le thème « %(theme)s »"),
                    key=_shown(improvement.question),
                    theme=theme.key,
                )
                problems.append(((*where, "question"), message))
                continue
            problem = _target_problem(question.type, question.choices(), improvement.to)
            if problem:
                problems.append(((*where, "to"), problem))
        for position, key in enumerate(action.resources):
            if key not in resources:
                message = Message(
                    N_("ressource « %(key)s » inconnue dans le thème « %(theme)s »"),
                    key=_shown(key),
                    theme=theme.key,
                )
                problems.append(((*at, "resources", position), message))
        for position, key in enumerate(action.bands):
            if key not in bands:
                allowed = ", ".join(sorted(bands))
                message = Message(
                    N_("niveau « %(key)s » inconnu (niveaux du thème : %(allowed)s)"),
                    key=_shown(key),
                    allowed=allowed,
                )
                problems.append(((*at, "bands", position), message))
    return problems


def _target_problem(kind: str, choices: list[Option], target: Target) -> Message | None:
    keys = [choice.key for choice in choices]
    if kind == "scale":
        if isinstance(target, int):
            return None
        return Message(
            N_("la question est une échelle : attendu un nombre de 0 à %(max)s"), max=SCALE_MAX
        )
    if kind == "multiple_choice":
        if not isinstance(target, list):
            return Message(
                N_("la question est à choix multiples : attendu la liste des options à cocher")
            )
        unknown = [key for key in target if key not in keys]
        if unknown:
            return _unknown_options(unknown, keys)
        exclusive = [choice.key for choice in choices if choice.exclusive and choice.key in target]
        if exclusive:
            return Message(
                N_("l'option « %(key)s » (« aucune ») ne peut pas être une amélioration"),
                key=exclusive[0],
            )
        return None
    if not isinstance(target, str):
        return Message(
            N_("attendu la clé d'une option de la question (« oui » ou « non » pour yes_no)")
        )
    if target not in keys:
        return _unknown_options([target], keys)
    return None


def _unknown_options(unknown: list[str], keys: list[str]) -> Message:
    listed = ", ".join(keys)
    names = Message(N_("« %(text)s »"), text=_shown(unknown[0]))
    for key in unknown[1:]:
        quoted = Message(N_("« %(text)s »"), text=_shown(key))
        names = Message(N_("%(first)s, %(next)s"), first=names, next=quoted)
    return Message(
        N_("option %(names)s inconnue (options de la question : %(listed)s)"),
        names=names,
        listed=listed,
    )
