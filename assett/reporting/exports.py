"""CSV and XLSX of any dashboard table, written from its column spec, row by row.

Both stream: the CSV is yielded in chunks of rows; the workbook (reporting.xlsx) is written
row by row into its zip, and each chunk of compressed bytes is sent as soon as it is made. Memory
stays flat whatever the network's size, and the first bytes leave before the last row is read.

Text cells and headers go through `neutralise_cell`, so that a name an organisation typed
(« =HYPERLINK(…) ») is never run as a formula; figures stay typed numbers and dates with the
number format of their column (one decimal for scores, % for shares).
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import IO, Any

from flask_babel import gettext as _

from ..domain.aggregation import neutralise_cell
from ..services.exports import sheet_title, xlsx_text
from .columns import Column, Suppressed, Table, in_french, page_number
from .xlsx import SheetColumn, Spool, Workbook, cell_body

CSV_SEPARATOR = ";"  # French: the decimal comma takes ","
ENGLISH_CSV_SEPARATOR = ","  # English: decimal point, the separator an English Excel expects
CSV_CHUNK_ROWS = 500
CSV_FIRST_CHUNK_ROWS = 100  # the download starts after these, not after a whole chunk
FILE_CHUNK_BYTES = 64 * 1024
WIDTH_SAMPLE_ROWS = 200
CACHED_VALUES = 1024  # per column: labels, rounded scores, counts and days repeat
MIN_WIDTH, MAX_WIDTH, HEADER_WIDTH = 8, 50, 22

# The filters written by their label in a file name (« effectif-20-a-49-salaries »), not a code.
_FILE_NAME_BY_LABEL = frozenset({"headcount", "legal_type"})

# The filters in a file name, in the order of the form.
_FILE_NAME_PREFIXES = {
    "theme": "",
    "section": "naf-",
    "headcount": "effectif-",
    "legal_type": "",
    "postcode": "",
    "cohort": "cohorte-",
    "start": "du-",
    "end": "au-",
}


def _header(column: Column) -> str:
    return str(neutralise_cell(str(column.label)))


def _csv_text(column: Column, value: Any) -> str:
    text = column.text(value, csv=True)
    if isinstance(value, str):
        return str(neutralise_cell(text))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return page_number(text)  # « 2,5 », « 46 % » in French; "2.5", "46%" in English
    return text


def csv_separator() -> str:
    """The CSV separator of the page's language: « ; » in French, "," in English."""
    return CSV_SEPARATOR if in_french() else ENGLISH_CSV_SEPARATOR


class _Lines:
    """A csv.writer whose lines are taken back as UTF-8 bytes, chunk by chunk."""

    def __init__(self) -> None:
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, delimiter=csv_separator(), lineterminator="\r\n")

    def take(self) -> bytes:
        data = self.buffer.getvalue().encode("utf-8")
        self.buffer.seek(0)
        self.buffer.truncate()
        return data


def _remember(
    render: Callable[[Any], Any], read: Callable[[Any], Any] = lambda value: value
) -> Callable[[Any], Any]:
    """x -> render(read(x)), remembered for a bounded number of values read (by value and type).

    A rounded -0.04 is written « -0,0 » but -0.0 == 0.0, so float zeros are never remembered.
    """
    known: dict[Any, tuple[type, Any]] = {}

    def remembered(x: Any) -> Any:
        value = read(x)
        try:
            hit = known.get(value)
        except TypeError:  # unhashable: rendered every time
            return render(value)
        if hit is not None and hit[0] is value.__class__:
            return hit[1]
        made = render(value)
        if len(known) < CACHED_VALUES and (value.__class__ is not float or value != 0):
            known[value] = (value.__class__, made)
        return made

    return remembered


def _cached(column: Column, render: Callable[[Column, Any], Any]) -> Callable[[Any], Any]:
    """row -> render(column, column.value(row)), remembered per value read and value written.

    A column's written value depends only on what its getter read (`Column.typed`), and a
    network's rows repeat the same labels, rounded scores, counts and days: each is rendered
    once. A column that hides figures row by row is rendered every time.
    """
    if column.hidden is not None:
        return lambda row: render(column, column.value(row))
    written = _remember(lambda value: render(column, value))
    return _remember(lambda value: written(column.typed(value)), column.getter)


def csv_stream(table: Table) -> Iterator[bytes]:
    """The table as CSV for an Excel of the page's language: UTF-8 with BOM, CRLF; ';' and
    decimal comma in French, ',' and decimal point in English."""
    lines = _Lines()
    lines.buffer.write("\ufeff")  # the BOM makes Excel read UTF-8 accents
    lines.writer.writerow([_header(column) for column in table.columns])
    cells = [_cached(column, _csv_text) for column in table.columns]
    for number, row in enumerate(table.rows, start=1):
        lines.writer.writerow([cell(row) for cell in cells])
        if number % CSV_CHUNK_ROWS == 0 or number == CSV_FIRST_CHUNK_ROWS:
            yield lines.take()
    yield lines.take()


def long_csv_stream(tables: Sequence[Table]) -> Iterator[bytes]:
    """Several tables in one CSV, one figure per line: section, row, indicator, value, remark."""
    lines = _Lines()
    lines.buffer.write("\ufeff")
    lines.writer.writerow([_("Rubrique"), _("Ligne"), _("Indicateur"), _("Valeur"), _("Remarque")])
    for table in tables:
        names = [c for c in table.columns if not c.format.numeric]
        figures = [c for c in table.columns if c.format.numeric]
        for row in table.rows:
            line = " · ".join(text for c in names if (text := _csv_text(c, c.value(row))) != "")
            for column in figures:
                value = column.value(row)
                hidden = isinstance(value, Suppressed)
                lines.writer.writerow(
                    [
                        table.title,
                        line,
                        _header(column),
                        "" if hidden else _csv_text(column, value),
                        str(value) if hidden else "",
                    ]
                )
        yield lines.take()


def _width(column: Column, sample: Sequence[Any]) -> int:
    """A width that fits the sampled values and a wrapped header, within bounds."""
    longest = max((len(column.text(column.value(row), csv=True)) for row in sample), default=0)
    header = min(len(str(column.label)), HEADER_WIDTH)
    return max(MIN_WIDTH, min(MAX_WIDTH, max(longest, header, column.format.width) + 2))


def _xlsx_value(column: Column, value: Any) -> Any:
    """A typed value as the workbook holds it: texts neutralised, yes/no as words."""
    if isinstance(value, str | Suppressed):
        return xlsx_text(str(value))
    if value is True or value is False:
        return column.text(value)
    return value


def _xlsx_cells(table: Table, styles: Sequence[int | None]) -> Callable[[Any], list[str | None]]:
    """row -> the XML of each of its cells (None: empty)."""

    def renderer(style: int | None) -> Callable[[Column, Any], str | None]:
        return lambda column, value: cell_body(_xlsx_value(column, value), style)

    cells = [
        _cached(column, renderer(style))
        for column, style in zip(table.columns, styles, strict=True)
    ]
    return lambda row: [cell(row) for cell in cells]


def write_xlsx(tables: Sequence[Table], target: IO[bytes] | Spool) -> Iterator[None]:
    """Write the tables as a workbook, one sheet each: bold frozen header, typed figures; one
    step per chunk of rows written."""
    if not tables:
        raise ValueError("un classeur doit avoir au moins une feuille")
    workbook = Workbook(target)
    taken: set[str] = set()
    for table in tables:
        title = sheet_title(str(table.title), taken)
        taken.add(title.casefold())
        rows = iter(table.rows)
        sample = list(itertools.islice(rows, WIDTH_SAMPLE_ROWS))
        columns = [
            SheetColumn(
                xlsx_text(str(column.label)), _width(column, sample), column.format.number_format
            )
            for column in table.columns
        ]
        cells = _xlsx_cells(table, [workbook.style(column.number_format) for column in columns])
        yield from workbook.sheet(title, columns, map(cells, itertools.chain(sample, rows)))
    workbook.close()


def xlsx_stream(tables: Sequence[Table]) -> Iterator[bytes]:
    """The workbook's bytes, in chunks of about FILE_CHUNK_BYTES, sent while it is written;
    the first as soon as the first sheet's header row is written, so the download starts."""
    spool = Spool()
    first = True
    for _step in write_xlsx(tables, spool):
        if first or spool.size >= FILE_CHUNK_BYTES:
            first = False
            yield spool.take()
    yield spool.take()


def xlsx_bytes(tables: Sequence[Table]) -> bytes:
    """The workbook as bytes (for tests and small files)."""
    return b"".join(xlsx_stream(tables))


def _ascii_slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")


def file_name(
    parts: Iterable[str],
    filters: Mapping[str, str],
    labels: Mapping[str, Mapping[str, str]],
    day: date,
    extension: str,
) -> str:
    """An ASCII file name that says what was exported, with which filters, on which day."""
    words = [_ascii_slug(part) for part in parts]
    for key, prefix in _FILE_NAME_PREFIXES.items():
        value = filters.get(key)
        if value is None:
            continue
        shown = value
        if key == "cohort":
            shown = labels.get(key, {}).get(value, value)
        elif key in _FILE_NAME_BY_LABEL:
            shown = labels.get(key, {}).get(value, value).lower()
        words.append(prefix + _ascii_slug(shown))
    stem = "-".join(word for word in words if word)[:150].strip("-")
    return f"{stem}-{day.isoformat()}.{extension}"
