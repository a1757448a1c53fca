"""CSV and XLSX exports: French Excel settings, formula injection neutralised, scores numeric."""

import csv
import io
from datetime import date, datetime

import pandas as pd
import pytest
from openpyxl import load_workbook

from assett.services.exports import sheet_title, to_csv_bytes, to_xlsx_bytes

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
SCORES = [2.5, 1.25, 0.0, 5.0, 3.75, None, 4.0, 1.5]


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Organisation": DANGEROUS,
            "Score énergie": SCORES,
            "Évaluations": [1, 2, 3, 4, 5, 6, 7, 8],
            "=Total": ["=1+1", 1.5, None, "ok", "ok", "ok", "ok", "ok"],
        }
    )


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_csv_starts_with_the_utf8_bom_and_uses_semicolons() -> None:
    data = to_csv_bytes(_frame())

    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").startswith("Organisation;Score énergie;Évaluations;'=Total\r\n")


def test_csv_neutralises_dangerous_cells_and_headers() -> None:
    header, *rows = _csv_rows(to_csv_bytes(_frame()))

    assert header == ["Organisation", "Score énergie", "Évaluations", "'=Total"]
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
    assert rows[0][3] == "'=1+1"


def test_csv_writes_scores_with_a_decimal_comma() -> None:
    _, *rows = _csv_rows(to_csv_bytes(_frame()))

    assert [row[1] for row in rows] == ["2,5", "1,25", "0,0", "5,0", "3,75", "", "4,0", "1,5"]
    assert [row[2] for row in rows] == ["1", "2", "3", "4", "5", "6", "7", "8"]
    assert [row[3] for row in rows[:3]] == ["'=1+1", "1,5", ""]  # a float among texts too


def test_csv_leaves_the_dataframe_untouched() -> None:
    frame = _frame()

    to_csv_bytes(frame)

    assert frame["Organisation"].tolist() == DANGEROUS
    assert list(frame.columns)[3] == "=Total"


def _sheet_values(data: bytes, title: str) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(data))[title]
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_xlsx_neutralises_dangerous_cells_and_keeps_scores_numeric() -> None:
    data = to_xlsx_bytes({"Résultats": _frame()})
    sheet = load_workbook(io.BytesIO(data))["Résultats"]
    rows = list(sheet.iter_rows(min_row=2))

    assert [cell.value for cell in sheet[1]] == [
        "Organisation",
        "Score énergie",
        "Évaluations",
        "'=Total",
    ]
    assert [row[0].value for row in rows] == [
        '\'=HYPERLINK("http://exemple.test","clic")',
        "'+33 1 23 45 67 89",
        "'-moins",
        "'@SOMME(A1)",
        "'\tTabulation",
        "'\nRetour",  # XML reads a carriage return back as a line feed
        "'\nLigne",
        "Boulangerie Martin",
    ]
    assert [row[1].value for row in rows] == SCORES
    assert {row[1].data_type for row in rows if row[1].value is not None} == {"n"}
    assert [row[2].value for row in rows] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert (rows[0][3].value, rows[1][3].value, rows[1][3].data_type) == ("'=1+1", 1.5, "n")
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_xlsx_header_is_bold_and_frozen() -> None:
    sheet = load_workbook(io.BytesIO(to_xlsx_bytes({"Résultats": _frame()})))["Résultats"]

    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"


def test_xlsx_writes_one_sheet_per_dataframe_with_valid_names() -> None:
    data = to_xlsx_bytes(
        {
            "Énergie : résultats [2025/T3]*?": pd.DataFrame({"Score": [1.5]}),
            "Mobilité": pd.DataFrame({"Score": [2.0]}),
            "mobilité": pd.DataFrame({"Score": [3.0]}),
        }
    )
    workbook = load_workbook(io.BytesIO(data))

    assert workbook.sheetnames == ["Énergie - résultats -2025-T3---", "Mobilité", "mobilité (2)"]
    assert workbook["mobilité (2)"]["A2"].value == 3.0


def test_xlsx_keeps_dates_and_drops_control_characters() -> None:
    frame = pd.DataFrame(
        {
            "Envoyée le": pd.to_datetime(["2025-08-14 10:30", None]),
            "Jour": [date(2025, 1, 2), None],
            "Commentaire": ["bip\x07bip", "=\x00A1"],
            "Sans fuseau": pd.to_datetime(["2025-08-14 10:30", "2025-08-15 00:00"]).tz_localize(
                "Europe/Paris"
            ),
        }
    )

    rows = _sheet_values(to_xlsx_bytes({"Dates": frame}), "Dates")

    assert rows[1] == [
        datetime(2025, 8, 14, 10, 30),
        datetime(2025, 1, 2),
        "bipbip",
        datetime(2025, 8, 14, 10, 30),
    ]
    assert rows[2] == [None, None, "'=A1", datetime(2025, 8, 15)]


def test_xlsx_needs_at_least_one_sheet() -> None:
    with pytest.raises(ValueError, match="au moins une feuille"):
        to_xlsx_bytes({})


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
