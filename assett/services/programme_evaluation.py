"""The collectivity's yearly self-evaluation of its programme, scored like the actors' themes.

The questionnaire ships with the platform (assett/data/programme-self-evaluation.yaml, the
format of questionnaires/*.yaml) and is kept apart from the actors' themes. One evaluation per
territory and year: answering again in the same year replaces that year's answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select

from ..content_text import error_text
from ..domain.definitions import ThemeDefinition
from ..domain.loader import load_definition_file
from ..domain.profile import Profile
from ..domain.scoring import Answer, AnswerError, ThemeResult, parse_answer, score_theme
from ..extensions import db
from ..models import ProgrammeEvaluation, Territory, User
from ..models._base import utcnow
from .errors import ServiceError
from .unit_of_work import transaction

QUESTIONNAIRE_FILE = (
    Path(__file__).resolve().parent.parent / "data" / "programme-self-evaluation.yaml"
)


@lru_cache(maxsize=1)
def definition() -> ThemeDefinition:
    """The shipped self-evaluation questionnaire."""
    return load_definition_file(QUESTIONNAIRE_FILE)


class EvaluationErrors(ServiceError):
    """Every answer refused, each with its question key."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems[0][1], problems[0][0])
        self.problems = problems


def _answers(stored: Mapping[str, object]) -> dict[str, Answer]:
    return {key: Answer(value=value) for key, value in stored.items()}


def result_of(evaluation: ProgrammeEvaluation) -> ThemeResult:
    """The evaluation's detail (categories' sub-scores), computed again from its answers."""
    return score_theme(definition(), _answers(evaluation.answers), Profile())


def parse_answers(raw: Mapping[str, object]) -> dict[str, object]:
    """The answers posted, checked against the questionnaire; every refusal listed at once."""
    values: dict[str, object] = {}
    problems: list[tuple[str, str]] = []
    for _category, question in definition().iter_questions():
        try:
            answer = parse_answer(question, raw.get(question.key), not_applicable=False)
        except AnswerError as error:
            problems.append((question.key, error_text(error)))
            continue
        if answer.value is None:
            problems.append(
                (question.key, _("Répondez à la question « %(text)s ».", text=question.text))
            )
            continue
        values[question.key] = answer.value
    if problems:
        raise EvaluationErrors(problems)
    return values


def save_evaluation(
    territory: Territory, user: User, year: int, raw: Mapping[str, object]
) -> ProgrammeEvaluation:
    """Record the year's self-evaluation (replacing that year's if any); all answers needed."""
    answers = parse_answers(raw)
    result = score_theme(definition(), _answers(answers), Profile())
    with transaction() as session:
        session.execute(select(Territory.id).where(Territory.id == territory.id).with_for_update())
        evaluation = evaluation_for(territory, year)
        if evaluation is None:
            evaluation = ProgrammeEvaluation(territory_id=territory.id, year=year)
            session.add(evaluation)
        evaluation.answers = answers
        evaluation.score = result.score
        evaluation.band_key = result.band.key if result.band else None
        evaluation.submitted_by_id = user.id
        evaluation.submitted_at = utcnow()
    return evaluation


def evaluation_for(territory: Territory, year: int) -> ProgrammeEvaluation | None:
    """The territory's self-evaluation of that year."""
    return db.session.scalar(
        select(ProgrammeEvaluation).where(
            ProgrammeEvaluation.territory_id == territory.id, ProgrammeEvaluation.year == year
        )
    )


def history(territory: Territory) -> list[ProgrammeEvaluation]:
    """The territory's self-evaluations, most recent year first."""
    return list(
        db.session.scalars(
            select(ProgrammeEvaluation)
            .where(ProgrammeEvaluation.territory_id == territory.id)
            .order_by(ProgrammeEvaluation.year.desc())
        )
    )


@dataclass(frozen=True)
class LatestEvaluations:
    """A territory's latest self-evaluation and the one before, for the national view."""

    latest: ProgrammeEvaluation
    previous: ProgrammeEvaluation | None

    @property
    def change(self) -> float | None:
        """The score's change since the previous evaluation."""
        if self.previous is None or self.latest.score is None or self.previous.score is None:
            return None
        return self.latest.score - self.previous.score


def latest_by_territory() -> dict[int, LatestEvaluations]:
    """Each territory's two latest self-evaluations, in one query."""
    found: dict[int, list[ProgrammeEvaluation]] = {}
    for evaluation in db.session.scalars(
        select(ProgrammeEvaluation).order_by(
            ProgrammeEvaluation.territory_id, ProgrammeEvaluation.year.desc()
        )
    ):
        found.setdefault(evaluation.territory_id, []).append(evaluation)
    return {
        territory_id: LatestEvaluations(rows[0], rows[1] if len(rows) > 1 else None)
        for territory_id, rows in found.items()
    }


def band_label(key: str | None) -> str | None:
    """The band's label for its key."""
    return next((band.label for band in definition().bands if band.key == key), None)
