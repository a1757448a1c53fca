"""An animator trying to recover hidden counts of organisations from the dashboard by subtraction.

The attacker reads the page, the CSV and the XLSX of the aggregates under many filters and
their combinations, then: reads any count of 1 to 4; subtracts a stage from the registered
organisations; subtracts the evaluated from a theme's organisations; subtracts the shown levels
from the evaluated; turns a share back into a count; and subtracts a filtered figure from the
same figure with one filter less (the complement of a filter). None of it may give a count of
1 to 4 organisations, nor the value of a withheld cell.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest

from . import factories
from .test_dashboard_exports import csv_rows, html_tables, workbook

COUNTED = {"Organisations", "Évaluées", "Non évaluées", "Organisations réévaluées"}
MOVES = ("En progrès", "Stables", "En recul")
RUBRIQUES = ("Participation", "Maturité", "Niveaux", "Réévaluées", "Trimestres")
STAGES = (
    "Au moins une auto-évaluation envoyée",
    "Actives ces 12 derniers mois",
    "Actives dans les 12 mois avant la fin de la période",
    "Réévaluées (au moins deux auto-évaluations d'un thème)",
    "Signataires de la charte",
)
FILTERS = (
    "",
    "section=A",
    "section=C",
    "section=G",
    "section=S",
    "headcount=12",
    "headcount=11",
    "postcode=76100",
    "legal_type=association",
    "legal_type=entreprise",
    "theme=energie",
    "section=C&headcount=12",
    "section=C&postcode=76100",
    "section=C&theme=energie",
    "section=G&headcount=11",
    "start=2025-01-01",
    "end=2025-06-30",
    "section=C&start=2025-01-01",
)
Cell = tuple[str, str, str]


def small(value: int) -> bool:
    return 0 < value < 5


@pytest.fixture
def attacked(world, login_as, dashboard_network):  # type: ignore[no-untyped-def]
    network = dashboard_network
    # One farm (NAF section A) that assessed twice: the issue's « 1 inscrite, 1 active… ».
    farm = factories.make_org(world.territory, "Ferme des Saules", naf_section="A",
                              naf_code="01.11Z", headcount_code="03")
    for day, value in (("2026-01-05", 2), ("2026-06-05", 4)):
        moment = datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)
        factories.make_assessment(farm, "energie", {"suivi": value, "travaux": value}, moment)
    # Shops: a bigger section whose figures may be shown, with small subgroups.
    for index in range(7):
        factories.make_org(world.territory, f"Commerce {index}", naf_section="G",
                           naf_code="47.11B", headcount_code="11" if index < 5 else "12")
    return network, login_as(world.animator)


def read_csv(client: Any, query: str) -> dict[Cell, int | None]:
    """The counts of the long CSV: None when withheld (empty value with a remark)."""
    body = client.get(f"/t/demo/animation/export?format=csv&{query}").data
    cells: dict[Cell, int | None] = {}
    for rubrique, line, indicator, value, remark in csv_rows(body)[1:]:
        if rubrique not in RUBRIQUES:
            continue
        if value == "":
            if remark:
                cells[(rubrique, line, indicator)] = None
            continue
        if re.fullmatch(r"-?\d+", value):
            cells[(rubrique, line, indicator)] = int(value)
    return cells


def is_count(cell: Cell) -> bool:
    rubrique, _line, indicator = cell
    return (
        indicator in COUNTED
        or indicator in MOVES
        or indicator.endswith(" : organisations")
        or (rubrique == "Niveaux" and not indicator.endswith("(part)"))
    )


def derivations(cells: dict[Cell, int | None]) -> list[tuple[Cell, list[Cell], list[Cell]]]:
    """The attacker's equations: (total, parts, never-shown complement marker)."""
    found: list[tuple[Cell, list[Cell], list[Cell]]] = []
    registered = ("Participation", "Organisations inscrites", "Organisations")
    for stage in STAGES:
        part = ("Participation", stage, "Organisations")
        if part in cells:
            found.append((registered, [part], [("complement", stage, "")]))
    themes = {line for rubrique, line, _i in cells if rubrique == "Maturité"}
    for theme in themes:
        found.append(
            (
                ("Maturité", theme, "Organisations"),
                [("Maturité", theme, "Évaluées"), ("Maturité", theme, "Non évaluées")],
                [],
            )
        )
        bands = [c for c in cells if c[0] == "Niveaux" and c[1] == theme and is_count(c)]
        if bands:
            found.append((("Maturité", theme, "Évaluées"), bands, []))
        moves = [("Réévaluées", theme, name) for name in MOVES]
        if all(move in cells for move in moves):
            found.append((("Réévaluées", theme, "Organisations réévaluées"), moves, []))
    return found


def parents(query: str) -> list[str]:
    pairs = parse_qsl(query)
    return [urlencode([p for p in pairs if p != pair]) for pair in pairs]


def test_the_issue_s_small_section_shows_no_count_on_the_page_nor_in_the_exports(attacked):
    _network, client = attacked

    page = client.get("/t/demo/animation/?section=A").get_data(as_text=True)
    participation = html_tables(page)["participation"]
    assert all(not re.fullmatch(r"\d+", row[1]) for row in participation[1:])
    assert all("moins de 5 organisations" in row[1] for row in participation[1:])
    assert re.search(r'class="kpi-value">\s*\d', page) is None
    cells = read_csv(client, "section=A")
    assert cells[("Participation", "Organisations inscrites", "Organisations")] is None
    assert all(value is None for cell, value in cells.items() if is_count(cell))
    book = workbook(client.get("/t/demo/animation/export?format=xlsx&section=A").data)
    sheet = book["Participation"]
    counts = [row[1].value for row in sheet.iter_rows(min_row=2)]
    assert counts
    assert all(isinstance(value, str) for value in counts)


def test_no_hidden_count_is_recovered_by_subtraction_on_a_page_or_between_filters(attacked):
    _network, client = attacked
    seen: dict[str, dict[Cell, int | None]] = {}

    def cells_of(query: str) -> dict[Cell, int | None]:
        if query not in seen:
            seen[query] = read_csv(client, query)
        return seen[query]

    hidden_somewhere = 0
    shown_somewhere = 0
    for query in FILTERS:
        cells = cells_of(query)
        for cell, value in cells.items():
            if is_count(cell):
                assert value is None or not small(value), (query, cell, value)
                hidden_somewhere += value is None
                shown_somewhere += value is not None
        # Shares turned back into counts: a withheld count has no share beside it.
        for (rubrique, line, indicator), value in cells.items():
            if rubrique == "Participation" and indicator == "Organisations" and value is None:
                assert cells.get((rubrique, line, "Part des inscrites")) is None, (query, line)
            if rubrique == "Niveaux" and is_count((rubrique, line, indicator)) and value is None:
                share = (rubrique, line, f"{indicator} (part)")
                assert cells.get(share) is None, (query, line, indicator)
        # One subtraction within the page.
        for total, parts, implicit in derivations(cells):
            members = [total, *parts]
            unknown = [m for m in members if cells.get(m) is None]
            if implicit:
                if not unknown:
                    rest = cells[total] - sum(cells[p] for p in parts)  # type: ignore[operator]
                    assert not small(rest), (query, total, parts, rest)
            else:
                assert len(unknown) != 1, (query, unknown)
        # One subtraction between the filter and the same filter with one criterion less.
        for parent in parents(query):
            wider = cells_of(parent)
            for cell, value in cells.items():
                if is_count(cell) or cell[2] == "Organisations":
                    other = wider.get(cell)
                    if value is not None and other is not None:
                        assert not small(other - value), (parent, query, cell, other, value)
    # The attack met both withheld and shown counts: it tested the rule, not an empty page.
    assert hidden_somewhere > 20
    assert shown_somewhere > 20


def test_the_page_hides_what_the_export_hides(attacked):
    _network, client = attacked
    for query in ("", "section=C", "section=G", "headcount=11"):
        cells = read_csv(client, query)
        page = client.get(f"/t/demo/animation/?{query}").get_data(as_text=True)
        table = html_tables(page)["participation"]
        for row in table[1:]:
            value = cells[("Participation", row[0], "Organisations")]
            if value is None:
                assert not re.fullmatch(r"[\d\u202f]+", row[1]), (query, row)
            else:
                assert row[1].replace("\u202f", "") == str(value)
        kpis = re.findall(r'class="kpi-value">([^<]*)<', page)
        assert all(not small(int(k.replace("\u202f", ""))) for k in kpis if k.strip().isdigit())


def test_the_organisations_page_withholds_a_small_registered_count(attacked):
    _network, client = attacked

    text = client.get("/t/demo/animation/organisations?section=A").get_data(as_text=True)
    assert "sur 1 organisation inscrite" not in text
    assert "moins de 5 organisations" in text
