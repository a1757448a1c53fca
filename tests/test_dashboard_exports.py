"""Exports of the animator dashboard: each table's HTML, CSV and XLSX agree, filtered like the
page, with labels instead of codes, figures rounded and typed, and small groups suppressed."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from html.parser import HTMLParser
from typing import Any

import pytest
from openpyxl import load_workbook

from assett.extensions import db

from . import factories

SUPPRESSED = "moins de 5 organisations"
PRIVATE_NAMES = ("Boulangerie Durand", "Garage Martin", "Imprimerie Roux", "Scierie du Val")
TODAY = re.compile(r"-\d{4}-\d{2}-\d{2}\.(csv|xlsx)\"$")
# Table key -> its sheet in the workbook.
OVERVIEW_SHEETS = {
    "participation": "Participation",
    "maturite": "Maturité",
    "niveaux": "Niveaux",
    "reevaluees": "Réévaluées",
    "trimestres": "Trimestres",
    "categories": "Où agir, catégories",
    "questions": "Où agir, questions",
}
ORGANISATION_SHEETS = {"organisations": "Organisations", "progressions": "Meilleures progressions"}


@pytest.fixture
def network(dashboard_network: factories.DashboardNetwork) -> factories.DashboardNetwork:
    return dashboard_network


@pytest.fixture
def animator(world, login_as):  # type: ignore[no-untyped-def]
    return login_as(world.animator)


class _Tables(HTMLParser):
    """The `<table data-table=…>` of a page: header texts, then each row's cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.current: list[list[str]] | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and dict(attrs).get("data-table"):
            self.current = self.tables.setdefault(str(dict(attrs)["data-table"]), [])
        elif self.current is not None and tag == "tr":
            self.current.append([])
        elif self.current is not None and tag in ("th", "td"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.current = None
        elif tag in ("th", "td") and self.current is not None and self.cell is not None:
            self.current[-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def html_tables(body: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(body)
    return parser.tables


def csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for French Excel
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def workbook(body: bytes):  # type: ignore[no-untyped-def]
    return load_workbook(io.BytesIO(body))


def shown(cell: Any) -> str:
    """An XLSX cell as its number format shows it, in French (the page's text)."""
    value, number_format = cell.value, cell.number_format
    if value is None:
        return ""
    if isinstance(value, datetime):
        assert number_format == "dd/mm/yyyy"
        return f"{value:%d/%m/%Y}"
    if isinstance(value, str):
        return value
    if number_format == "0%":
        return f"{round(value * 100)} %"
    if number_format == "0.0":
        return f"{value:.1f}".replace(".", ",")
    if number_format == "+0.0;-0.0;0.0":
        return f"{value:+.1f}".replace(".", ",").replace("+0,0", "0,0")
    assert number_format == "0", number_format
    return str(value)


def page_text(text: str) -> str:
    """A page's cell as plain text: no thousands space, ASCII minus, '–' for nothing."""
    return text.replace("\u202f", "").replace("−", "-").replace("–", "")


def csv_text(text: str, header: str) -> str:
    """A CSV cell as the page writes it (changes carry their sign there)."""
    change = header.startswith(("Évolution", "Progression")) or "évolution" in header
    if change and text[:1].isdigit() and text != "0,0":
        return "+" + text
    return text


def sheet_rows(sheet: Any) -> list[list[str]]:
    return [[shown(cell) for cell in row] for row in sheet.iter_rows()]


def the_three(animator: Any, page: str, what: str, key: str, sheet: str, query: str = "") -> Any:
    html = html_tables(animator.get(f"/t/demo/animation/{page}?{query}").get_data(as_text=True))
    base = f"/t/demo/animation/export?what={what}&{query}"
    csv_body = animator.get(f"{base}&format=csv&table={key}").data
    book = workbook(animator.get(f"{base}&format=xlsx").data)
    return html[key], csv_rows(csv_body), book[sheet]


@pytest.mark.parametrize(("key", "sheet"), OVERVIEW_SHEETS.items())
@pytest.mark.parametrize("query", ["", "section=C&theme=energie", "start=2025-01-01"])
def test_each_overview_table_shows_the_same_columns_and_values_in_html_csv_and_xlsx(
    world, network, animator, key, sheet, query
):
    html, rows, xlsx = the_three(animator, "", "aggregates", key, sheet, query)

    header = rows[0]
    assert [page_text(cell) for cell in html[0]] == header == [c.value for c in xlsx[1]]
    page = [[page_text(cell) for cell in row] for row in html[1:]]
    from_csv = [
        [csv_text(c, name) for c, name in zip(row, header, strict=True)] for row in rows[1:]
    ]
    assert page == from_csv == sheet_rows(xlsx)[1:]
    assert page or key in ("categories", "questions", "trimestres")


@pytest.mark.parametrize(("key", "sheet"), ORGANISATION_SHEETS.items())
def test_the_organisations_tables_show_the_same_columns_and_values_in_html_csv_and_xlsx(
    world, network, animator, key, sheet
):
    html, rows, xlsx = the_three(animator, "organisations", "organisations", key, sheet)

    header = rows[0]
    assert [page_text(cell) for cell in html[0]] == header == [c.value for c in xlsx[1]]
    page = [[page_text(cell) for cell in row] for row in html[1:]]
    from_csv = [
        [csv_text(c, name) for c, name in zip(row, header, strict=True)] for row in rows[1:]
    ]
    assert page == from_csv == sheet_rows(xlsx)[1:]
    assert len(page) == (5 if key == "organisations" else 1)


def test_the_maturity_table_gives_scores_to_one_decimal_as_numbers(world, network, animator):
    book = workbook(animator.get("/t/demo/animation/export?format=xlsx").data)
    rows = csv_rows(animator.get("/t/demo/animation/export?format=csv&table=maturite").data)

    sheet = book["Maturité"]
    header = [cell.value for cell in sheet[1]]
    energie = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "Énergie")
    mean = energie[header.index("Score moyen sur 5")]
    assert (mean.value, mean.data_type, mean.number_format) == (2.6, "n", "0.0")  # 18.5 / 7
    assert next(row for row in rows if row[0] == "Énergie")[4] == "2,6"
    mobilite = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "Mobilité")
    assert mobilite[header.index("Score moyen sur 5")].value == SUPPRESSED


def test_the_aggregates_csv_has_one_figure_per_line(world, network, animator):
    response = animator.get("/t/demo/animation/export?format=csv&what=aggregates")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # one charset
    rows = csv_rows(response.data)
    assert rows[0] == ["Rubrique", "Ligne", "Indicateur", "Valeur", "Remarque"]
    figures = {(row[0], row[1], row[2]): row[3] for row in rows[1:]}
    assert figures[("Participation", "Organisations inscrites", "Organisations")] == "8"
    assert figures[("Maturité", "Énergie", "Score moyen sur 5")] == "2,6"
    assert figures[("Réévaluées", "Énergie", "Évolution médiane")] == "1,0"


def test_the_workbook_has_number_formats_widths_and_a_frozen_header(world, network, animator):
    book = workbook(animator.get("/t/demo/animation/export?format=xlsx").data)

    for sheet in book:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1])
        widths = [sheet.column_dimensions[cell.column_letter].width for cell in sheet[1]]
        assert all(10 <= width <= 52 for width in widths), sheet.title
    participation = book["Participation"]
    assert participation["C2"].number_format == "0%"
    assert participation["C2"].value == 1.0
    assert book["Filtres"]["A2"].value == "Filtres"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_organisations_export_writes_labels_not_codes(world, network, animator, fmt):
    response = animator.get(f"/t/demo/animation/export?format={fmt}&what=organisations")

    if fmt == "csv":
        header, *rows = csv_rows(response.data)
    else:
        header, *rows = sheet_rows(workbook(response.data)["Organisations"])
    velo = dict(zip(header, next(row for row in rows if row[0] == "Vélo Solidaire"), strict=True))
    assert velo["Statut juridique"] == "Association"
    assert velo["Partage"] == "Partagé avec les animateurs"
    assert velo["Section NAF"] == "Autres activités de services"
    assert velo["Tranche d'effectif"] == "0 salarié"
    assert velo["Énergie : réévaluation due"] in ("oui", "non")
    cells = {cell for row in rows for cell in row}
    assert not cells & {"animators", "public", "association", "entreprise", "S", "C", "00"}


def test_the_organisations_workbook_keeps_scores_and_dates_typed(world, network, animator):
    book = workbook(animator.get("/t/demo/animation/export?format=xlsx&what=organisations").data)

    sheet = book["Organisations"]
    header = [cell.value for cell in sheet[1]]
    leroy = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "Menuiserie Leroy")
    score = leroy[header.index("Énergie : score sur 5")]
    assert (score.value, score.data_type, score.number_format) == (2.0, "n", "0.0")
    change = leroy[header.index("Énergie : évolution depuis la première")]
    assert (change.value, change.number_format) == (1.0, "+0.0;-0.0;0.0")
    assert leroy[header.index("Énergie : auto-évaluations")].value == 2
    assert leroy[header.index("Énergie : dernière auto-évaluation")].value == datetime(2025, 3, 20)
    progress = book["Meilleures progressions"]
    assert [cell.value for cell in progress[2]][:3] == ["Menuiserie Leroy", "Rouen", "Énergie"]


@pytest.mark.parametrize(
    "url",
    [
        "format=csv",
        "format=csv&table=maturite",
        "format=csv&table=reevaluees",
        "format=csv&table=niveaux",
        "format=xlsx",
    ],
)
def test_figures_over_fewer_than_five_organisations_are_in_no_export(world, network, animator, url):
    cohort = network.cohort.id  # four organisations: durand 3, c1 2, c2 3, c3 5

    body = animator.get(f"/t/demo/animation/export?{url}&cohort={cohort}").data

    if url.startswith("format=csv"):
        text = body.decode("utf-8-sig")
    else:
        text = "\n".join(
            str(cell.value) for sheet in workbook(body) for row in sheet.iter_rows() for cell in row
        )
    assert SUPPRESSED in text
    for figure in ("3,3", "3,25", "3.25", "3,4", "3.4", "3,375", "3.375"):
        assert figure not in text


def test_the_page_suppresses_the_same_figures_as_the_exports(world, network, animator):
    cohort = network.cohort.id
    tables = html_tables(animator.get(f"/t/demo/animation/?cohort={cohort}").get_data(as_text=True))

    energie = next(row for row in tables["maturite"] if row[0] == "Énergie")
    assert energie[4:] == [SUPPRESSED, SUPPRESSED]


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
    # Enough organisations outside section C that its figures give no small group away.
    for index in range(5):
        factories.make_org(world.territory, f"Commerce {index}", naf_section="G")
    aggregates = csv_rows(
        animator.get("/t/demo/animation/export?format=csv&section=C&theme=energie").data
    )
    registered = next(row for row in aggregates if row[1] == "Organisations inscrites")
    assert registered[3] == "6"
    assert not any("Mobilité" in row[1] for row in aggregates)


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("format=xlsx", "animation-demo-agregats"),
        ("format=xlsx&theme=energie&section=C", "animation-demo-agregats-energie-naf-C"),
        (
            "format=csv&table=maturite&legal_type=association",
            "animation-demo-agregats-maturite-association",
        ),
        (
            "format=csv&what=organisations&headcount=12&start=2025-01-01",
            "animation-demo-organisations-effectif-20-a-49-salaries-du-2025-01-01",
        ),
        ("format=xlsx&cohort={cohort}", "animation-demo-agregats-cohorte-Promotion-des-pionniers"),
    ],
)
def test_a_filtered_export_is_named_after_its_filters(world, network, animator, query, name):
    response = animator.get(f"/t/demo/animation/export?{query.format(cohort=network.cohort.id)}")

    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="{name}-')
    assert TODAY.search(disposition)
    assert disposition.isascii()


def test_the_export_links_of_the_page_carry_its_filters(world, network, animator):
    html = animator.get("/t/demo/animation/?section=C&theme=energie").get_data(as_text=True)

    assert "export?format=xlsx&amp;what=aggregates&amp;theme=energie&amp;section=C" in html
    assert "what=aggregates&amp;table=maturite&amp;theme=energie&amp;section=C" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("format=pdf", "Format d'export inconnu"),
        ("what=tout", "Export inconnu"),
        ("format=csv&table=tout", "Tableau inconnu"),
        ("format=csv&section=ZZ", "Choisissez une section NAF de la liste"),
    ],
)
def test_a_bad_export_request_gets_a_french_400(world, animator, query, message):
    response = animator.get(f"/t/demo/animation/export?{query}")

    assert response.status_code == 400
    assert message in response.get_data(as_text=True).replace("&#39;", "'")


def test_an_export_of_an_empty_territory_is_a_valid_file(world, animator):
    csv_body = animator.get("/t/demo/animation/export?format=csv&what=organisations").data
    xlsx_body = animator.get("/t/demo/animation/export?format=xlsx&what=aggregates").data

    assert csv_rows(csv_body) == [csv_rows(csv_body)[0]]
    assert csv_rows(csv_body)[0][0] == "Organisation"
    assert workbook(xlsx_body)["Participation"]["A2"].value == "Organisations inscrites"
    db.session.rollback()
