"""Spreadsheet exports (CSV and XLSX) of DataFrames, safe to open in Excel or LibreOffice.

Every text cell and every column header goes through `neutralise_cell`, so that a text an
organisation typed (« =HYPERLINK(…) ») is never run as a formula; numbers, booleans and dates
stay typed values. Callers build their DataFrames with French column headers and reset any
meaningful index into a column: the index is not written.
"""

from __future__ import annotations

import io
import math
import re
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from assett.domain.aggregation import neutralise_cell

CSV_SEPARATOR = ";"
CSV_DECIMAL = ","
SHEET_TITLE_MAX = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_DEFAULT_SHEET = "Feuille"
_XLSX_TYPES = (bool, int, float, Decimal, str, datetime, date, time)


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


def _csv_cell(value: object) -> object:
    """Neutralise a text; write a float of a mixed column with a decimal comma too."""
    if isinstance(value, float) and not isinstance(value, bool):
        return repr(float(value)).replace(".", CSV_DECIMAL)
    return neutralise_cell(value)


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """Return the DataFrame as CSV for a French Excel: UTF-8 with BOM, ';', decimal comma.

    French Excel reads ';' as the separator and ',' as the decimal mark, so scores arrive
    as numbers (2,5) rather than text or dates; the BOM makes it read UTF-8 accents.
    Rows end with CRLF (RFC 4180); a missing value is an empty field.
    """
    out = pd.DataFrame(
        {
            index: series
            if _keeps_type(series)
            else series.astype(object).map(_csv_cell, na_action="ignore")
            for index, (_, series) in enumerate(df.items())
        },
        index=df.index,
    )
    out.columns = pd.Index([_header(column) for column in df.columns], dtype=object)
    text: str = out.to_csv(
        sep=CSV_SEPARATOR, decimal=CSV_DECIMAL, index=False, lineterminator="\r\n"
    )
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


def _xlsx_text(value: str) -> str:
    """Drop the control characters XLSX cannot hold, then neutralise formulas."""
    return str(neutralise_cell(ILLEGAL_CHARACTERS_RE.sub("", value)))


def _xlsx_value(value: Any) -> Any:
    """Turn a DataFrame value into what openpyxl writes: None for missing, texts neutralised."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        return _xlsx_text(value)
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    elif isinstance(value, pd.Timedelta):
        return _xlsx_text(str(value))
    elif hasattr(value, "item") and not isinstance(value, _XLSX_TYPES):  # numpy scalar
        return _xlsx_value(value.item())
    if isinstance(value, datetime | time) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # XLSX has no time zones: keep the wall-clock time
    if isinstance(value, _XLSX_TYPES):
        return value
    return _xlsx_text(str(value))


def to_xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """Return a workbook with one sheet per DataFrame: bold, frozen header, typed values."""
    if not sheets:
        raise ValueError("un classeur doit avoir au moins une feuille")
    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    bold = Font(bold=True)
    for name, df in sheets.items():
        title = sheet_title(name, taken)
        taken.add(title.casefold())
        sheet = workbook.create_sheet(title)
        headers = [_xlsx_text(str(column)) for column in df.columns]
        for index, header in enumerate(headers, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(
                max(len(header), 10) + 2, 60
            )
        sheet.freeze_panes = "A2"
        header_cells = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=header)
            cell.font = bold
            header_cells.append(cell)
        sheet.append(header_cells)
        columns = [[_xlsx_value(value) for value in series.tolist()] for _, series in df.items()]
        for row in zip(*columns, strict=True):
            sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
