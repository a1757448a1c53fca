"""Reading an imported contact list (CSV in UTF-8, or XLSX) into rows of cells.

Refused with a message, before any row is read: a file over the size limit, an XLSX whose
content would unpack beyond a limit (a « zip bomb »), a CSV that is not UTF-8 or holds NUL
bytes, a file that is neither. The rows themselves are checked by domain.campaigns.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence

from flask_babel import gettext as _

from .errors import ServiceError

MAX_BYTES = 2 * 1024 * 1024
MAX_UNPACKED_BYTES = 40 * 1024 * 1024
MAX_COLUMNS = 20
XLSX_MAGIC = b"PK\x03\x04"


def read_rows(data: bytes, filename: str) -> list[Sequence[object]]:
    """The rows of the file, header first; ServiceError naming the « file » field otherwise."""
    if not data:
        raise ServiceError(_("Le fichier est vide."), "file")
    if len(data) > MAX_BYTES:
        raise ServiceError(
            _("Le fichier dépasse %(size)s Mo : découpez la liste.", size=MAX_BYTES // 2**20),
            "file",
        )
    if data.startswith(XLSX_MAGIC):
        return list(_xlsx_rows(data))
    if filename.lower().endswith((".xlsx", ".xls", ".ods")):
        raise ServiceError(
            _("Ce classeur ne peut pas être lu : enregistrez-le au format XLSX ou CSV."), "file"
        )
    return list(_csv_rows(data))


def _csv_rows(data: bytes) -> Iterator[Sequence[object]]:
    if b"\x00" in data:
        raise ServiceError(
            _("Ce fichier n'est pas un fichier texte CSV : enregistrez la liste en CSV ou XLSX."),
            "file",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ServiceError(
            _(
                "Le fichier CSV n'est pas encodé en UTF-8 : dans votre tableur, choisissez "
                "« CSV UTF-8 » à l'enregistrement."
            ),
            "file",
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True):
            yield row[:MAX_COLUMNS]
    except csv.Error as error:
        raise ServiceError(
            _("Le fichier CSV est mal formé (guillemets non fermés ?)."), "file"
        ) from error


def _xlsx_rows(data: bytes) -> Iterator[Sequence[object]]:
    from openpyxl import load_workbook

    unreadable = ServiceError(
        _("Ce classeur XLSX ne peut pas être lu : enregistrez-le à nouveau, ou en CSV."), "file"
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as error:
        raise unreadable from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise ServiceError(
            _("Ce classeur est trop volumineux une fois décompressé : découpez la liste."),
            "file",
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # noqa: BLE001  (openpyxl raises many kinds on a bad file)
        raise unreadable from error
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
            yield ["" if cell is None else cell for cell in row]
    except Exception as error:  # noqa: BLE001
        raise unreadable from error
    finally:
        workbook.close()
