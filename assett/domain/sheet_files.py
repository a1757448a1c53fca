"""Sheets as uploaded: size and row limits, formula cells, CSV encodings; problems by row.

Pure: bytes or texts in, rows of texts out; every refusal is a SheetError listing Problems.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from .text import N_, Message

MAX_FILE_BYTES: Final = 2 * 1024 * 1024
# A workshop sheet holds tens of rows; beyond this it is not a sheet of flows typed by hand.
MAX_ROWS: Final = 2000
MAX_COLUMNS: Final = 30
MAX_CELL_CHARS: Final = 2000
# A cell starting so is a formula to a spreadsheet: refused, never stored (CSV injection).
FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Problem:
    """One thing wrong: row 0 is the file itself, row 1 the header line."""

    row: int
    column: str
    message: str  # a Message, translated where it is shown

    def as_message(self) -> Message:
        """« ligne 3, colonne « categorie » : … », to show in the page's language."""
        said = self.message
        if self.row and self.column:
            return Message(
                N_("ligne %(row)s, colonne « %(column)s » : %(message)s"),
                row=self.row,
                column=self.column,
                message=said,
            )
        if self.row:
            return Message(N_("ligne %(row)s : %(message)s"), row=self.row, message=said)
        if self.column:
            return Message(
                N_("fichier, colonne « %(column)s » : %(message)s"),
                column=self.column,
                message=said,
            )
        return Message(N_("fichier : %(message)s"), message=said)

    def __str__(self) -> str:
        return str(self.as_message())


class SheetError(ValueError):
    """A sheet refused; `problems` lists everything found, in row order."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = list(problems)


def file_problem(message: str) -> SheetError:
    """A refusal of the whole file."""
    return SheetError([Problem(0, "", message)])


def too_large() -> SheetError:
    """The refusal of a file over MAX_FILE_BYTES."""
    return file_problem(
        Message(
            N_("fichier trop volumineux (%(max)s Mo au plus)"), max=MAX_FILE_BYTES // (1024 * 1024)
        )
    )


def too_many_columns() -> Message:
    """What is wrong with a row wider than MAX_COLUMNS."""
    return Message(N_("plus de %(max)s colonnes"), max=MAX_COLUMNS)


def too_many_rows() -> SheetError:
    """The refusal of a sheet longer than MAX_ROWS data rows."""
    return file_problem(
        Message(
            N_(
                "le fichier compte plus de %(max)s lignes de flux : c'est la limite par fichier ; "
                "découpez-le en plusieurs fichiers"
            ),
            max=MAX_ROWS,
        )
    )


def formula_problems(rows: Sequence[Sequence[str]]) -> list[Problem]:
    """Cells a spreadsheet would run as a formula (=, +, -, @ first), header line included."""
    found = []
    for number, row in enumerate(rows, start=1):
        for index, cell in enumerate(row):
            if cell.startswith(FORMULA_START):
                found.append(
                    Problem(
                        number,
                        _column_name(rows[0], index),
                        Message(
                            N_(
                                "une cellule ne peut pas commencer par =, +, -, @ (formule "
                                "refusée) ; pour un nombre négatif ou un texte, retirez ce signe"
                            )
                        ),
                    )
                )
    return found


def _column_name(header: Sequence[str], index: int) -> str:
    if index < len(header) and header[index].strip():
        return header[index].strip()[:40]
    return Message(N_("colonne %(number)s"), number=index + 1)


def _looks_like_text(text: str) -> bool:
    """Printable text whose letters are mostly plain: what a French sheet in cp1252 reads as."""
    if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text):
        return False
    letters = [ch for ch in text if not ch.isspace()]
    unusual = sum(1 for ch in letters if ord(ch) > 127)
    return not letters or unusual / len(letters) <= 0.3


def decode_csv(content: bytes) -> str:
    """The text of a CSV file in UTF-8 or Windows-1252 (Latin-1); SheetError for any other."""
    if len(content) > MAX_FILE_BYTES:
        raise too_large()
    if content.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in content:
        raise file_problem(
            Message(
                N_(
                    "encodage non pris en charge (UTF-16 ou fichier binaire) : enregistrez le "
                    "fichier en « CSV UTF-8 » ou en XLSX"
                )
            )
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError:
            text = ""
        if not text or not _looks_like_text(text):
            raise file_problem(
                Message(
                    N_(
                        "encodage non reconnu : seuls UTF-8 et Windows-1252 (Latin-1) sont "
                        "acceptés ; enregistrez le fichier en « CSV UTF-8 »"
                    )
                )
            ) from None
    if not _looks_like_text(text):
        raise file_problem(
            Message(N_("le fichier contient des caractères de contrôle : ce n'est pas un CSV"))
        )
    return text


def csv_rows(text: str) -> list[list[str]]:
    """The rows of a CSV text, its separator (; , or tab) read from the header line."""
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    rows: list[list[str]] = []
    reader = csv.reader(text.splitlines(), delimiter=delimiter)
    try:
        for row in reader:
            if len(rows) > MAX_ROWS + 1:
                raise too_many_rows()
            if len(row) > MAX_COLUMNS:
                raise SheetError([Problem(reader.line_num, "", too_many_columns())])
            if any(len(cell) > MAX_CELL_CHARS for cell in row):
                raise SheetError(
                    [
                        Problem(
                            reader.line_num,
                            "",
                            Message(
                                N_("une cellule dépasse %(max)s caractères"), max=MAX_CELL_CHARS
                            ),
                        )
                    ]
                )
            rows.append(row)
    except csv.Error as error:
        raise SheetError(
            [
                Problem(
                    reader.line_num, "", Message(N_("CSV illisible : %(error)s"), error=str(error))
                )
            ]
        ) from error
    return rows
