"""Answers and scores: each question type parses and scores its own answers."""

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from assett.domain.content_language import LocalText
from assett.domain.definition_fields import SCALE_MAX, SCORE_MAX
from assett.domain.definitions import Band, Category, Option, Question, ThemeDefinition
from assett.domain.profile import Profile
from assett.domain.text import N_, Message

# How an answer is stored (JSON-friendly): an option key (single_choice, yes_no "oui"/"non"),
# a list of option keys (multiple_choice, possibly empty) or an int 0-5 (scale).
AnswerValue = str | list[str] | int

NOT_EVALUATED = "Non évalué"


class AnswerError(ValueError):
    """An answer that does not fit its question; the message is for the actor."""


@dataclass(frozen=True)
class Answer:
    """A stored answer: a value, « Non concerné », or neither (unanswered)."""

    value: object | None = None
    not_applicable: bool = False


class QuestionHandler(Protocol):
    """What a question type knows: how to read, score and describe an answer."""

    def parse(self, question: Question, raw: object) -> AnswerValue:
        """Return the stored value for a non-blank raw answer; raise AnswerError."""
        ...

    def earned(self, question: Question, value: AnswerValue) -> float:
        """Return the points a valid value earns."""
        ...

    def best_choice(self, question: Question, current: AnswerValue | None = None) -> Option:
        """Return the choice to aim for, given the current answer if any."""
        ...

    def label(self, question: Question, value: AnswerValue) -> str:
        """Return the answer as the actor reads it."""
        ...


def _unknown(question: Question, raw: object) -> AnswerError:
    said = N_("Réponse « %(answer)s » inconnue pour la question « %(question)s ».")
    return AnswerError(Message(said, answer=raw, question=question.text))


def _by_points(option: Option) -> float:
    return option.points


class SingleChoice:
    """One option among `question.choices()`: single_choice, and yes_no with oui/non."""

    def parse(self, question: Question, raw: object) -> AnswerValue:
        """Return the chosen option key."""
        return self._option(question, raw).key

    def earned(self, question: Question, value: AnswerValue) -> float:
        """Return the chosen option's points."""
        return self._option(question, value).points

    def best_choice(self, question: Question, current: AnswerValue | None = None) -> Option:
        """Return the option worth the most points (the first one on a tie)."""
        return max(question.choices(), key=_by_points)

    def label(self, question: Question, value: AnswerValue) -> str:
        """Return the chosen option's label."""
        return self._option(question, value).label

    def _option(self, question: Question, key: object) -> Option:
        for option in question.choices():
            if option.key == key:
                return option
        raise _unknown(question, key)


class MultipleChoice:
    """Any subset of the options; ticked points are summed then capped at the maximum."""

    def parse(self, question: Question, raw: object) -> AnswerValue:
        """Return the ticked keys in definition order; a lone string is one ticked key."""
        return self._keys(question, raw)

    def earned(self, question: Question, value: AnswerValue) -> float:
        """Return the capped sum of the ticked options' points."""
        ticked = self._ticked(question, value)
        return min(math.fsum(option.points for option in ticked), question.maximum)

    def best_choice(self, question: Question, current: AnswerValue | None = None) -> Option:
        """Return the best option not ticked yet (the best of all if every one is ticked).

        An exclusive option (« Aucune de ces actions ») is never the one to aim for.
        """
        ticked = self._ticked(question, current) if current is not None else []
        actions = [option for option in question.options if not option.exclusive]
        left = [option for option in actions if option not in ticked]
        return max(left or actions or question.options, key=_by_points)

    def label(self, question: Question, value: AnswerValue) -> str:
        """Return the ticked labels, comma-separated."""
        labels = [option.label for option in self._ticked(question, value)]
        if not labels:
            return Message(N_("Aucune"))
        joined = ", ".join(labels)
        # Every label in one language (content shown in the page's language): so is the list.
        kinds = {(label.lang, label.wanted) for label in labels if isinstance(label, LocalText)}
        if len(kinds) == 1 and all(isinstance(label, LocalText) for label in labels):
            lang, wanted = kinds.pop()
            return LocalText(joined, lang, wanted)
        return joined

    def _keys(self, question: Question, raw: object) -> list[str]:
        ticked = [raw] if isinstance(raw, str) else raw
        if not isinstance(ticked, list) or not all(isinstance(key, str) for key in ticked):
            raise _unknown(question, raw)
        keys = {option.key for option in question.options}
        for key in ticked:
            if key not in keys:
                raise _unknown(question, key)
        chosen = [option for option in question.options if option.key in ticked]
        if len(chosen) > 1:
            for option in chosen:
                if option.exclusive:
                    said = N_(
                        "« %(option)s » ne peut pas être cochée avec d'autres réponses "
                        "à la question « %(question)s »."
                    )
                    raise AnswerError(Message(said, option=option.label, question=question.text))
        return [option.key for option in chosen]

    def _ticked(self, question: Question, value: object) -> list[Option]:
        keys = self._keys(question, value)
        return [option for option in question.options if option.key in keys]


class Scale:
    """A value from 0 to 5 that earns itself."""

    def parse(self, question: Question, raw: object) -> AnswerValue:
        """Return the chosen value as an int; accept "3" from a form."""
        return self._value(question, raw)

    def earned(self, question: Question, value: AnswerValue) -> float:
        """Return the chosen value."""
        return float(self._value(question, value))

    def best_choice(self, question: Question, current: AnswerValue | None = None) -> Option:
        """Return the top of the scale, labelled as the questionnaire words it."""
        top = question.choices()[-1]
        return top.model_copy(update={"label": self.label(question, SCALE_MAX)})

    def label(self, question: Question, value: AnswerValue) -> str:
        """Return the value on its scale, with the end's label if it has one.

        « 3 sur 5 », « 5 sur 5 (La quasi-totalité) »: never a bare « 3 ».
        """
        number = self._value(question, value)
        ends = question.scale_labels
        end = None
        if ends is not None:
            end = ends.min if number == 0 else ends.max if number == SCALE_MAX else None
        if end:
            return Message(N_("%(n)s sur %(max)s (%(end)s)"), n=number, max=SCALE_MAX, end=end)
        return Message(N_("%(n)s sur %(max)s"), n=number, max=SCALE_MAX)

    def _value(self, question: Question, raw: object) -> int:
        if isinstance(raw, str) and re.fullmatch(r"\s*[0-9]\s*", raw):
            raw = int(raw)
        if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= SCALE_MAX:
            said = N_(
                "La réponse à la question « %(question)s » doit être un nombre de 0 à %(max)s."
            )
            raise AnswerError(Message(said, question=question.text, max=SCALE_MAX))
        return raw


QUESTION_TYPES: dict[str, QuestionHandler] = {
    "single_choice": SingleChoice(),
    "multiple_choice": MultipleChoice(),
    "yes_no": SingleChoice(),
    "scale": Scale(),
}


def handler_for(question: Question) -> QuestionHandler:
    """Return the handler of the question's type."""
    return QUESTION_TYPES[question.type]


def parse_answer(question: Question, raw: object, not_applicable: bool) -> Answer:
    """Turn form input (str, list of str or None) into an Answer; raise AnswerError."""
    if not_applicable:
        if not question.allow_not_applicable:
            said = N_("La question « %(question)s » n'accepte pas la réponse « Non concerné ».")
            raise AnswerError(Message(said, question=question.text))
        return Answer(not_applicable=True)
    if isinstance(raw, list) and question.type != "multiple_choice":
        if len(raw) > 1:
            said = N_("Une seule réponse est attendue à la question « %(question)s ».")
            raise AnswerError(Message(said, question=question.text))
        raw = raw[0] if raw else None
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return Answer()
    if isinstance(raw, str):
        raw = raw.strip()
    return Answer(value=handler_for(question).parse(question, raw))


@dataclass(frozen=True)
class QuestionResult:
    """How one question counts; `answered` includes « Non concerné »."""

    key: str
    category_key: str
    weight: float
    applicable: bool
    answered: bool
    not_applicable: bool
    earned: float | None
    maximum: float
    counted: bool
    value: AnswerValue | None = None

    @property
    def weighted_lost(self) -> float:
        """Return the weighted points missed, 0 when the question is not counted."""
        if not self.counted or self.earned is None:
            return 0.0
        return self.weight * (self.maximum - self.earned)


@dataclass(frozen=True)
class CategoryResult:
    """A category's sub-score, same formula as the theme's."""

    key: str
    title: str
    score: float | None
    earned: float
    maximum: float
    counted: int
    not_applicable: int


@dataclass(frozen=True)
class ThemeResult:
    """A theme's score /5 (None: « Non évalué »), its band and the detail behind it."""

    score: float | None
    earned: float
    maximum: float
    counted: int
    not_applicable: int
    unanswered: int
    categories: list[CategoryResult]
    questions: dict[str, QuestionResult]
    band: Band | None


def _usable(question: Question, answer: Answer | None) -> Answer | None:
    """Return the answer as scoring sees it: None if missing or no longer valid."""
    if answer is None:
        return None
    if answer.not_applicable:
        return answer if question.allow_not_applicable else None
    if answer.value is None:
        return None
    try:
        return Answer(value=handler_for(question).parse(question, answer.value))
    except AnswerError:
        return None


def _applies(question: Question, profile: Profile) -> bool:
    return question.applies_if is None or question.applies_if.holds(profile)


def _question_result(
    category: Category, question: Question, answer: Answer | None, profile: Profile
) -> QuestionResult:
    applicable = _applies(question, profile)
    usable = _usable(question, answer) if applicable else None
    not_applicable = usable is not None and usable.not_applicable
    counted = usable is not None and not not_applicable
    value: AnswerValue | None = None
    earned: float | None = None
    if usable is not None and counted:
        value = handler_for(question).parse(question, usable.value)
        earned = handler_for(question).earned(question, value)
    return QuestionResult(
        key=question.key,
        category_key=category.key,
        weight=question.weight,
        applicable=applicable,
        answered=usable is not None,
        not_applicable=not_applicable,
        earned=earned,
        maximum=question.maximum,
        counted=counted,
        value=value,
    )


def _totals(results: Iterable[QuestionResult]) -> tuple[float, float, float | None]:
    """Return (weighted earned, weighted maximum, score /5) over the counted results."""
    counted = [result for result in results if result.counted]
    earned = math.fsum(r.weight * (r.earned or 0.0) for r in counted)
    maximum = math.fsum(r.weight * r.maximum for r in counted)
    score = SCORE_MAX * earned / maximum if maximum > 0 else None
    return earned, maximum, score


def _excluded(result: QuestionResult) -> bool:
    return result.not_applicable or not result.applicable


def score_theme(
    defn: ThemeDefinition, answers: Mapping[str, Answer], profile: Profile
) -> ThemeResult:
    """Score a theme: 5 × Σ(weight × earned) / Σ(weight × maximum) over counted questions."""
    questions = {
        question.key: _question_result(category, question, answers.get(question.key), profile)
        for category, question in defn.iter_questions()
    }
    categories = []
    for category in defn.categories:
        results = [questions[question.key] for question in category.questions]
        earned, maximum, score = _totals(results)
        categories.append(
            CategoryResult(
                key=category.key,
                title=category.title,
                score=score,
                earned=earned,
                maximum=maximum,
                counted=sum(result.counted for result in results),
                not_applicable=sum(_excluded(result) for result in results),
            )
        )
    earned, maximum, score = _totals(questions.values())
    return ThemeResult(
        score=score,
        earned=earned,
        maximum=maximum,
        counted=sum(result.counted for result in questions.values()),
        not_applicable=sum(_excluded(result) for result in questions.values()),
        unanswered=sum(r.applicable and not r.answered for r in questions.values()),
        categories=categories,
        questions=questions,
        band=defn.band_for(score),
    )


def applicable_questions(
    defn: ThemeDefinition, profile: Profile
) -> list[tuple[Category, Question]]:
    """Return the questions whose `applies_if` holds for this profile."""
    return [(c, q) for c, q in defn.iter_questions() if _applies(q, profile)]


def missing_required(
    defn: ThemeDefinition, answers: Mapping[str, Answer], profile: Profile
) -> list[tuple[Category, Question]]:
    """Return the applicable required questions with neither a value nor « Non concerné »."""
    return [
        (category, question)
        for category, question in applicable_questions(defn, profile)
        if question.required and _usable(question, answers.get(question.key)) is None
    ]


@dataclass(frozen=True)
class Suggestion:
    """A question where the actor lost points, and the answer to aim for."""

    question_key: str
    question_text: str
    category_key: str
    weighted_lost: float
    current_label: str | None
    best_label: str


def suggestions(defn: ThemeDefinition, result: ThemeResult, limit: int = 3) -> list[Suggestion]:
    """Return the questions that cost the most points, most costly first."""
    found: list[Suggestion] = []
    for category, question in defn.iter_questions():
        question_result = result.questions.get(question.key)
        if question_result is None or question_result.weighted_lost <= 0:
            continue
        handler = handler_for(question)
        value = question_result.value
        found.append(
            Suggestion(
                question_key=question.key,
                question_text=question.text,
                category_key=category.key,
                weighted_lost=question_result.weighted_lost,
                current_label=handler.label(question, value) if value is not None else None,
                best_label=handler.best_choice(question, value).label,
            )
        )
    found.sort(key=lambda suggestion: -suggestion.weighted_lost)  # stable: ties keep order
    return found[:limit]


def overall_mean(scores: Iterable[float | None]) -> tuple[float | None, int]:
    """Return the mean of the scores that exist, and how many there are."""
    present = [score for score in scores if score is not None]
    if not present:
        return None, 0
    return math.fsum(present) / len(present), len(present)


def format_score(value: float | None) -> str:
    """Render a score with one decimal and a French comma (2.45 -> "2,5"), or « Non évalué »."""
    if value is None:
        return NOT_EVALUATED
    rounded = Decimal(repr(float(value))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return str(rounded).replace(".", ",")
