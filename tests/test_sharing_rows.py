"""The organisations export's reader gives the list's organisations, in its order, page after
page, with the same latest results, and never one that does not share with the animators."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from assett.extensions import db
from assett.reporting.filters import Filters
from assett.reporting.sharing import sharing_organisations
from assett.reporting.sharing_rows import Profile, sharing_rows

from . import factories

NOW = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.fixture
def network(
    world: factories.World, dashboard_network: factories.DashboardNetwork
) -> factories.DashboardNetwork:
    network = dashboard_network  # make_dashboard_network(world), kept once per worker
    # Names equal once lowered: the order and the page boundaries must break their tie by id.
    for name in ("menuiserie leroy", "MENUISERIE LEROY", "Menuiserie Leroy"):
        factories.make_org(world.territory, name, sharing="animators")
    factories.make_org(world.territory, "menuiserie privée", sharing="private")
    db.session.commit()
    return network


def _as_list(territory_id: int, filters: Filters) -> list[tuple[object, ...]]:
    return [
        (tuple(getattr(row.organisation, field) for field in Profile._fields), row.results)
        for row in sharing_organisations(territory_id, filters, NOW, 1, None)
    ]


def _as_export(
    territory_id: int, filters: Filters, pages: tuple[int, int]
) -> list[tuple[object, ...]]:
    first, largest = pages
    return [
        (tuple(row.organisation), row.results)
        for row in sharing_rows(territory_id, filters, NOW, largest, first)
    ]


# (first page, largest page): fixed sizes, and pages growing 1, 2, 4, 4… then 3, 6, 7, 7…
@pytest.mark.parametrize("pages", [(1, 1), (2, 2), (3, 3), (100, 100), (1, 4), (3, 7)])
@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters(theme="energie"),
        Filters(section="C"),
        Filters(start=date(2025, 1, 1), end=date(2025, 12, 31)),
    ],
)
def test_the_export_reads_the_lists_rows_in_its_order_whatever_the_page_size(
    world: factories.World,
    network: factories.DashboardNetwork,
    filters: Filters,
    pages: tuple[int, int],
) -> None:
    expected = _as_list(world.territory.id, filters)
    assert expected  # the case compares something
    assert _as_export(world.territory.id, filters, pages) == expected


def test_the_export_names_no_organisation_that_keeps_its_results_private(
    world: factories.World, network: factories.DashboardNetwork
) -> None:
    names = {row.organisation.name for row in sharing_rows(world.territory.id, Filters(), NOW)}
    assert {"Menuiserie Leroy", "menuiserie leroy", "MENUISERIE LEROY"} <= names
    assert names.isdisjoint({"Boulangerie Durand", "Garage Martin", "menuiserie privée"})
