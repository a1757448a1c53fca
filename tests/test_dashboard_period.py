"""A date range's figures against a recomputation from the raw rows, on the period's edges.

A period ending after the territory's last submission is computed as the period without its
end (reporting.cache.figure_filters); these tests check that this changes no figure: the same
overview as the period computed as given, and the same counts as the raw rows, with
assessments exactly on the bounds and an organisation with one assessment in the period.
"""

from __future__ import annotations

import statistics
from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from assett.extensions import db
from assett.models import Assessment
from assett.reporting import cache
from assett.reporting import overview as service
from assett.reporting.filters import Filters, local_midnight
from assett.reporting.protection import protected

from . import factories

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


@pytest.fixture
def network(
    dashboard_network: factories.DashboardNetwork, app: Flask
) -> factories.DashboardNetwork:
    app.config["DASHBOARD_CACHE_SIZE"] = 0  # every overview computes its figures
    return dashboard_network


def computed_as_given(monkeypatch: pytest.MonkeyPatch) -> None:
    """Turn the end-dropping off: every period is computed with the filters as given."""
    monkeypatch.setattr(cache, "figure_filters", lambda territory_id, filters, *_: filters)


def raw_period(territory_id: int, filters: Filters) -> dict[str, Any]:
    """The « energie » figures of the period, recomputed from the submitted rows."""
    begin, end = filters.window()
    rows = [
        row
        for row in db.session.scalars(
            select(Assessment).where(
                Assessment.territory_id == territory_id,
                Assessment.status == "submitted",
                Assessment.theme_key == "energie",
            )
        )
        if (begin is None or row.submitted_at >= begin) and (end is None or row.submitted_at < end)
    ]
    by_org: dict[int, list[Assessment]] = {}
    for row in sorted(rows, key=lambda row: (row.submitted_at, row.id)):
        by_org.setdefault(row.organisation_id, []).append(row)
    latest = [taken[-1].score for taken in by_org.values() if taken[-1].score is not None]
    pairs = [
        (taken[0].score, taken[-1].score)
        for taken in by_org.values()
        if len(taken) >= 2 and taken[0].score is not None and taken[-1].score is not None
    ]
    return {
        "organisations": len(by_org),
        "n_scored": len(latest),
        "mean": statistics.fmean(latest) if latest else None,
        "median": statistics.median(latest) if latest else None,
        "pairs": len(pairs),
        "reassessed": sum(1 for taken in by_org.values() if len(taken) >= 2),
    }


def shown(overview: service.Overview) -> dict[str, Any]:
    """The same figures as the dashboard computed them."""
    view = next(view for view in overview.themes if view.key == "energie")
    steps = {step.key: step.count for step in overview.funnel}
    return {
        "organisations": steps["with_assessment"],
        "n_scored": view.summary.n_scored,
        "mean": view.summary.mean,
        "median": view.summary.median,
        "pairs": view.paired.n,
        "reassessed": steps["reassessed"],
    }


def on_bounds(network: factories.DashboardNetwork, start: date, end: date) -> None:
    """c4 taken exactly at the period's first moment (in it), « nouveau » exactly at its end
    (out), a1 in between."""
    begin = local_midnight(start)
    factories.make_assessment(network.orgs["c4"], "energie", {"suivi": 5, "travaux": 5}, begin)
    middle = datetime(2025, 12, 1, 12, tzinfo=UTC)
    factories.make_assessment(network.orgs["a1"], "energie", {"suivi": 2, "travaux": 3}, middle)
    after = Filters(start=start, end=end).window()[1]
    factories.make_assessment(network.orgs["nouveau"], "energie", {"suivi": 1, "travaux": 1}, after)


def test_a_period_ending_after_the_last_submission_gives_the_figures_computed_as_given(
    world, network, monkeypatch: pytest.MonkeyPatch
):
    # The last submission is martin's, 2026-03-01: the end is dropped.
    filters = Filters(start=date(2025, 3, 1), end=date(2026, 5, 31))
    assert cache.figure_filters(world.territory.id, filters) == Filters(start=date(2025, 3, 1))
    themes = service.themes_of(world.territory.id)
    fast = service.overview(world.territory, filters, now=NOW, themes=themes)
    fast_protected = protected(world.territory, fast, themes)

    computed_as_given(monkeypatch)
    slow = service.overview(world.territory, filters, now=NOW, themes=themes)

    assert fast == slow
    assert fast_protected == protected(world.territory, slow, themes)
    assert shown(fast) == pytest.approx(raw_period(world.territory.id, filters))


def test_an_open_start_counts_from_the_maintained_tables_as_the_period_would(
    world, network, monkeypatch: pytest.MonkeyPatch
):
    # The disclosure check compares with « until the end »: read from the undated tables.
    until = Filters(end=date(2026, 5, 31))
    assert cache.figure_filters(world.territory.id, until, counts_only=True) == Filters()
    assert cache.figure_filters(world.territory.id, until) == until  # its own figures: as given
    themes = service.themes_of(world.territory.id)
    filters = Filters(start=date(2025, 3, 1), end=date(2026, 5, 31), section="C")
    wider = service.overview(world.territory, until, now=NOW, themes=themes, counts_only=True)
    fast = protected(
        world.territory, service.overview(world.territory, filters, now=NOW, themes=themes), themes
    )

    computed_as_given(monkeypatch)
    as_given = service.overview(world.territory, until, now=NOW, themes=themes, counts_only=True)
    slow = protected(
        world.territory, service.overview(world.territory, filters, now=NOW, themes=themes), themes
    )

    assert wider.funnel == as_given.funnel
    for mine, theirs in zip(wider.themes, as_given.themes, strict=True):
        assert (mine.summary.n_orgs, mine.summary.n_scored) == (
            theirs.summary.n_orgs,
            theirs.summary.n_scored,
        )
        assert [band.count for band in mine.bands] == [band.count for band in theirs.bands]
        assert (mine.paired.n, mine.paired.improved, mine.paired.declined) == (
            theirs.paired.n,
            theirs.paired.improved,
            theirs.paired.declined,
        )
        assert [point.n_orgs for point in mine.quarters] == [
            point.n_orgs for point in theirs.quarters
        ]
    assert fast == slow


def test_assessments_exactly_on_the_bounds_follow_the_period_and_keep_its_end(
    world, network, monkeypatch: pytest.MonkeyPatch
):
    start, end = date(2025, 9, 1), date(2026, 6, 30)
    on_bounds(network, start, end)
    filters = Filters(start=start, end=end)
    # A submission at the end's first moment is after the period: the end is kept.
    assert cache.figure_filters(world.territory.id, filters) == filters

    figures = shown(service.overview(world.territory, filters, now=NOW))
    expected = raw_period(world.territory.id, filters)
    # In the period: c4 at its very first moment, a1 (2025-12-01), c2 (2026-01-15), durand
    # (2026-02-10), martin (2026-03-01), each once; « nouveau » at the end's first moment is out.
    assert expected["organisations"] == 5
    assert expected["pairs"] == 0
    assert figures == pytest.approx(expected)

    computed_as_given(monkeypatch)
    assert shown(service.overview(world.territory, filters, now=NOW)) == figures


def test_an_organisation_with_one_assessment_in_the_period_counts_but_is_not_paired(world, network):
    # From 2025-03-15 on: c1 once (03-20), c3 once (05-01), c4 once (08-01), then c2, durand
    # and martin once each in 2026: nobody twice, so no pair, whatever came before.
    filters = Filters(start=date(2025, 3, 15), end=date(2026, 12, 31))
    figures = shown(service.overview(world.territory, filters, now=NOW))

    assert figures["organisations"] == 6
    assert (figures["pairs"], figures["reassessed"]) == (0, 0)
    assert figures == pytest.approx(raw_period(world.territory.id, filters))


def test_the_disclosure_check_of_a_date_range_reads_the_period_once(
    world, network, app: Flask, monkeypatch: pytest.MonkeyPatch
):
    from assett.reporting import period

    app.config["DASHBOARD_CACHE_SIZE"] = 16
    app.extensions.pop("assett_dashboard_figures", None)  # a cache of that size
    passes: list[Filters] = []
    original = period.period_statuses

    def counted(territory_id: int, filters: Filters, with_categories: bool = True) -> Any:
        passes.append(filters)
        return original(territory_id, filters, with_categories)

    monkeypatch.setattr(period, "period_statuses", counted)
    themes = service.themes_of(world.territory.id)
    filters = Filters(start=date(2025, 3, 1), end=date(2026, 5, 31))
    protected(
        world.territory, service.overview(world.territory, filters, now=NOW, themes=themes), themes
    )

    # The dashboard's period, then « from the start » (the same) and « until the end » (every
    # submission: the maintained tables): one pass over the period's assessments.
    assert passes == [Filters(start=date(2025, 3, 1))]
