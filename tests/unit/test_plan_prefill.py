"""Retake pre-fill: the answers completed actions move, over the previous ones (no app)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assett.domain.definitions import ThemeDefinition
from assett.domain.loader import load_directory
from assett.domain.plan_prefill import DoneAction, answers_after_actions
from assett.domain.profile import Profile
from assett.domain.scoring import Answer

ROOT = Path(__file__).resolve().parents[2]
PROFILE = Profile(legal_type="entreprise", naf_section="C", headcount_min=10, has_vehicles=True)


@pytest.fixture(scope="module")
def energie() -> ThemeDefinition:
    return next(d for d in load_directory(ROOT / "questionnaires") if d.key == "energie")


def test_a_completed_action_moves_its_answer_up_and_names_itself(energie: ThemeDefinition) -> None:
    done = [
        DoneAction(
            "Relevés mensuels",
            date(2026, 5, 2),
            [{"question": "suivi_consommations", "to": "mensuel"}],
        )
    ]

    moved = answers_after_actions(energie, {"suivi_consommations": Answer("aucun")}, done, PROFILE)

    assert moved["suivi_consommations"].answer == Answer("mensuel")
    assert moved["suivi_consommations"].action_title == "Relevés mensuels"
    assert moved["suivi_consommations"].completed_on == date(2026, 5, 2)


@pytest.mark.parametrize(
    ("previous", "improves"),
    [
        (Answer("mensuel"), [{"question": "suivi_consommations", "to": "annuel"}]),  # lower
        (Answer(not_applicable=True), [{"question": "suivi_consommations", "to": "mensuel"}]),
        (Answer("aucun"), [{"question": "suivi_consommations"}]),  # an own action: no target
        (Answer("aucun"), [{"question": "inconnue", "to": "x"}]),
    ],
)
def test_nothing_moves_down_nor_without_a_usable_target(
    energie: ThemeDefinition, previous: Answer, improves: list[dict[str, object]]
) -> None:
    done = [DoneAction("Action", date(2026, 5, 2), improves)]

    assert answers_after_actions(energie, {"suivi_consommations": previous}, done, PROFILE) == {}


def test_the_latest_completed_action_names_an_answer_two_actions_moved(
    energie: ThemeDefinition,
) -> None:
    first = DoneAction(
        "Bilan", date(2026, 1, 5), [{"question": "suivi_consommations", "to": "annuel"}]
    )
    second = DoneAction(
        "Relevés", date(2026, 4, 5), [{"question": "suivi_consommations", "to": "mensuel"}]
    )

    moved = answers_after_actions(
        energie, {"suivi_consommations": Answer("aucun")}, [second, first], PROFILE
    )

    assert moved["suivi_consommations"].answer == Answer("mensuel")
    assert moved["suivi_consommations"].action_title == "Relevés"
