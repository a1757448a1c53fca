"""A small streaming XLSX writer: typed cells, number formats, widths, a frozen bold header.

Why not a library: at 10,000 organisations the organisations export has about 160,000
cells; openpyxl (write-only) and XlsxWriter (constant_memory) spend 6 to 15 µs per cell in
generic code (bench/exports.py), over a second in all. This writes the few parts of
SpreadsheetML a table needs (ECMA-376: content types, workbook, one sheet per table, styles),
rows as XML text straight into the zip entry, in chunks: about 1 µs per cell, memory flat.
The target need not be seekable: written to a `Spool`, the zip's entries carry their sizes after
their data, and the bytes can be sent while the next rows are written (`sheet` yields after each
chunk). Tests read every file back with openpyxl.
"""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils import get_column_letter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
HEADER = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
EPOCH = datetime(1899, 12, 30)  # day 0 of Excel's 1900 date system, leap-year bug included
ROWS_PER_WRITE = 500
HEADER_ROW_HEIGHT = 45  # three lines of a wrapped header
FIRST_CUSTOM_FORMAT = 164
STYLE_HEADER = 1  # cellXfs index; 0 is the default, number formats come after


@dataclass(frozen=True)
class SheetColumn:
    """A column of a sheet: its header, width in characters and number format (or None)."""

    header: str
    width: float
    number_format: str | None = None


def _serial(value: date) -> float:
    moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    delta = moment.replace(tzinfo=None) - EPOCH
    return delta.days + delta.seconds / 86400


def _text(value: str) -> str:
    return f'<is><t xml:space="preserve">{escape(value)}</t></is>'


def cell_body(value: Any, style: int | None) -> str | None:
    """A cell's XML after its reference: type, style, value; None leaves the cell empty."""
    if value is None:
        return None
    if isinstance(value, str):
        return f' t="inlineStr">{_text(value)}</c>'
    if isinstance(value, date):
        value = _serial(value)
    elif isinstance(value, bool):
        value = int(value)
    elif not math.isfinite(value):
        return None
    shown = f' s="{style}"' if style is not None else ""
    return f"{shown}><v>{value!r}</v></c>"


class Workbook:
    """Sheets added one after the other, each written row by row into the zip; then close()."""

    def __init__(self, target: IO[bytes] | Spool) -> None:
        self.zip = zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self.sheets: list[tuple[str, str]] = []  # (title, filter range)
        self.formats: dict[str, int] = {}  # number format -> cellXfs index

    def style(self, number_format: str | None) -> int | None:
        """The style index of a number format (None: the default style)."""
        if number_format is None:
            return None
        return self.formats.setdefault(number_format, STYLE_HEADER + 1 + len(self.formats))

    def add_sheet(
        self, title: str, columns: Sequence[SheetColumn], rows: Iterable[Sequence[str | None]]
    ) -> None:
        """Write a sheet: the header row, then each row's cells, as `cell_body` writes them."""
        for _ in self.sheet(title, columns, rows):
            pass

    def sheet(
        self, title: str, columns: Sequence[SheetColumn], rows: Iterable[Sequence[str | None]]
    ) -> Iterator[None]:
        """add_sheet, one step once the header row is written, then one per chunk of rows."""
        letters = [get_column_letter(index) for index in range(1, len(columns) + 1)]
        styles = [self.style(column.number_format) for column in columns]
        number = len(self.sheets) + 1
        with self.zip.open(f"xl/worksheets/sheet{number}.xml", "w", force_zip64=True) as out:
            out.write(self._sheet_start(columns, styles).encode())
            header = "".join(
                f'<c r="{letter}1" t="inlineStr" s="{STYLE_HEADER}">{_text(column.header)}</c>'
                for letter, column in zip(letters, columns, strict=True)
            )
            out.write(
                f'<row r="1" ht="{HEADER_ROW_HEIGHT}" customHeight="1">{header}</row>'.encode()
            )
            yield
            chunk: list[str] = []
            last = 1
            for last, values in enumerate(rows, start=2):
                chunk.append(self._row(last, values, letters))
                if len(chunk) >= ROWS_PER_WRITE:
                    out.write("".join(chunk).encode())
                    chunk = []
                    yield
            chunk.append("</sheetData>")
            filter_range = f"A1:{letters[-1] if letters else 'A'}{max(last, 2)}"
            chunk.append(f'<autoFilter ref="{filter_range}"/></worksheet>')
            out.write("".join(chunk).encode())
        self.sheets.append((title, filter_range))

    @staticmethod
    def _sheet_start(columns: Sequence[SheetColumn], styles: Sequence[int | None]) -> str:
        cols = "".join(
            f'<col min="{index}" max="{index}" width="{column.width:.1f}" customWidth="1"'
            + (f' style="{style}"' if style is not None else "")
            + "/>"
            for index, (column, style) in enumerate(zip(columns, styles, strict=True), start=1)
        )
        return (
            f'{HEADER}<worksheet xmlns="{MAIN}" xmlns:r="{RELS}">'
            '<sheetViews><sheetView workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
            "</sheetView></sheetViews>"
            '<sheetFormatPr defaultRowHeight="15"/>'
            + (f"<cols>{cols}</cols>" if cols else "")
            + "<sheetData>"
        )

    @staticmethod
    def _row(number: int, bodies: Sequence[str | None], letters: Sequence[str]) -> str:
        row = str(number)
        cells = "".join(
            [
                f'<c r="{letter}{row}"{body}'
                for letter, body in zip(letters, bodies, strict=True)
                if body is not None
            ]
        )
        return f'<row r="{row}">{cells}</row>'

    def close(self) -> None:
        """Write the workbook, its relations, styles and content types, and end the zip."""
        if not self.sheets:
            raise ValueError("un classeur doit avoir au moins une feuille")
        count = len(self.sheets)
        sheets = "".join(
            f'<sheet name={quoteattr(title)} sheetId="{n}" r:id="rId{n}"/>'
            for n, (title, _range) in enumerate(self.sheets, start=1)
        )
        names = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n}" hidden="1">'
            f"{escape(_absolute(title, cells))}</definedName>"
            for n, (title, cells) in enumerate(self.sheets)
        )
        self.zip.writestr(
            "xl/workbook.xml",
            f'{HEADER}<workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
            f"<bookViews><workbookView/></bookViews><sheets>{sheets}</sheets>"
            f"<definedNames>{names}</definedNames></workbook>",
        )
        relations = "".join(
            f'<Relationship Id="rId{n}" Type="{RELS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, count + 1)
        )
        self.zip.writestr(
            "xl/_rels/workbook.xml.rels",
            f'{HEADER}<Relationships xmlns="{PACKAGE_RELS}">{relations}'
            f'<Relationship Id="rId{count + 1}" Type="{RELS}/styles" Target="styles.xml"/>'
            "</Relationships>",
        )
        self.zip.writestr("xl/styles.xml", self._styles())
        self.zip.writestr(
            "_rels/.rels",
            f'{HEADER}<Relationships xmlns="{PACKAGE_RELS}">'
            f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{SHEET_TYPE}"/>'
            for n in range(1, count + 1)
        )
        spreadsheet = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        self.zip.writestr(
            "[Content_Types].xml",
            f'{HEADER}<Types xmlns="{CONTENT_TYPES}">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{spreadsheet}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{spreadsheet}.styles+xml"/>'
            f"{overrides}</Types>",
        )
        self.zip.close()

    def _styles(self) -> str:
        ids = {code: FIRST_CUSTOM_FORMAT + n for n, code in enumerate(self.formats)}
        formats = "".join(
            f'<numFmt numFmtId="{ids[code]}" formatCode={quoteattr(code)}/>' for code in ids
        )
        xfs = "".join(
            f'<xf numFmtId="{ids[code]}" fontId="0" fillId="0" borderId="0" xfId="0" '
            'applyNumberFormat="1"/>'
            for code in ids
        )
        font = '<sz val="11"/><name val="Calibri"/><family val="2"/>'
        return (
            f'{HEADER}<styleSheet xmlns="{MAIN}">'
            + (f'<numFmts count="{len(ids)}">{formats}</numFmts>' if ids else "")
            + f'<fonts count="2"><font>{font}</font><font><b/>{font}</font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
            '<border><left/><right/><top/><bottom style="thin"><color auto="1"/></bottom>'
            "<diagonal/></border></borders>"
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            f'</cellStyleXfs><cellXfs count="{2 + len(ids)}">'
            '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="0" fontId="1" fillId="0" borderId="1" xfId="0" applyFont="1" '
            'applyBorder="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>'
            f"{xfs}</cellXfs>"
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"
        )


class Spool(io.RawIOBase):
    """A write-only, unseekable file whose bytes are taken out as they come (`take`)."""

    def __init__(self) -> None:
        super().__init__()
        self._parts: list[bytes] = []
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        part = bytes(data)
        self._parts.append(part)
        self.size += len(part)
        return len(part)

    def take(self) -> bytes:
        """The bytes written since the last take."""
        taken = b"".join(self._parts)
        self._parts.clear()
        self.size = 0
        return taken


def _absolute(title: str, cells: str) -> str:
    """'Sheet name'!$A$1:$F$20, the range the autofilter's defined name points at."""
    start, end = cells.split(":")
    quoted = "'" + title.replace("'", "''") + "'"

    def absolute(cell: str) -> str:
        letters = cell.rstrip("0123456789")
        return f"${letters}${cell[len(letters) :]}"

    return f"{quoted}!{absolute(start)}:{absolute(end)}"
