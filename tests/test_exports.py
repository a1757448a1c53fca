"""The CSV and XLSX writers: any table rendered from its column spec, safe in Excel, typed."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime

import pandas as pd
import pytest
from flask import Flask
from openpyxl import load_workbook

from assett.reporting.columns import (
    CHANGE,
    DATE,
    INTEGER,
    LABEL,
    PERCENT,
    SCORE,
    YES_NO,
    Column,
    Table,
    rounded,
)
from assett.reporting.exports import (
    WIDTH_SAMPLE_ROWS,
    csv_stream,
    file_name,
    long_csv_stream,
    xlsx_bytes,
    xlsx_stream,
)
from assett.services.exports import sheet_title, to_csv_bytes

DANGEROUS = [
    '=HYPERLINK("http://exemple.test","clic")',
    "+33 1 23 45 67 89",
    "-moins",
    "@SOMME(A1)",
    "\tTabulation",
    "\rRetour",
    "\nLigne",
    "Boulangerie Martin",
]
SUPPRESSED = "moins de 5 organisations"


def _rows() -> list[dict[str, object]]:
    return [
        {
            "name": name,
            "score": score,
            "n": index + 1,
            "share": share,
            "legal": legal,
            "day": datetime(2025, 8, 14, 22, 30, tzinfo=UTC) if index == 0 else None,
            "change": change,
            "due": index % 2 == 0,
            "small": index == 7,
        }
        for index, (name, score, share, legal, change) in enumerate(
            zip(
                DANGEROUS,
                [2.45, 1.25, 0.0, 5.0, 3.75, None, 4.04, 1.5],
                [0.125, 0.5, 1.0, 0.0, 0.333, None, 0.07, 0.9],
                ["entreprise", "association", "autre", "entreprise", "x", None, "", "autre"],
                [1.0, -0.45, 0.0, None, 0.2, 0.04, -1.25, 2.0],
                strict=True,
            )
        )
    ]


def _table(rows: Iterable[dict[str, object]] | None = None) -> Table:
    small = lambda row: row["small"]  # noqa: E731
    return Table(
        "essai",
        "Résultats",
        [
            Column("Organisation", lambda row: row["name"]),
            Column("Score sur 5", lambda row: row["score"], SCORE, small),
            Column("Évaluations", lambda row: row["n"], INTEGER),
            Column("Part", lambda row: row["share"], PERCENT, small),
            Column("Statut", lambda row: row["legal"], LABEL, labels={"entreprise": "Entreprise"}),
            Column("Envoyée le", lambda row: row["day"], DATE),
            Column("Évolution", lambda row: row["change"], CHANGE, small),
            Column("=Due", lambda row: row["due"], YES_NO),
        ],
        _rows() if rows is None else rows,
    )


def _csv(chunks: object) -> list[list[str]]:
    data = b"".join(chunks)  # type: ignore[call-overload]
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for French Excel
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def _sheet(tables: list[Table], title: str = "Résultats"):  # type: ignore[no-untyped-def]
    return load_workbook(io.BytesIO(xlsx_bytes(tables)))[title]


def test_the_csv_has_the_columns_of_the_spec_in_order_with_neutralised_headers(app: Flask) -> None:
    header, *rows = _csv(csv_stream(_table()))

    assert header == [
        "Organisation",
        "Score sur 5",
        "Évaluations",
        "Part",
        "Statut",
        "Envoyée le",
        "Évolution",
        "'=Due",
    ]
    assert len(rows) == 8


def test_the_csv_writes_french_numbers_rounded_as_on_the_page(app: Flask) -> None:
    _, *rows = _csv(csv_stream(_table()))

    assert [row[1] for row in rows] == ["2,5", "1,3", "0,0", "5,0", "3,8", "", "4,0", SUPPRESSED]
    assert [row[2] for row in rows] == ["1", "2", "3", "4", "5", "6", "7", "8"]
    assert [row[3] for row in rows][:3] == ["13 %", "50 %", "100 %"]
    assert [row[6] for row in rows][:3] == ["1,0", "-0,5", "0,0"]
    assert rows[0][5] == "15/08/2025"  # the local day of 22:30 UTC in Paris


def test_the_csv_writes_labels_not_codes(app: Flask) -> None:
    _, *rows = _csv(csv_stream(_table()))

    assert [row[4] for row in rows] == [
        "Entreprise",
        "association",
        "autre",
        "Entreprise",
        "x",
        "",
        "",
        "autre",
    ]
    assert [row[7] for row in rows][:2] == ["oui", "non"]


def test_the_csv_neutralises_texts_that_a_spreadsheet_would_run(app: Flask) -> None:
    _, *rows = _csv(csv_stream(_table()))

    assert [row[0] for row in rows] == [
        '\'=HYPERLINK("http://exemple.test","clic")',
        "'+33 1 23 45 67 89",
        "'-moins",
        "'@SOMME(A1)",
        "'\tTabulation",
        "'\rRetour",
        "'\nLigne",
        "Boulangerie Martin",
    ]


def test_the_csv_uses_semicolons_and_crlf(app: Flask) -> None:
    data = b"".join(csv_stream(_table())).decode("utf-8-sig")

    assert data.startswith("Organisation;Score sur 5;Évaluations;Part;Statut;")
    assert data.endswith("\r\n")


def test_the_csv_streams_in_chunks_of_rows_the_first_one_short(app: Flask) -> None:
    many = [_rows()[1] for _ in range(1200)]

    chunks = list(csv_stream(_table(many)))

    # The header and 100 rows, so that the download starts at once; then 500 rows a chunk.
    assert [chunk.count(b"\r\n") for chunk in chunks] == [101, 400, 500, 200]
    assert len(_csv(chunks)) == 1201


def test_the_workbook_sends_its_first_bytes_once_its_header_row_is_written(app: Flask) -> None:
    total = 1_200
    read: list[int] = []

    def rows() -> Iterator[dict[str, object]]:
        for index in range(total):
            read.append(index)
            yield {**_rows()[7], "name": f"Organisation n° {index * 7919 % 100_003}"}

    stream = xlsx_stream([_table(rows())])
    first = next(stream)

    assert first.startswith(b"PK")  # a zip's first entry, sent at once
    # Only the rows that set the column widths were read before the first bytes left.
    assert len(read) == WIDTH_SAMPLE_ROWS
    data = first + b"".join(stream)
    sheet = load_workbook(io.BytesIO(data))["Résultats"]
    assert sheet.max_row == total + 1
    assert sheet.cell(total + 1, 1).value == f"Organisation n° {(total - 1) * 7919 % 100_003}"


def test_repeated_values_are_written_as_each_one_alone_would_be(app: Flask) -> None:
    # Each column's texts are remembered per value read: 1, 1.0 and True are equal keys,
    # a rounded -0.04 is -0.0, equal to 0.0 but written with its sign; a list is no key.
    read = [1, 1.0, True, "1", [1], 1, 1.0, True]
    changes = [-0.04, 0.0, 0.04, -0.04, 0.0, -0.03, None, 0.0]
    table = Table(
        "essai",
        "Résultats",
        [
            Column("Texte", lambda row: row[0]),
            Column("Évolution", lambda row: row[1], CHANGE),
        ],
        list(zip(read, changes, strict=True)),
    )

    _, *rows = _csv(csv_stream(table))
    sheet = _sheet([table])

    assert [row[0] for row in rows] == ["1", "1.0", "True", "1", "[1]", "1", "1.0", "True"]
    assert [row[1] for row in rows] == ["-0,0", "0,0", "0,0", "-0,0", "0,0", "-0,0", "", "0,0"]
    signs = [str(row[1].value) for row in sheet.iter_rows(min_row=2)]
    assert signs == ["-0.0", "0.0", "0.0", "-0.0", "0.0", "-0.0", "None", "0.0"]


def test_the_long_csv_has_one_figure_per_line_and_never_a_suppressed_one(app: Flask) -> None:
    header, *rows = _csv(long_csv_stream([_table()]))

    assert header == ["Rubrique", "Ligne", "Indicateur", "Valeur", "Remarque"]
    first = [row for row in rows if row[1].startswith("'=HYPERLINK")]
    assert [row[2:] for row in first] == [
        ["Score sur 5", "2,5", ""],
        ["Évaluations", "1", ""],
        ["Part", "13 %", ""],
        ["Envoyée le", "15/08/2025", ""],
        ["Évolution", "1,0", ""],
    ]
    hidden = [row for row in rows if row[1].startswith("Boulangerie") and row[2] == "Part"]
    assert hidden == [["Résultats", "Boulangerie Martin · autre · non", "Part", "", SUPPRESSED]]


def test_the_workbook_keeps_figures_typed_with_their_number_formats(app: Flask) -> None:
    sheet = _sheet([_table()])
    rows = list(sheet.iter_rows(min_row=2))

    assert [row[1].value for row in rows] == [2.5, 1.3, 0.0, 5.0, 3.8, None, 4.0, SUPPRESSED]
    assert {row[1].number_format for row in rows[:5]} == {"0.0"}
    assert [row[2].value for row in rows] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert rows[0][3].value == 0.13
    assert rows[0][3].number_format == "0%"
    assert rows[1][6].value == -0.5
    assert rows[1][6].number_format == "+0.0;-0.0;0.0"
    assert rows[0][5].value == datetime(2025, 8, 15)
    assert rows[0][5].number_format == "dd/mm/yyyy"
    assert [rows[0][7].value, rows[1][7].value] == ["oui", "non"]
    assert {row[1].data_type for row in rows[:5]} == {"n"}


def test_the_workbook_header_is_bold_frozen_filtered_and_the_columns_sized(app: Flask) -> None:
    sheet = _sheet([_table()])

    assert [cell.value for cell in sheet[1]][-1] == "'=Due"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:H9"
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEFGH"}
    assert widths["A"] >= len('=HYPERLINK("http://exemple.test","clic")')
    assert all(10 <= width <= 52 for width in widths.values())


def test_the_workbook_neutralises_texts_and_drops_control_characters(app: Flask) -> None:
    rows = _rows()
    rows[7]["name"] = "=\x00A1 bip\x07"

    sheet = _sheet([_table(rows)])
    names = [row[0] for row in sheet.iter_rows(min_row=2)]

    assert [cell.value for cell in names] == [
        '\'=HYPERLINK("http://exemple.test","clic")',
        "'+33 1 23 45 67 89",
        "'-moins",
        "'@SOMME(A1)",
        "'\tTabulation",
        "'\nRetour",  # XML reads a carriage return back as a line feed
        "'\nLigne",
        "'=A1 bip",
    ]
    assert all(cell.data_type == "s" for cell in names)
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_the_workbook_has_one_valid_sheet_per_table(app: Flask) -> None:
    tables = [
        Table("a", "Énergie : résultats [2025/T3]*?", [Column("Score", lambda r: r, SCORE)], [1.5]),
        Table("b", "Mobilité", [Column("Score", lambda r: r, SCORE)], [2.0]),
        Table("c", "mobilité", [Column("Score", lambda r: r, SCORE)], []),
    ]

    book = load_workbook(io.BytesIO(xlsx_bytes(tables)))

    assert book.sheetnames == ["Énergie - résultats -2025-T3---", "Mobilité", "mobilité (2)"]
    assert book["Mobilité"]["A2"].value == 2.0
    assert book["mobilité (2)"].max_row == 1


def test_a_workbook_needs_at_least_one_sheet(app: Flask) -> None:
    with pytest.raises(ValueError, match="au moins une feuille"):
        xlsx_bytes([])


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [(2.45, 1, 2.5), (2.449, 1, 2.4), (0.05, 1, 0.1), (-0.45, 1, -0.5), (0.125, 2, 0.13)],
)
def test_figures_are_rounded_half_up_as_on_the_page(
    value: float, decimals: int, expected: float
) -> None:
    assert rounded(value, decimals) == expected


def test_a_file_name_writes_headcount_and_legal_type_by_their_label() -> None:
    labels = {
        "headcount": {"12": "20 à 49 salariés"},
        "legal_type": {"etablissement_public": "Établissement public"},
    }
    filters = {"headcount": "12", "legal_type": "etablissement_public"}
    name = file_name(["animation", "demo", "agregats"], filters, labels, date(2026, 12, 5), "csv")
    assert name == (
        "animation-demo-agregats-effectif-20-a-49-salaries-etablissement-public-2026-12-05.csv"
    )


@pytest.mark.parametrize(
    ("filters", "labels", "expected"),
    [
        ({}, {}, "animation-demo-agregats-2026-12-05.xlsx"),
        (
            {"theme": "energie", "section": "C"},
            {},
            "animation-demo-agregats-energie-naf-C-2026-12-05.xlsx",
        ),
        (
            {"cohort": "3", "headcount": "12", "legal_type": "entreprise"},
            {"cohort": {"3": "Promotion des Pionnières !"}},
            "animation-demo-agregats-effectif-12-entreprise-cohorte-Promotion-des-Pionnieres"
            "-2026-12-05.xlsx",
        ),
        (
            {"end": "2026-05-31", "start": "2025-01-01", "postcode": "76100"},
            {},
            "animation-demo-agregats-76100-du-2025-01-01-au-2026-05-31-2026-12-05.xlsx",
        ),
    ],
)
def test_a_file_name_says_its_filters_in_ascii(
    filters: dict[str, str], labels: dict[str, dict[str, str]], expected: str
) -> None:
    name = file_name(["animation", "demo", "agregats"], filters, labels, date(2026, 12, 5), "xlsx")

    assert name == expected
    assert name.isascii()


# The organisation's own data export writes DataFrames as CSV (services.exports).


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Organisation": DANGEROUS,
            "Score énergie": [2.5, 1.25, 0.0, 5.0, 3.75, None, 4.0, 1.5],
            "Évaluations": [1, 2, 3, 4, 5, 6, 7, 8],
            "=Total": ["=1+1", 1.5, None, "ok", "ok", "ok", "ok", "ok"],
        }
    )


def _frame_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_a_dataframe_csv_starts_with_the_utf8_bom_and_uses_semicolons() -> None:
    data = to_csv_bytes(_frame())

    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").startswith("Organisation;Score énergie;Évaluations;'=Total\r\n")


def test_a_dataframe_csv_neutralises_cells_and_writes_decimal_commas() -> None:
    header, *rows = _frame_rows(to_csv_bytes(_frame()))

    assert header[3] == "'=Total"
    assert rows[0][0] == '\'=HYPERLINK("http://exemple.test","clic")'
    assert [row[1] for row in rows] == ["2,5", "1,25", "0,0", "5,0", "3,75", "", "4,0", "1,5"]
    assert [row[3] for row in rows[:3]] == ["'=1+1", "1,5", ""]


def test_a_dataframe_csv_leaves_the_dataframe_untouched() -> None:
    frame = _frame()

    to_csv_bytes(frame)

    assert frame["Organisation"].tolist() == DANGEROUS
    assert list(frame.columns)[3] == "=Total"


@pytest.mark.parametrize(
    ("name", "taken", "expected"),
    [
        ("Résultats", set(), "Résultats"),
        ("Énergie/Mobilité", set(), "Énergie-Mobilité"),
        ("a[b]c:d*e?f\\g", set(), "a-b-c-d-e-f-g"),
        ("x" * 40, set(), "x" * 31),
        ("", set(), "Feuille"),
        ("'cité'", set(), "cité"),
        ("History", set(), "History (1)"),
        ("Bilan", {"bilan"}, "Bilan (2)"),
        ("Bilan", {"bilan", "bilan (2)"}, "Bilan (3)"),
        ("y" * 40, {"y" * 31}, "y" * 27 + " (2)"),
    ],
)
def test_sheet_title(name: str, taken: set[str], expected: str) -> None:
    assert sheet_title(name, taken) == expected
    assert len(expected) <= 31
