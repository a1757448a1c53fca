"""Badges from facts: each earned by one fact, each saying how."""

from __future__ import annotations

from datetime import date

from assett.domain.badges import Facts, Level, badges_of, cycle_start
from assett.domain.text import french_day

THEMES = {
    "energie": "Énergie",
    "dechets": "Déchets et économie circulaire",
    "eau": "Eau, agriculture, biodiversité",
    "mobilite": "Mobilité",
}
START = date(2025, 12, 6)


def kinds(facts: Facts) -> list[str]:
    return [badge.kind for badge in badges_of(facts)]


def test_no_fact_earns_no_badge() -> None:
    assert badges_of(Facts(themes=THEMES, cycle_start=START)) == []


def test_a_signed_charter_says_the_day_it_was_signed() -> None:
    [badge] = badges_of(Facts(charter_signed_on=date(2026, 3, 3)))

    assert badge.kind == "charte"
    assert badge.how == "Charte signée le 3 mars 2026"


def test_the_first_of_a_month_reads_premier() -> None:
    assert french_day(date(2026, 8, 1)) == "1er août 2026"


def test_all_four_themes_assessed_in_the_cycle_earn_the_badge() -> None:
    days = dict.fromkeys(THEMES, date(2026, 2, 1)) | {"mobilite": date(2026, 5, 20)}

    [badge] = badges_of(Facts(themes=THEMES, last_submitted=days, cycle_start=START))

    assert badge.label == "Les quatre thèmes évalués"
    assert badge.how == ("4 thèmes évalués depuis le 6 décembre 2025, le dernier le 20 mai 2026")


def test_a_theme_assessed_before_the_cycle_does_not_count() -> None:
    days = dict.fromkeys(THEMES, date(2026, 2, 1)) | {"eau": date(2025, 12, 5)}

    assert kinds(Facts(themes=THEMES, last_submitted=days, cycle_start=START)) == []


def test_a_missing_theme_withholds_the_badge() -> None:
    days = {key: date(2026, 2, 1) for key in list(THEMES)[:3]}

    assert kinds(Facts(themes=THEMES, last_submitted=days, cycle_start=START)) == []


def test_a_level_above_the_lowest_band_earns_a_badge_per_theme() -> None:
    levels = {
        "energie": Level("Énergie", "Avancé", 2, date(2026, 4, 2)),
        "mobilite": Level("Mobilité", "Premiers pas", 0, date(2026, 4, 2)),
    }

    [badge] = badges_of(Facts(themes=THEMES, levels=levels))

    assert badge.kind == "niveau"
    assert badge.theme_key == "energie"
    assert badge.how == "Niveau « Avancé » atteint en Énergie le 2 avril 2026"


def test_a_completed_action_names_the_latest_and_counts_the_others() -> None:
    facts = Facts(
        completed_actions=[("Relamping LED", date(2026, 6, 10)), ("Tri des biodéchets", None)]
    )

    [badge] = badges_of(facts)

    assert badge.how == (
        "Action « Relamping LED » réalisée le 10 juin 2026 (2 actions réalisées en tout)"
    )


def test_a_synergy_badge_needs_at_least_one_active_synergy() -> None:
    assert kinds(Facts(active_synergies=0)) == []
    [badge] = badges_of(Facts(active_synergies=2))
    assert badge.how == "2 synergies actives avec d'autres organisations"


def test_badges_come_in_a_stable_order() -> None:
    facts = Facts(
        charter_signed_on=date(2026, 1, 5),
        themes={"energie": "Énergie"},
        last_submitted={"energie": date(2026, 2, 1)},
        cycle_start=START,
        levels={"energie": Level("Énergie", "Avancé", 1, date(2026, 2, 1))},
        completed_actions=[("Audit", date(2026, 3, 1))],
        active_synergies=1,
    )

    assert kinds(facts) == ["charte", "quatre_themes", "niveau", "action", "synergie"]
    assert badges_of(facts)[1].label == "Tous les thèmes évalués"


def test_the_cycle_is_the_last_twelve_months_unless_told_otherwise() -> None:
    assert cycle_start(date(2026, 12, 6)) == date(2025, 12, 6)
    assert cycle_start(date(2026, 12, 6), 6) == date(2026, 6, 6)
    assert cycle_start(date(2024, 2, 29)) == date(2023, 2, 28)
