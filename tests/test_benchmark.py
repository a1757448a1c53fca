"""« Vous et les organisations comparables »: the other organisations' medians on the results page.

Groups leave the organisation itself out, and a median over fewer than 5 organisations is not
shown. Expected medians are computed by hand in each test.
"""

from __future__ import annotations

import html
import json
import re
import statistics
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assett import charts
from assett.extensions import db
from assett.models import Organisation
from assett.reporting.benchmark import (
    GroupMedian,
    benchmark_for,
    comparable_label,
    median_without,
)

from . import factories

TOO_SMALL = "groupe trop petit (moins de 5 organisations)"


@pytest.fixture
def energie(world: factories.World) -> Any:
    return factories.make_published_version(world.territory, "energie", "Énergie")


def _peer(world: factories.World, name: str, **profile: Any) -> Organisation:
    """An organisation of the demo territory; by default the same section and size as world.org."""
    return factories.make_org(world.territory, name, **profile)


def _scored(org: Organisation, version: Any, *scores: float | None) -> None:
    """Submit one assessment per score, in order: the last one is the organisation's latest."""
    for score in scores:
        factories.make_assessment_row(org, version, score=score)


def _network(world: factories.World, version: Any) -> None:
    """world.org (C, 10-19 employees) scores 1.0; five peers and two other organisations.

    Peers (C, 11): 2.0, 2.5, 3.0, 4.0, 4.5      -> median 3.0
    Others: 1.5 (C, 20-49), 0.5 (G, 10-19)
    Territory without world.org: 0.5 1.5 2.0 2.5 3.0 4.0 4.5 -> median 2.5
    (with world.org it would be 2.25: the organisation is left out of its own groups).
    """
    _scored(world.org, version, 1.0)
    for index, score in enumerate((2.0, 2.5, 3.0, 4.0, 4.5)):
        _scored(_peer(world, f"Pair {index}"), version, score)
    _scored(_peer(world, "Plus grande", headcount_code="12"), version, 1.5)
    _scored(_peer(world, "Commerce", naf_section="G", naf_code="47.11A"), version, 0.5)


# --- the service -----------------------------------------------------------------------


def test_it_gives_the_territory_median_and_the_peers_median_without_the_organisation(
    world: factories.World, energie: Any
) -> None:
    _network(world, energie)

    result = benchmark_for(world.org)

    assert list(result) == ["energie"]
    bench = result["energie"]
    assert bench.score == 1.0
    assert bench.territory == GroupMedian(n=7, median=2.5)
    assert bench.comparable == GroupMedian(n=5, median=3.0)


def test_an_even_group_takes_the_mean_of_its_two_middle_scores(
    world: factories.World, energie: Any
) -> None:
    _network(world, energie)
    _scored(_peer(world, "Pair 5"), energie, 5.0)

    bench = benchmark_for(world.org)["energie"]

    # Territory: 0.5 1.5 2.0 2.5 | 3.0 4.0 4.5 5.0 -> (2.5 + 3.0) / 2.
    # Peers: 2.0 2.5 3.0 | 4.0 4.5 5.0 -> (3.0 + 4.0) / 2.
    assert bench.territory == GroupMedian(n=8, median=2.75)
    assert bench.comparable == GroupMedian(n=6, median=3.5)


def test_four_other_organisations_are_too_few_and_five_are_enough(
    world: factories.World, energie: Any
) -> None:
    _scored(world.org, energie, 1.0)
    for index, score in enumerate((2.0, 2.5, 3.0, 4.0)):
        _scored(_peer(world, f"Pair {index}"), energie, score)

    four = benchmark_for(world.org)["energie"]
    _scored(_peer(world, "Pair 4"), energie, 4.5)
    five = benchmark_for(world.org)["energie"]

    # Four others and the organisation make five, but the organisation does not count.
    assert four.territory == GroupMedian(n=4, median=None)
    assert four.territory.suppressed
    assert four.comparable is not None
    assert four.comparable.suppressed
    assert five.territory == GroupMedian(n=5, median=3.0)
    assert five.comparable == GroupMedian(n=5, median=3.0)
    assert not five.territory.suppressed


def test_only_each_organisations_latest_score_counts(world: factories.World, energie: Any) -> None:
    _scored(world.org, energie, 1.0)
    for index, (first, latest) in enumerate(((0.0, 2.0), (0.0, 2.5), (5.0, 3.0), (5.0, 4.0))):
        _scored(_peer(world, f"Pair {index}"), energie, first, latest)
    _scored(_peer(world, "Pair 4"), energie, 4.5)

    assert benchmark_for(world.org)["energie"].territory == GroupMedian(n=5, median=3.0)


def test_not_evaluated_organisations_and_other_territories_are_left_out(
    world: factories.World, energie: Any
) -> None:
    _network(world, energie)
    _scored(_peer(world, "Tout non concerné"), energie, None)
    elsewhere = factories.make_published_version(world.other_territory, "energie", "Énergie")
    for index in range(5):
        _scored(factories.make_org(world.other_territory, f"Ailleurs {index}"), elsewhere, 5.0)

    bench = benchmark_for(world.org)["energie"]

    assert bench.territory == GroupMedian(n=7, median=2.5)
    assert bench.comparable == GroupMedian(n=5, median=3.0)


def test_an_organisation_without_sector_or_size_has_no_peer_group(
    world: factories.World, energie: Any
) -> None:
    _network(world, energie)
    world.org.headcount_code = None
    db.session.commit()

    bench = benchmark_for(world.org)["energie"]

    assert bench.comparable is None
    assert bench.territory.median == 2.5
    assert comparable_label(world.org) is None


def test_its_own_non_evaluated_theme_still_gets_the_others_medians(
    world: factories.World, energie: Any
) -> None:
    _network(world, energie)
    _scored(world.org, energie, None)

    bench = benchmark_for(world.org)["energie"]

    assert bench.score is None
    assert bench.territory.median == 2.5


def test_an_organisation_that_took_no_theme_gets_no_benchmark(world: factories.World) -> None:
    assert benchmark_for(world.org) == {}


def test_the_peer_group_is_named_by_sector_and_headcount(world: factories.World) -> None:
    assert comparable_label(world.org) == "Industrie manufacturière · 10 à 19 salariés"


def test_the_number_of_queries_does_not_grow_with_the_territory(
    world: factories.World, energie: Any, count_queries: Any
) -> None:
    _network(world, energie)
    db.session.refresh(world.org)

    with count_queries() as queries:
        benchmark_for(world.org)

    # Own scores; the territory's count and one middle read per theme; the peers' scores in
    # the territory, then across territories.
    assert queries.count == 5


@given(
    scores=st.lists(
        st.sampled_from([0.0, 0.5, 1.25, 2.5, 3.0, 4.75, 5.0]), min_size=6, max_size=40
    ),
    pick=st.integers(min_value=0),
)
def test_the_median_without_ones_own_score_matches_a_plain_computation(
    scores: list[float], pick: int
) -> None:
    own = scores[pick % len(scores)]
    others = list(scores)
    others.remove(own)
    ordered = sorted(scores)
    start = (len(others) - 1) // 2

    got = median_without(ordered[start : start + 3], own, len(others))

    assert got == statistics.median(others)


# --- the results page ------------------------------------------------------------------


def _figure(page: str) -> dict[str, Any]:
    match = re.search(r'data-plotly="([^"]*)"', page)
    assert match is not None, "no radar on the page"
    return json.loads(html.unescape(match.group(1)))  # type: ignore[no-any-return]


def _benchmark_table(page: str) -> str:
    start = page.index("Vous et les organisations comparables")
    return page[start : page.index("</table>", start)]


def test_the_results_page_shows_the_medians_in_a_table_and_on_the_radar(
    login_as: Any, world: factories.World, energie: Any
) -> None:
    mobilite = factories.make_published_version(world.territory, "mobilite", "Mobilité")
    eau = factories.make_published_version(world.territory, "eau", "Eau")
    _network(world, energie)
    _scored(world.org, mobilite, 2.0)
    for index in range(4):  # four others only: too few for a median
        _scored(_peer(world, f"Cycliste {index}"), mobilite, 3.0)
    _scored(world.org, eau, 4.0)

    page = login_as(world.actor).get(f"/o/{world.org.id}/resultats").get_data(as_text=True)

    table = _benchmark_table(page)
    energie_row = table[table.index("Énergie") : table.index("</tr>", table.index("Énergie"))]
    assert "1,0" in energie_row
    assert "2,5" in energie_row
    assert "(7 organisations)" in energie_row
    assert "3,0" in energie_row
    assert "(5 organisations)" in energie_row
    mobilite_row = table[table.index("Mobilité") : table.index("</tr>", table.index("Mobilité"))]
    assert mobilite_row.count(TOO_SMALL) == 3  # territory, peers, national peers
    assert "Industrie manufacturière · 10 à 19 salariés" in page
    traces = {trace["name"]: trace for trace in _figure(page)["data"]}
    assert set(traces) == {
        "Dernière évaluation",
        "Médiane du territoire",
        "Médiane des organisations comparables",
    }
    themes = traces["Dernière évaluation"]["theta"]
    territory = dict(zip(themes, traces["Médiane du territoire"]["r"], strict=True))
    peers = dict(zip(themes, traces["Médiane des organisations comparables"]["r"], strict=True))
    assert territory == {"Énergie": 2.5, "Mobilité": None, "Eau": None}
    assert peers == {"Énergie": 3.0, "Mobilité": None, "Eau": None}


def test_no_other_organisation_is_named_on_the_results_page(
    login_as: Any, world: factories.World, energie: Any
) -> None:
    _network(world, energie)

    page = login_as(world.actor).get(f"/o/{world.org.id}/resultats").get_data(as_text=True)

    assert "Vous et les organisations comparables" in page
    for name in ("Pair 0", "Plus grande", "Commerce", "Garage Martin"):
        assert name not in page


def test_with_too_few_organisations_the_page_says_so_and_draws_no_median(
    login_as: Any, world: factories.World, energie: Any
) -> None:
    _scored(world.org, energie, 1.0)
    _scored(world.other_org, energie, 4.0)

    page = login_as(world.actor).get(f"/o/{world.org.id}/resultats").get_data(as_text=True)

    assert _benchmark_table(page).count(TOO_SMALL) == 3  # territory, peers, national peers
    assert "4,0" not in page


def test_an_incomplete_profile_is_invited_to_complete_it(
    login_as: Any, world: factories.World, energie: Any
) -> None:
    _network(world, energie)
    world.org.naf_section = None
    db.session.commit()

    page = login_as(world.actor).get(f"/o/{world.org.id}/resultats").get_data(as_text=True)

    assert "profil à compléter" in _benchmark_table(page)


# --- the radar builder -----------------------------------------------------------------


def test_the_radar_without_overlays_is_unchanged() -> None:
    before = charts.radar_figure(["A", "B", "C"], [1.0, 2.0, 3.0], [0.5, None, 2.0])

    assert [trace["name"] for trace in before["data"]] == [
        "Évaluation précédente",
        "Dernière évaluation",
    ]


def test_overlays_are_drawn_under_the_latest_scores_and_empty_ones_are_dropped() -> None:
    figure = charts.radar_figure(
        ["A", "B", "C"],
        [1.0, 2.0, 3.0],
        overlays=[("Médiane du territoire", [2.0, None, 3.0]), ("Vide", [None, None, None])],
    )

    names = [trace["name"] for trace in figure["data"]]
    assert names == ["Médiane du territoire", "Dernière évaluation"]
    overlay = figure["data"][0]
    assert overlay["r"] == [2.0, None, 3.0, 2.0]
    assert overlay["fill"] == "none"
    assert overlay["line"]["dash"] != figure["data"][1]["line"]["dash"]
