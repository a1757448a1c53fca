"""Exports of the animator dashboard: CSV and XLSX of the aggregates and of the sharing
organisations, filtered like the page, with formulas neutralised and scores as numbers."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from assett.extensions import db

from . import factories

SUPPRESSED = "moins de 5 organisations"
PRIVATE_NAMES = ("Boulangerie Durand", "Garage Martin", "Imprimerie Roux", "Scierie du Val")


@pytest.fixture
def network(world: factories.World) -> factories.DashboardNetwork:
    return factories.make_dashboard_network(world)


@pytest.fixture
def animator(world, login_as):  # type: ignore[no-untyped-def]
    return login_as(world.animator)


def csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for French Excel
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def workbook(body: bytes):  # type: ignore[no-untyped-def]
    return load_workbook(io.BytesIO(body))


def test_the_aggregates_csv_has_one_figure_per_row_with_a_decimal_comma(world, network, animator):
    response = animator.get("/t/demo/animation/export?format=csv&what=aggregates")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert ".csv" in response.headers["Content-Disposition"]
    rows = csv_rows(response.data)
    assert rows[0] == ["Rubrique", "Thème", "Indicateur", "Valeur", "Organisations", "Remarque"]
    by_indicator = {(row[1], row[2]): row for row in rows[1:]}
    mean = by_indicator[("Énergie", "Score moyen sur 5")]
    assert float(mean[3].replace(",", ".")) == pytest.approx(18.5 / 7)
    assert by_indicator[("", "Organisations inscrites")][3] == "8"
    assert by_indicator[("Énergie", "Évolution médiane")][3] == "1,0"


def test_suppressed_figures_are_empty_cells_with_a_remark(world, network, animator):
    cohort = network.cohort.id  # four organisations

    rows = csv_rows(animator.get(f"/t/demo/animation/export?format=csv&cohort={cohort}").data)

    mean = next(row for row in rows if row[1] == "Énergie" and row[2] == "Score moyen sur 5")
    assert mean[3] == ""
    assert mean[5] == SUPPRESSED
    text = "\n".join(";".join(row) for row in rows)
    assert "3,375" not in text
    assert "3,25" not in text


def test_the_aggregates_workbook_opens_with_numbers_in_score_cells(world, network, animator):
    response = animator.get("/t/demo/animation/export?format=xlsx&what=aggregates")

    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    book = workbook(response.data)
    assert {"Filtres", "Participation", "Maturité", "Trimestres", "Réévaluées", "Où agir"} <= set(
        book.sheetnames
    )
    sheet = book["Maturité"]
    header = [cell.value for cell in sheet[1]]
    energie = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "Énergie")
    mean = energie[header.index("Score moyen sur 5")]
    assert mean.data_type == "n"
    assert mean.value == pytest.approx(18.5 / 7)
    mobilite = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "Mobilité")
    assert mobilite[header.index("Score moyen sur 5")].value is None
    assert mobilite[header.index("Remarque")].value == SUPPRESSED


def test_the_organisations_export_lists_sharing_organisations_with_numeric_scores(
    world, network, animator
):
    response = animator.get("/t/demo/animation/export?format=xlsx&what=organisations")

    book = workbook(response.data)
    sheet = book["Organisations"]
    header = [cell.value for cell in sheet[1]]
    names = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert sorted(names) == [
        "Brasserie Morin",
        "Menuiserie Leroy",
        "Métallerie Petit",
        "Nouvelle Pousse",
        "Vélo Solidaire",
    ]
    leroy = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "Menuiserie Leroy")
    score = leroy[header.index("Énergie : score sur 5")]
    assert score.data_type == "n"
    assert score.value == pytest.approx(2.0)
    assert leroy[header.index("Énergie : évolution depuis la première")].value == pytest.approx(1.0)
    assert leroy[header.index("Énergie : auto-évaluations")].value == 2
    progress = book["Meilleures progressions"]
    assert [cell.value for cell in progress[2]][:3] == ["Menuiserie Leroy", "Rouen", "Énergie"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("what", ["aggregates", "organisations"])
def test_non_sharing_organisations_never_appear_in_an_export(world, network, animator, fmt, what):
    response = animator.get(f"/t/demo/animation/export?format={fmt}&what={what}")

    assert response.status_code == 200
    if fmt == "csv":
        text = response.data.decode("utf-8-sig")
    else:
        book = workbook(response.data)
        text = "\n".join(
            str(cell.value) for sheet in book for row in sheet.iter_rows() for cell in row
        )
    for name in PRIVATE_NAMES:
        assert name not in text


@pytest.mark.parametrize(
    "name",
    [
        '=HYPERLINK("https://example.org/x","Cliquez")',
        "+33 1 23",
        "-2+3",
        "@SUM(A1)",
        "\tTabulée",
        "\rRetour",
        "\nLigne",
    ],
)
def test_a_formula_in_an_organisation_name_is_neutralised(world, network, animator, name):
    factories.make_org(world.territory, name, sharing="animators")

    rows = csv_rows(animator.get("/t/demo/animation/export?format=csv&what=organisations").data)
    book = workbook(animator.get("/t/demo/animation/export?format=xlsx&what=organisations").data)

    assert ["'" + name] in [row[:1] for row in rows]
    cells = [row[0] for row in book["Organisations"].iter_rows(min_row=2)]
    written = next(cell for cell in cells if str(cell.value).endswith(name.strip("\t\r\n")[-4:]))
    assert written.data_type == "s"
    assert str(written.value).startswith("'")


def test_exports_follow_the_filters_of_the_page(world, network, animator):
    rows = csv_rows(
        animator.get("/t/demo/animation/export?format=csv&what=organisations&postcode=76100").data
    )

    assert sorted(row[0] for row in rows[1:]) == ["Menuiserie Leroy", "Métallerie Petit"]
    aggregates = csv_rows(
        animator.get("/t/demo/animation/export?format=csv&section=C&theme=energie").data
    )
    registered = next(row for row in aggregates if row[2] == "Organisations inscrites")
    assert registered[3] == "6"
    assert not any(row[1] == "Mobilité" for row in aggregates)


def test_the_export_links_of_the_page_carry_its_filters(world, network, animator):
    html = animator.get("/t/demo/animation/?section=C&theme=energie").get_data(as_text=True)

    assert "export?format=xlsx&amp;what=aggregates&amp;theme=energie&amp;section=C" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("format=pdf", "Format d'export inconnu"),
        ("what=tout", "Export inconnu"),
        ("format=csv&section=ZZ", "Choisissez une section NAF de la liste"),
    ],
)
def test_a_bad_export_request_gets_a_french_400(world, animator, query, message):
    response = animator.get(f"/t/demo/animation/export?{query}")

    assert response.status_code == 400
    assert message in response.get_data(as_text=True).replace("&#39;", "'")


def test_an_export_of_an_empty_territory_is_a_valid_file(world, animator):
    csv_response = animator.get("/t/demo/animation/export?format=csv&what=organisations")
    xlsx_response = animator.get("/t/demo/animation/export?format=xlsx&what=aggregates")

    assert csv_response.status_code == 200
    assert workbook(xlsx_response.data)["Participation"]["A2"].value == "Organisations inscrites"
    db.session.rollback()
