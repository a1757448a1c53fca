"""Retours d'expérience: what a case must say, and the review's steps."""

from __future__ import annotations

import pytest

from assett.domain.experience import case_problems, decision_status, search_words

FULL = {
    "title": "Relamping LED",
    "context": "Un atelier éclairé au néon.",
    "actions_done": "Remplacement de 120 tubes.",
    "results": "-35 % d'électricité sur l'éclairage",
}


def test_a_draft_needs_only_a_title() -> None:
    assert case_problems({"title": "Relamping"}, submitting=False) == {}
    assert "title" in case_problems({"title": " "}, submitting=False)


def test_a_submitted_case_needs_its_three_texts() -> None:
    problems = case_problems({"title": "Relamping"}, submitting=True)

    assert set(problems) == {"context", "actions_done", "results"}


def test_results_without_a_figure_are_refused_at_submission() -> None:
    problems = case_problems({**FULL, "results": "Beaucoup mieux"}, submitting=True)

    assert problems == {"results": "Chiffrez les résultats (par exemple « -15 % d'électricité »)."}


def test_an_over_long_text_names_its_field() -> None:
    problems = case_problems({**FULL, "cost": "9" * 201}, submitting=False)

    assert problems == {"cost": "« Coût » ne doit pas dépasser 200 caractères."}


@pytest.mark.parametrize(
    ("status", "decision", "expected"),
    [
        ("soumis", "publier", "publie"),
        ("soumis", "demander_modifications", "a_revoir"),
        ("soumis", "refuser", "refuse"),
        ("soumis", "autre", None),
        ("brouillon", "publier", None),
        ("publie", "refuser", None),
    ],
)
def test_only_a_submitted_case_takes_a_decision(
    status: str, decision: str, expected: str | None
) -> None:
    assert decision_status(status, decision) == expected


def test_search_words_drop_control_characters_and_are_bounded() -> None:
    assert search_words("LED\x00 Éclairage") == ["led", "éclairage"]
    assert len(search_words(" ".join(["mot"] * 20))) == 8
