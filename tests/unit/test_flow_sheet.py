"""The sheet of flows, checked with no app: columns, rows, formulas, encodings, limits."""

from __future__ import annotations

import pytest

from assett.domain.collective import FiguresError, figures_text, parse_figures
from assett.domain.flow_sheet import Organisations, category_of, check_sheet
from assett.domain.sheet_files import MAX_ROWS, SheetError, csv_rows, decode_csv

HEADER = ["organisation", "sens", "categorie", "quantite", "unite", "frequence", "commune_insee"]
ORGS = Organisations(
    by_siret={"12345678900012": 1},
    by_name={"boulangerie durand": [1], "garage martin": [2], "homonyme": [3, 4]},
)


def refusal(rows: list[list[str]]) -> list[str]:
    with pytest.raises(SheetError) as caught:
        check_sheet(rows, ORGS)
    return [str(problem) for problem in caught.value.problems]


def test_a_valid_sheet_gives_each_row_its_organisation_and_yearly_figure() -> None:
    rows = [
        HEADER,
        ["Boulangerie Durand", "offre", "15 01 03", "2,5", "t", "mensuel", "76540"],
        ["123 456 789 00012", "besoin", "energie.usage.chauffage_locaux", "", "", "", "76540"],
    ]

    flows = check_sheet(rows, ORGS)

    assert [f.organisation_id for f in flows] == [1, 1]
    assert flows[0].values["yearly_quantity"] == 30.0
    assert flows[1].values["direction"] == "need"
    assert flows[1].values["quantity"] is None


def test_every_bad_cell_of_every_row_is_reported_with_its_row_and_column() -> None:
    rows = [
        HEADER,
        ["Inconnue SA", "offre", "99 99 99", "2", "t", "annuel", "76540"],
        ["Garage Martin", "donne", "15 01 03", "abc", "t", "annuel", "00000"],
        ["Homonyme", "besoin", "15 01 03", "3", "", "annuel", "76540"],
    ]

    problems = refusal(rows)

    assert problems == [
        "ligne 2, colonne « organisation » : organisation inconnue sur le territoire "
        "(SIRET ou nom exact attendu)",
        "ligne 2, colonne « categorie » : catégorie inconnue (code déchet comme 15 01 03, "
        "ou code de flux)",
        "ligne 3, colonne « sens » : « offre » ou « besoin » attendu",
        "ligne 3, colonne « quantite » : un nombre positif est attendu (par exemple 12,5)",
        "ligne 3, colonne « commune_insee » : code INSEE de commune inconnu "
        "(5 caractères, par exemple 76540)",
        "ligne 4, colonne « organisation » : plusieurs organisations portent ce nom : "
        "indiquez le SIRET",
        "ligne 4, colonne « unite » : indiquez l'unité de la quantité",
    ]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["organisation", "sens", "categorie"], "colonne « commune_insee » : colonne obligatoire"),
        ([*HEADER, "couleur"], "colonne « couleur » : colonne inconnue"),
        ([*HEADER, "sens"], "colonne « sens » : colonne en double"),
    ],
)
def test_a_bad_header_line_is_refused_naming_the_column(header: list[str], message: str) -> None:
    problems = refusal([header, ["Boulangerie Durand", "offre", "15 01 03"]])
    assert any(message in problem for problem in problems)


@pytest.mark.parametrize("cell", ["=1+1", "+33 1 02", "-5", "@SUM(A1)", '=HYPERLINK("x")'])
def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_refused(cell: str) -> None:
    rows = [HEADER, ["Boulangerie Durand", "offre", "15 01 03", cell, "t", "annuel", "76540"]]
    problems = refusal(rows)
    assert len(problems) == 1
    assert problems[0].startswith("ligne 2, colonne « quantite » : une cellule ne peut pas")


def test_more_rows_than_the_limit_are_refused_with_the_limit_in_the_message() -> None:
    row = ["Boulangerie Durand", "offre", "15 01 03", "1", "t", "annuel", "76540"]
    problems = refusal([HEADER] + [row] * (MAX_ROWS + 1))
    assert problems == [
        f"fichier : le fichier compte plus de {MAX_ROWS} lignes de flux : c'est la limite "
        "par fichier ; découpez-le en plusieurs fichiers"
    ]


def test_a_hundred_thousand_csv_lines_stop_at_the_limit_without_reading_them_all() -> None:
    text = ";".join(HEADER) + "\n" + "x;offre\n" * 100_000
    with pytest.raises(SheetError, match="plus de 2000 lignes"):
        csv_rows(text)


def test_an_empty_sheet_and_a_header_alone_are_refused() -> None:
    assert refusal([]) == [
        "fichier : le fichier est vide : la première ligne doit nommer les colonnes"
    ]
    assert refusal([HEADER]) == ["fichier : aucune ligne de flux sous la ligne des colonnes"]


def test_an_absurd_quantity_is_refused_as_in_the_form() -> None:
    rows = [HEADER, ["Boulangerie Durand", "offre", "15 01 03", "20000000", "t", "", "76540"]]
    assert "la quantité est trop grande" in refusal(rows)[0]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("15 01 03", ("waste", "15 01 03")),
        ("150103", ("waste", "15 01 03")),
        ("15.01.03", ("waste", "15 01 03")),
        ("dechet:15 01 03", ("waste", "15 01 03")),
        ("flux:energie.usage.chauffage_locaux", ("taxonomy", "energie.usage.chauffage_locaux")),
        ("bois", None),
    ],
)
def test_a_category_is_read_in_any_usual_spelling(
    typed: str, expected: tuple[str, str] | None
) -> None:
    assert category_of(typed) == expected


def test_utf8_and_windows_1252_are_read_alike() -> None:
    text = "organisation;sens\nBoulangerie Hélène;offre\n"
    assert decode_csv(text.encode("utf-8")) == text
    assert decode_csv(("\ufeff" + text).encode("utf-8")) == text
    assert decode_csv(text.encode("cp1252")) == text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("organisation;sens\n".encode("utf-16"), "UTF-16"),
        ("組織;方向\n日本の会社;オファー\n".encode("shift_jis"), "encodage non reconnu"),
        (b"\x81\x8d\x8f\x90\x9d" * 10, "encodage non reconnu"),
        (b"a;b\n\x01\x02\x03;c\n", "caractères de contrôle"),
        (b"x" * (2 * 1024 * 1024 + 1), "trop volumineux"),
    ],
)
def test_other_encodings_and_binary_content_are_refused(content: bytes, message: str) -> None:
    with pytest.raises(SheetError, match=message):
        decode_csv(content)


def test_the_separator_is_read_from_the_header_line() -> None:
    assert csv_rows("a,b\n1,2\n") == [["a", "b"], ["1", "2"]]
    assert csv_rows("a;b\n1,5;2\n") == [["a", "b"], ["1,5", "2"]]


def test_figures_are_read_one_a_line_and_written_back_alike() -> None:
    figures = parse_figures("Tonnes détournées par an : 12,5 t\n\nSalariés covoitureurs : 48")
    assert [(f.label, f.value, f.unit) for f in figures] == [
        ("Tonnes détournées par an", 12.5, "t"),
        ("Salariés covoitureurs", 48.0, ""),
    ]
    stored = [{"label": f.label, "value": f.value, "unit": f.unit} for f in figures]
    assert figures_text(stored) == "Tonnes détournées par an : 12,5 t\nSalariés covoitureurs : 48"


def test_a_figure_line_without_a_value_is_refused_naming_its_line() -> None:
    with pytest.raises(FiguresError) as caught:
        parse_figures("Tonnes : 3 t\nbeaucoup de succès")
    assert caught.value.errors[0].startswith("ligne 2 :")
