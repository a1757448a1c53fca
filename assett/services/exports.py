"""Spreadsheet helpers safe to open in Excel or LibreOffice: CSV of a DataFrame, sheet names.

Every text cell and every column header goes through `neutralise_cell`, so that a text an
organisation typed (« =HYPERLINK(…) ») is never run as a formula; numbers stay typed values.
The dashboard's tables are written by reporting.exports from their column specs.
"""

from __future__ import annotations

import re

import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from assett.content_text import content_locale
from assett.domain.aggregation import neutralise_cell
from assett.domain.content_language import SOURCE_LANGUAGE

CSV_SEPARATOR = ";"
CSV_DECIMAL = ","
SHEET_TITLE_MAX = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_DEFAULT_SHEET = "Feuille"


def _header(column: object) -> str:
    return str(neutralise_cell(str(column)))


def _keeps_type(series: pd.Series) -> bool:
    """Tell whether a column holds typed values (numbers, booleans, dates) written as such."""
    return bool(
        pd.api.types.is_numeric_dtype(series)
        or pd.api.types.is_bool_dtype(series)
        or pd.api.types.is_datetime64_any_dtype(series)
        or pd.api.types.is_timedelta64_dtype(series)
    )


def csv_decimal() -> str:
    """The decimal mark of the reader's language: « , » in French, "." in English."""
    return CSV_DECIMAL if content_locale() == SOURCE_LANGUAGE else "."


def _csv_cell(value: object, decimal: str = CSV_DECIMAL) -> object:
    """Neutralise a text; write a float of a mixed column with the decimal mark too."""
    if isinstance(value, float) and not isinstance(value, bool):
        return repr(float(value)).replace(".", decimal)
    return neutralise_cell(value)


def to_csv_bytes(df: pd.DataFrame, decimal: str = CSV_DECIMAL) -> bytes:
    """Return the DataFrame as CSV for an Excel of the reader's language, UTF-8 with BOM.

    With the decimal comma (French), ';' separates the fields: French Excel reads ';' as the
    separator and ',' as the decimal mark, so scores arrive as numbers (2,5) rather than text
    or dates. With the decimal point (English), ',' separates them, as English Excel reads.
    The BOM makes Excel read UTF-8 accents. Rows end with CRLF (RFC 4180); a missing value is
    an empty field.
    """
    separator = CSV_SEPARATOR if decimal == CSV_DECIMAL else ","
    out = pd.DataFrame(
        {
            index: series
            if _keeps_type(series)
            else series.astype(object).map(lambda v: _csv_cell(v, decimal), na_action="ignore")
            for index, (_, series) in enumerate(df.items())
        },
        index=df.index,
    )
    out.columns = pd.Index([_header(column) for column in df.columns], dtype=object)
    text: str = out.to_csv(sep=separator, decimal=decimal, index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def sheet_title(name: str, taken: set[str] | None = None) -> str:
    """Return a valid, unique sheet name: no []:*?/\\, no edge quote, at most 31 characters."""
    title = _SHEET_FORBIDDEN.sub("-", ILLEGAL_CHARACTERS_RE.sub("", name)).strip().strip("'")
    title = title[:SHEET_TITLE_MAX].strip() or _DEFAULT_SHEET
    if title.casefold() == "history":  # reserved by Excel
        title = f"{title} (1)"
    taken = taken if taken is not None else set()
    candidate, number = title, 1
    while candidate.casefold() in taken:
        number += 1
        suffix = f" ({number})"
        candidate = title[: SHEET_TITLE_MAX - len(suffix)].rstrip() + suffix
    return candidate


def xlsx_text(value: str) -> str:
    """Drop the control characters XLSX cannot hold, then neutralise formulas."""
    return str(neutralise_cell(ILLEGAL_CHARACTERS_RE.sub("", value)))
