"""Targets per theme: the score typed, the date, and what the plan's open actions bring."""

from __future__ import annotations

from datetime import date

import pytest

from assett.domain.action_ranking import LatestAssessment
from assett.domain.actions import Improvement
from assett.domain.targets import (
    TargetError,
    check_target_date,
    parse_target_score,
    plan_gain,
    target_gaps,
)
from tests.unit.test_action_ranking import ANSWERS, OFFICE, THEME

TODAY = date(2026, 12, 6)
LATEST = LatestAssessment(THEME, ANSWERS)  # 1,0 out of 5


@pytest.mark.parametrize(
    ("typed", "value"), [("3,5", 3.5), ("3.5", 3.5), (" 4 ", 4.0), ("0", 0.0), ("5,0", 5.0)]
)
def test_a_target_score_takes_a_decimal_comma(typed: str, value: float) -> None:
    assert parse_target_score(typed) == value


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Indiquez le score visé"),
        ("5,5", "compris entre 0 et 5"),
        ("6", "compris entre 0 et 5"),
        ("12", "un nombre de 0 à 5"),
        ("3,25", "une décimale au plus"),
        ("-1", "un nombre de 0 à 5"),
        ("trois", "un nombre de 0 à 5"),
    ],
)
def test_a_wrong_target_score_is_refused_naming_the_score(typed: str, message: str) -> None:
    with pytest.raises(TargetError) as refused:
        parse_target_score(typed)

    assert message in refused.value.message
    assert refused.value.field == "score"


@pytest.mark.parametrize("day", [None, TODAY, date(2020, 1, 1)])
def test_a_target_date_is_required_and_in_the_future(day: date | None) -> None:
    with pytest.raises(TargetError) as refused:
        check_target_date(day, TODAY)

    assert refused.value.field == "target_on"


def test_the_open_actions_are_scored_together() -> None:
    single = [Improvement(question="q_single", to="c")]  # +1,0 alone
    ticks = [Improvement(question="q_multi", to=["x"]), Improvement(question="q_multi", to=["y"])]

    assert plan_gain(LATEST, single, OFFICE) == pytest.approx(1.0)
    # Two actions ticking one option each: 2 of 2 together (+0,5 each alone would double count
    # nothing here, but a sum of separate gains could overshoot a capped question).
    assert plan_gain(LATEST, ticks, OFFICE) == pytest.approx(1.0)
    assert plan_gain(LATEST, [*single, *ticks], OFFICE) == pytest.approx(2.0)
    # Two actions on one question keep the better value, never add up.
    lower = [Improvement(question="q_single", to="b"), Improvement(question="q_single", to="c")]
    assert plan_gain(LATEST, lower, OFFICE) == pytest.approx(1.0)


def test_a_gap_says_whether_the_open_actions_reach_the_target() -> None:
    single = [Improvement(question="q_single", to="c")]
    gaps = target_gaps(
        {"t": (3.0, date(2027, 6, 30)), "u": (1.5, date(2027, 6, 30)), "v": (2.0, TODAY)},
        {"t": LATEST, "u": LATEST},
        {"t": [single]},
        OFFICE,
    )
    t, u, v = gaps

    assert (t.score, t.gap, t.plan_gain, t.covered) == pytest.approx((1.0, 2.0, 1.0, False))
    assert (u.gap, u.plan_gain, u.covered, u.open_actions) == (pytest.approx(0.5), 0.0, False, 0)
    assert (v.score, v.gap) == (None, None)
