"""The dashboard's sums for profile filters and open-ended periods, against the raw rows.

A filter keeping many organisations sums the maintained rows along the group indexes (every
row of the territory read, the others skipped), a narrow one from the matching organisations'
rows (reporting.filters.to_group); an open-ended period reads the maintained statuses and
losses (reporting.period.open_ended). Each is compared here with a recomputation from the
submitted assessments and their answers.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from assett.extensions import db
from assett.models import Answer, Assessment, Organisation
from assett.reporting import cache, period, period_losses, queries
from assett.reporting.filters import Filters, keeps_many
from assett.reporting.totals import last_of_each_quarter

from . import factories


@pytest.fixture
def network(
    world: factories.World, app: Flask, dashboard_network: factories.DashboardNetwork
) -> factories.DashboardNetwork:
    app.config["DASHBOARD_CACHE_SIZE"] = 0  # every overview computes its figures
    return dashboard_network  # make_dashboard_network(world), kept once per worker


def submitted(territory_id: int, filters: Filters) -> list[Assessment]:
    """The submitted assessments of the matching organisations in the period, in order."""
    begin, end = filters.window()
    kept = {
        org.id
        for org in db.session.scalars(
            select(Organisation).where(Organisation.territory_id == territory_id)
        )
        if (filters.legal_type is None or org.legal_type == filters.legal_type)
        and (filters.section is None or org.naf_section == filters.section)
        and (filters.postcode is None or org.postcode == filters.postcode)
    }
    rows = db.session.scalars(
        select(Assessment).where(
            Assessment.territory_id == territory_id, Assessment.status == "submitted"
        )
    )
    return sorted(
        (
            row
            for row in rows
            if row.organisation_id in kept
            and (begin is None or row.submitted_at >= begin)
            and (end is None or row.submitted_at < end)
        ),
        key=lambda row: (row.submitted_at, row.id),
    )


def raw_losses(assessments: list[Assessment]) -> dict[tuple[str, str, str], tuple[float, int]]:
    """(theme, kind, key) -> (weighted points lost, organisations) over each organisation's
    latest assessment of a theme, from its counted answers."""
    latest: dict[tuple[int, str], Assessment] = {}
    for row in assessments:
        latest[(row.organisation_id, row.theme_key)] = row
    found: dict[tuple[str, str, str], list[float]] = defaultdict(lambda: [0.0, 0])
    for row in latest.values():
        categories: set[str] = set()
        for answer in db.session.scalars(select(Answer).where(Answer.assessment_id == row.id)):
            if not answer.counted or answer.earned is None:
                continue
            lost = (answer.weight or 1.0) * (answer.maximum - answer.earned)
            for kind, key in (("question", answer.question_key), ("category", answer.category_key)):
                found[(row.theme_key, kind, key)][0] += lost
            found[(row.theme_key, "question", answer.question_key)][1] += 1
            categories.add(answer.category_key)
        for key in categories:
            found[(row.theme_key, "category", key)][1] += 1
    return {key: (lost, int(n)) for key, (lost, n) in found.items()}


def summed(rows: list[Any]) -> dict[tuple[str, str, str], tuple[float, int]]:
    return {(theme, kind, key): (lost, n) for theme, kind, key, lost, _max, n in rows}


def flat(found: dict[Any, Any]) -> dict[Any, float]:
    """Nested sums as {(keys…, position): number}, for pytest.approx."""
    out: dict[Any, float] = {}
    for key, value in found.items():
        if isinstance(value, dict):
            out.update({(key, *inner): number for inner, number in flat(value).items()})
        else:
            out.update({(key, index): float(number) for index, number in enumerate(value)})
    return out


def raw_quarters(assessments: list[Assessment]) -> dict[str, dict[int, tuple[float, int]]]:
    last = last_of_each_quarter(
        (row.organisation_id, row.theme_key, row.id, row.submitted_at, row.score)
        for row in assessments
    )
    found: dict[str, dict[int, tuple[float, int]]] = defaultdict(dict)
    for (_, theme_key, quarter), (_, _, score) in last.items():
        total, n = found[theme_key].get(quarter, (0.0, 0))
        found[theme_key][quarter] = (total + (score or 0.0), n + (score is not None))
    return dict(found)


@pytest.mark.parametrize(
    ("filters", "many"),
    [
        (Filters(legal_type="entreprise"), True),  # 7 organisations of 8
        (Filters(section="C"), True),  # 6 of 8
        (Filters(legal_type="association"), False),  # 1 of 8
    ],
)
def test_profile_filter_sums_equal_the_raw_rows_either_way(world, network, filters, many):
    territory_id = world.territory.id
    assert keeps_many(territory_id, filters) is many
    raw = submitted(territory_id, filters)

    losses = summed(queries.organisations_potential(territory_id, filters))
    assert flat(losses) == pytest.approx(flat(raw_losses(raw)))
    quarters = queries.organisations_quarters(territory_id, filters)
    assert flat(quarters) == pytest.approx(flat(raw_quarters(raw)))


def test_an_open_ended_period_reads_the_maintained_rows_and_gives_the_raw_figures(
    world, network, monkeypatch: pytest.MonkeyPatch
):
    territory_id = world.territory.id
    # From 2025-03-01: c1 twice in the period (03-01, 03-20); durand, c2, c3 and martin once in
    # it after an earlier one, whose first score is the period's, not their very first.
    filters = Filters(start=date(2025, 3, 1), section="C")
    assert period.open_ended(filters)
    fast = cache.compute_figures(territory_id, filters)
    raw = submitted(territory_id, filters)

    losses = {
        (theme, kind, line.key): (line.weighted_lost, line.n_orgs)
        for (theme, kind), lines in fast.potentials.items()
        for line in lines
    }
    expected = raw_losses(raw)
    assert losses
    assert flat(losses) == pytest.approx({key: flat(expected)[key] for key in flat(losses)})
    by_org: dict[int, list[Assessment]] = defaultdict(list)
    for row in raw:
        by_org[row.organisation_id].append(row)
    energie = fast.totals["energie"]
    assert energie.n_status == len(by_org)
    pairs = [(taken[0].score, taken[-1].score) for taken in by_org.values() if len(taken) >= 2]
    assert energie.n_pairs == len(pairs) == 1
    assert energie.first_sum == pytest.approx(sum(first for first, _ in pairs))

    monkeypatch.setattr(period, "open_ended", lambda filters: False)
    assert cache.compute_figures(territory_id, filters) == fast


@pytest.mark.parametrize(
    ("filters", "many", "in_period"),
    [
        # 7 organisations of 8, 4 in the period: Leroy's and Roux's latest assessments are of
        # 2025-03-20 and 2025-05-01.
        (Filters(start=date(2025, 6, 1), legal_type="entreprise"), True, 4),
        # 1 of 8: Vélo Solidaire, whose latest assessment is of 2025-03-10.
        (Filters(start=date(2025, 3, 1), legal_type="association"), False, 1),
        (Filters(start=date(2025, 3, 15), legal_type="association"), False, 0),
    ],
)
def test_an_open_ended_period_s_losses_are_the_raw_rows_for_a_wide_or_a_narrow_filter(
    world, network, filters, many, in_period
):
    territory_id = world.territory.id
    assert keeps_many(territory_id, filters) is many
    raw = submitted(territory_id, filters)
    assert len({row.organisation_id for row in raw}) == in_period
    expected = raw_losses(raw)

    themes = sorted({theme for theme, _, _ in expected} or {"energie"})
    losses = summed(period_losses.current_losses(territory_id, filters, themes))
    assert flat(losses) == pytest.approx(flat(expected))


def test_the_participation_kept_with_a_filter_s_figures_follows_submissions_and_profiles(
    world, network, app: Flask
):
    from datetime import UTC, datetime

    from assett.reporting import overview as service

    now = datetime(2026, 6, 1, 12, tzinfo=UTC)
    themes = service.themes_of(world.territory.id)
    chosen = [Filters(section="C"), Filters(section="C", theme="energie")]

    def funnels(size: int) -> list[Any]:
        app.config["DASHBOARD_CACHE_SIZE"] = size
        app.extensions.pop("assett_dashboard_figures", None)
        return [
            service.overview(world.territory, filters, now=now, themes=themes).funnel
            for filters in chosen
        ]

    app.config["DASHBOARD_CACHE_SIZE"] = 16
    kept = [
        service.overview(world.territory, filters, now=now, themes=themes).funnel
        for filters in chosen
    ]
    assert kept == funnels(0)
    cache_now = app.extensions["assett_dashboard_figures"] = cache.FigureCache(16)
    for filters in chosen:
        service.overview(world.territory, filters, now=now, themes=themes)
    # « nouveau » (section C by default) submits for the first time, then a1 becomes section C.
    factories.make_assessment(network.orgs["nouveau"], "energie", {"suivi": 3, "travaux": 3})
    network.orgs["a1"].naf_section = "C"
    db.session.commit()
    app.extensions["assett_dashboard_figures"] = cache_now
    after = [
        service.overview(world.territory, filters, now=now, themes=themes).funnel
        for filters in chosen
    ]
    assert after != kept
    assert after == funnels(0)
