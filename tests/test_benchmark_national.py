"""The national median of comparable organisations: across territories, sharers only, n ≥ 5."""

from __future__ import annotations

from typing import Any

from assett.models import Organisation
from assett.reporting.benchmark import GroupMedian, benchmark_for

from . import factories

TOO_SMALL = "groupe trop petit (moins de 5 organisations)"


def _scored(org: Organisation, version: Any, score: float) -> None:
    factories.make_assessment_row(org, version, score=score)


def _versions(world: factories.World) -> tuple[Any, Any]:
    return (
        factories.make_published_version(world.territory, "energie", "Énergie"),
        factories.make_published_version(world.other_territory, "energie", "Énergie"),
    )


def test_the_national_median_counts_comparable_sharers_of_every_territory(
    world: factories.World,
) -> None:
    """world.org (C, 11) scores 1.0. Sharing peers: 2.0, 3.0 here; 2.5, 4.0, 4.5 elsewhere.

    Left out: a private peer (0.5), a peer of another size (5.0), world.org itself.
    National median of 2.0 2.5 3.0 4.0 4.5 -> 3.0.
    """
    here, there = _versions(world)
    _scored(world.org, here, 1.0)
    for index, score in enumerate((2.0, 3.0)):
        _scored(
            factories.make_org(world.territory, f"Ici {index}", sharing="animators"), here, score
        )
    for index, score in enumerate((2.5, 4.0, 4.5)):
        org = factories.make_org(world.other_territory, f"Ailleurs {index}", sharing="public")
        _scored(org, there, score)
    _scored(factories.make_org(world.other_territory, "Privée", sharing="private"), there, 0.5)
    _scored(
        factories.make_org(
            world.other_territory, "Plus grande", sharing="public", headcount_code="12"
        ),
        there,
        5.0,
    )

    bench = benchmark_for(world.org)["energie"]

    assert bench.national == GroupMedian(n=5, median=3.0)
    assert bench.comparable is not None
    assert bench.comparable.n == 2  # the territory's own peers, sharing or not


def test_under_five_sharing_peers_the_national_median_is_not_computed(
    login_as: Any, world: factories.World
) -> None:
    here, there = _versions(world)
    _scored(world.org, here, 1.0)
    for index, score in enumerate((2.0, 3.0, 4.0, 4.5)):
        org = factories.make_org(world.other_territory, f"Ailleurs {index}", sharing="public")
        _scored(org, there, score)
    for index in range(3):
        org = factories.make_org(world.other_territory, f"Privée {index}", sharing="private")
        _scored(org, there, 2.0)

    bench = benchmark_for(world.org)["energie"]

    assert bench.national == GroupMedian(n=4, median=None)
    page = login_as(world.actor).get(f"/o/{world.org.id}/resultats").get_data(as_text=True)
    assert "Médiane nationale des organisations comparables" in page
    assert TOO_SMALL in page


def test_without_a_profile_there_is_no_national_group(world: factories.World) -> None:
    here, _there = _versions(world)
    world.org.naf_section = None
    _scored(world.org, here, 1.0)

    assert benchmark_for(world.org)["energie"].national is None
