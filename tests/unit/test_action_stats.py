"""The network's plans in figures, and which of them may be shown (no app)."""

from __future__ import annotations

from datetime import date

from assett.domain.action_stats import (
    ALL,
    PlanRow,
    adoption,
    adoption_disclosure,
    completion_rate,
    network_actions,
    network_disclosure,
)

TODAY = date(2026, 6, 1)


def row(
    org: int, status: str, key: str | None = "a", theme: str = "energie", **kw: object
) -> PlanRow:
    return PlanRow(org, theme, key, status, kw.get("due_on"), kw.get("completed_on"))  # type: ignore[arg-type]


def test_cells_count_actions_and_distinct_organisations_per_theme_and_in_all() -> None:
    rows = [
        row(1, "realisee", completed_on=date(2026, 3, 1)),
        row(1, "a_faire", key="b", due_on=date(2026, 5, 1)),
        row(2, "a_faire", key="b", theme="mobilite", due_on=date(2026, 7, 1)),
        row(3, "abandonnee", theme="autre"),  # a theme not asked for
    ]

    found = network_actions(rows, ["energie", "mobilite"], TODAY, start=date(2026, 1, 1))

    assert found.tally(("total", "energie")).actions == 2
    assert found.tally(("total", "energie")).organisations == 1
    assert found.tally(("total", ALL)).organisations == 2
    assert found.tally(("overdue", "energie")).actions == 1
    assert found.tally(("overdue", "mobilite")).actions == 0
    assert found.tally(("period", "energie")).actions == 1
    assert completion_rate(found, "energie") == 0.5


def test_a_cell_from_four_organisations_is_withheld_even_with_many_actions() -> None:
    rows = [row(org, "en_cours", key=str(n)) for org in range(1, 5) for n in range(3)]
    rows += [row(org, "realisee") for org in range(10, 16)]

    found = network_actions(rows, ["energie"], TODAY)
    shown = network_disclosure(found, population=20)

    assert ("status", "energie", "en_cours") in shown.primary  # 12 actions, 4 organisations
    assert shown.shows(("status", "energie", "realisee")) is False  # or total − it gives it
    assert shown.shows(("total", "energie"))


def test_a_population_under_five_withholds_everything() -> None:
    rows = [row(org, "realisee") for org in range(1, 5)]

    shown = network_disclosure(network_actions(rows, ["energie"], TODAY), population=4)

    assert not shown.shows(("total", "energie"))
    assert not shown.shows(("status", "energie", "a_faire"))


def test_adoption_ranks_by_organisations_engaged_and_hides_a_small_remainder() -> None:
    rows = [row(org, "realisee", key="a") for org in range(1, 6)]
    rows += [row(6, "en_cours", key="a")]
    rows += [row(org, "en_cours", key="b") for org in range(1, 8)]
    rows += [row(9, "abandonnee", key="c")]

    ranked = adoption(rows, [("energie", "c"), ("energie", "a"), ("energie", "b")])
    shown = adoption_disclosure(ranked, population=30)

    assert [(r.action_key, r.engaged, r.done) for r in ranked] == [
        ("b", 7, 0),
        ("a", 6, 5),
        ("c", 0, 0),
    ]
    assert not shown.shows(("done", "a"))  # 6 − 5: one organisation
    assert shown.shows(("engaged", "a"))
    assert shown.shows(("done", "b"))
