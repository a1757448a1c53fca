"""The roadmap's pure logic: shipped templates, planned dates, progress, moves."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assett.domain import roadmap
from assett.domain.loader import load_definition_file
from assett.domain.profile import Profile
from assett.domain.scoring import Answer, score_theme

DATA = Path(__file__).resolve().parents[2] / "assett" / "data"


def test_the_shipped_templates_are_the_seeds_programmes() -> None:
    templates = {t.key: t for t in roadmap.load_templates(DATA / "roadmap-templates.yaml")}

    assert [len(templates[key].steps) for key in ("assett", "concerto", "eit_phase1")] == [6, 11, 8]
    assert templates["concerto"].steps[0].title == "Acculturer à la concertation"
    assert templates["concerto"].steps[-1].title == (
        "Présenter les conclusions et évaluer la concertation"
    )
    assert templates["assett"].steps[4].title == "Mise en ligne de l'outil"
    assert "pionniers" in templates["assett"].steps[4].description
    eit = [step.title for step in templates["eit_phase1"].steps]
    assert "Réaliser un état des lieux" in eit
    assert "Mobiliser les acteurs" in eit


def test_the_concerto_cycle_lasts_twelve_to_eighteen_months() -> None:
    concerto = next(
        t for t in roadmap.load_templates(DATA / "roadmap-templates.yaml") if t.key == "concerto"
    )

    steps = roadmap.plan_steps(concerto, date(2026, 1, 31))

    assert steps[1].planned_start == date(2026, 2, 28)  # a shorter month ends on its last day
    assert date(2027, 1, 1) <= steps[-1].planned_end <= date(2027, 7, 31)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("templates: [{key: a}]", "Field required"),
        ("templates: [{key: A!, title: x, duration_months: 1, steps: [{title: x}]}]", "pattern"),
        ("templates:\n - {key: a, title: x, duration_months: 1, steps: []}", "at least 1"),
        ("nothing: 1", "templates"),
        ("templates: [", "expected"),
    ],
)
def test_a_bad_templates_file_is_refused_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(roadmap.TemplateError, match=reason):
        roadmap.parse_templates(text)


def test_two_templates_of_one_key_are_refused() -> None:
    one = "{key: a, title: x, duration_months: 1, steps: [{title: x}]}"
    with pytest.raises(roadmap.TemplateError, match="même clé"):
        roadmap.parse_templates(f"templates: [{one}, {one}]")


def test_progress_counts_done_steps_over_those_kept_and_late_open_ones() -> None:
    today = date(2026, 6, 1)
    steps = [
        roadmap.StepFacts("fait", date(2026, 1, 1)),
        roadmap.StepFacts("en_cours", date(2026, 5, 1)),  # late
        roadmap.StepFacts("a_faire", date(2026, 7, 1)),
        roadmap.StepFacts("abandonne", date(2026, 1, 1)),  # never late
        roadmap.StepFacts("a_faire", None),
    ]

    progress = roadmap.progress(steps, today)

    assert (progress.total, progress.kept, progress.late) == (5, 4, 1)
    assert progress.percent_done == 25


def test_an_empty_roadmap_has_no_percentage() -> None:
    assert roadmap.progress([], date(2026, 1, 1)).percent_done is None


def test_moving_the_first_step_up_changes_nothing() -> None:
    assert roadmap.moved([1, 2, 3], 1, -1) == [1, 2, 3]
    assert roadmap.moved([1, 2, 3], 1, 1) == [2, 1, 3]


def test_the_programme_self_evaluation_is_scored_out_of_five_like_a_theme() -> None:
    definition = load_definition_file(DATA / "programme-self-evaluation.yaml")
    questions = [q for _c, q in definition.iter_questions()]
    best = {q.key: Answer(value=q.options[-1].key) for q in questions}
    worst = {q.key: Answer(value=q.options[0].key) for q in questions}

    assert 8 <= len(questions) <= 12
    assert score_theme(definition, best, Profile()).score == 5
    assert score_theme(definition, worst, Profile()).score == 0
    assert {c.key for c in definition.categories} == {
        "organisation",
        "connaissance",
        "mobilisation",
    }
