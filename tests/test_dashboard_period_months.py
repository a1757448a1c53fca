"""An open-ended period's losses from the territory's sums per month (network_potential_month),
its quarter means from the sums per quarter (network_quarter).

The whole months (quarters) are added up from the kept sums, the first, partial one from the
organisations' rows: the result must be the sums of the organisations' rows of the period
(their latest assessment, of the quarter, submitted in it), whatever day the period starts on.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from assett.extensions import db
from assett.models import NetworkPotentialMonth, OrgPotential, OrgQuarterScore
from assett.reporting import period, period_losses
from assett.reporting.filters import Filters
from assett.reporting.months import first_whole_month, next_month_start, to_millionths

from . import factories


def rows_sums(territory_id: int, filters: Filters) -> dict[tuple[str, str, str], tuple[Any, ...]]:
    """Per theme, kind and key: the organisations' rows of the period, added up here."""
    begin, _ = filters.window()
    found: dict[tuple[str, str, str], list[Any]] = defaultdict(list)
    for row in db.session.scalars(
        select(OrgPotential).where(OrgPotential.territory_id == territory_id)
    ):
        if row.latest_submitted_at >= begin:
            found[(row.theme_key, row.kind, row.key)].append(row)
    return {
        key: (
            math.fsum(row.weighted_lost for row in rows),
            math.fsum(row.weighted_max for row in rows),
            len(rows),
        )
        for key, rows in found.items()
    }


@pytest.mark.parametrize(
    "start",
    [
        date(2020, 1, 1),  # before every submission: every month whole
        date(2025, 3, 1),  # a month's first day: its local midnight is the previous UTC day
        date(2025, 3, 20),  # the day of a submission: in the first, partial month
        date(2025, 3, 21),  # the day after it: that submission is out
        date(2026, 3, 1),  # the last submission's day
        date(2030, 1, 1),  # after every submission
    ],
)
def test_an_open_period_loses_what_its_organisations_rows_add_up_to(
    world, dashboard_network: factories.DashboardNetwork, start: date
):
    territory_id = world.territory.id
    filters = Filters(start=start)
    themes = ["energie", "mobilite"]

    found = period_losses.current_losses(territory_id, filters, themes)

    expected = rows_sums(territory_id, filters)
    assert {(theme, kind, key): rest for theme, kind, key, *rest in found} == {
        key: pytest.approx(value, abs=1e-9) for key, value in expected.items()
    }


@pytest.mark.parametrize(
    "start",
    [
        date(2020, 1, 1),  # before every submission: every quarter whole
        date(2025, 1, 1),  # a quarter's first day: held whole from its local midnight
        date(2025, 3, 20),  # the day of a submission, mid-quarter
        date(2025, 3, 21),  # the day after it: that submission is out
        date(2026, 3, 1),  # the last submission's day
        date(2030, 1, 1),  # after every submission
    ],
)
@pytest.mark.parametrize("theme", [None, "energie"])
def test_an_open_period_s_quarter_sums_are_its_organisations_rows_added_up(
    world, dashboard_network: factories.DashboardNetwork, start: date, theme: str | None
):
    filters = Filters(start=start, theme=theme)
    begin, _ = filters.window()
    expected: dict[str, dict[int, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for row in db.session.scalars(
        select(OrgQuarterScore).where(OrgQuarterScore.territory_id == world.territory.id)
    ):
        if row.submitted_at >= begin and theme in (None, row.theme_key):
            expected[row.theme_key][row.quarter].append(row.score)

    found = period.period_quarters(world.territory.id, filters)

    assert found == {
        theme_key: {
            quarter: (
                pytest.approx(math.fsum(s for s in scores if s is not None), abs=1e-9),
                sum(s is not None for s in scores),
            )
            for quarter, scores in quarters.items()
        }
        for theme_key, quarters in expected.items()
    }
    if start == date(2025, 3, 21):  # the quarter it starts in has rows before the start
        assert any(
            row.quarter == 20251 and row.submitted_at < begin
            for row in db.session.scalars(select(OrgQuarterScore))
        )


def test_the_month_sums_hold_every_latest_assessment_once(
    world, dashboard_network: factories.DashboardNetwork
):
    months = db.session.scalars(
        select(NetworkPotentialMonth).where(
            NetworkPotentialMonth.territory_id == world.territory.id
        )
    ).all()
    by_key: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for month in months:
        by_key[(month.theme_key, month.kind, month.key)][0] += month.n_orgs
        by_key[(month.theme_key, month.kind, month.key)][1] += month.lost_millionths

    everything = rows_sums(world.territory.id, Filters(start=date(2000, 1, 1)))
    assert {key: n for key, (n, _) in by_key.items()} == {
        key: n for key, (_, _, n) in everything.items()
    }
    assert {key: lost for key, (_, lost) in by_key.items()} == {
        key: to_millionths(lost) for key, (lost, _, _) in everything.items()
    }


def test_a_submission_moves_its_organisations_losses_to_its_month(
    world, dashboard_network: factories.DashboardNetwork
):
    territory_id = world.territory.id
    later = datetime(2026, 4, 10, 12, tzinfo=UTC)
    factories.make_assessment(
        dashboard_network.orgs["c1"], "energie", {"suivi": 1, "travaux": 2}, later
    )

    from_april = Filters(start=date(2026, 4, 1))
    found = period_losses.current_losses(territory_id, from_april, ["energie"])

    assert {(kind, key): n for _, kind, key, _, _, n in found} == {
        (kind, key): n for (_, kind, key), (_, _, n) in rows_sums(territory_id, from_april).items()
    }
    assert all(n == 1 for *_, n in found)  # c1's new assessment only


def test_a_period_starting_on_a_utc_month_has_no_partial_month():
    assert first_whole_month(datetime(2025, 3, 1, tzinfo=UTC)) == (202503, None)
    assert first_whole_month(datetime(2025, 2, 28, 23, tzinfo=UTC)) == (
        202503,
        datetime(2025, 3, 1, tzinfo=UTC),
    )
    assert next_month_start(datetime(2025, 12, 31, 23, 59, tzinfo=UTC)) == datetime(
        2026, 1, 1, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("points", "millionths"),
    [(0.0, 0), (1.5, 1_500_000), (0.1 * 3, 300_000), (7.0 / 3, 2_333_333), (1e-7, 0)],
)
def test_points_are_kept_in_millionths_rounded_half_up(points: float, millionths: int):
    assert to_millionths(points) == millionths


@pytest.mark.parametrize("start", [date(2024, 1, 1), date(2025, 3, 20), date(2025, 12, 1)])
def test_an_open_period_finds_each_first_assessment_and_count_as_the_period_does(
    world, dashboard_network: factories.DashboardNetwork, start: date
):
    from assett.reporting import period

    org = dashboard_network.orgs["c1"]
    tie = datetime(2025, 12, 5, 12, tzinfo=UTC)  # two assessments at one moment: the earlier
    factories.make_assessment(org, "energie", {"suivi": 1, "travaux": 1}, tie)  # row is first
    factories.make_assessment(org, "energie", {"suivi": 4, "travaux": 4}, tie)
    filters = Filters(start=start)

    from_statuses = period.period_statuses(world.territory.id, filters, with_categories=False)
    from_assessments = period.period_statuses(world.territory.id, filters, with_categories=True)

    def fields(rows: list[Any]) -> list[tuple[Any, ...]]:
        return sorted(tuple(row)[:8] for row in rows)

    assert fields(from_statuses) == fields(from_assessments)
    assert any(row.assessment_count >= 2 for row in from_statuses)
