"""The sheet of flows to fill at a workshop: XLSX with checked columns, or CSV."""

from __future__ import annotations

import io

from ..domain.flow_sheet import COLUMNS
from ..domain.flows import FREQUENCIES, UNITS
from ..domain.sheet_files import MAX_ROWS

EXAMPLE = {
    "organisation": "Boulangerie Durand",
    "direction": "offre",
    "category": "15 01 03",
    "quantity": "2,5",
    "unit": "t",
    "frequency": "mensuel",
    "month_from": "",
    "month_to": "",
    "commune": "76540",
    "description": "Palettes en bois, à enlever sur place",
    "hide_quantity": "non",
    "hide_site": "non",
    "consent_by": "Claire Durand, gérante",
}
# The closed columns, checked as they are typed (a list to pick from in the spreadsheet).
CHOICES = {
    "direction": ("offre", "besoin"),
    "unit": tuple(UNITS),
    "frequency": tuple(FREQUENCIES),
    "hide_quantity": ("oui", "non"),
    "hide_site": ("oui", "non"),
}


def template_csv() -> bytes:
    """The header line and one example row, « ; » separated, UTF-8 with a BOM for Excel."""
    lines = [
        ";".join(column.header for column in COLUMNS),
        ";".join(EXAMPLE[column.key] for column in COLUMNS),
    ]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def template_xlsx() -> bytes:
    """A workbook: « Flux » to fill (lists checked as typed), « Aide » and « Exemple »."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Flux"
    sheet.append([column.header for column in COLUMNS])
    last = MAX_ROWS + 1
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, len(column.header) + 4)
        if column.key in CHOICES:
            check = DataValidation(
                type="list",
                formula1='"' + ",".join(CHOICES[column.key]) + '"',
                allow_blank=not column.required,
                showErrorMessage=True,
                errorTitle="Valeur refusée",
                error="Choisissez une valeur de la liste : " + ", ".join(CHOICES[column.key]),
            )
            check.add(f"{letter}2:{letter}{last}")
            sheet.add_data_validation(check)
        elif column.key in ("month_from", "month_to"):
            check = DataValidation(
                type="whole", operator="between", formula1="1", formula2="12", allow_blank=True
            )
            check.error = "Un mois de 1 à 12"
            check.showErrorMessage = True
            check.add(f"{letter}2:{letter}{last}")
            sheet.add_data_validation(check)
        elif column.key in ("commune", "category", "organisation"):
            # Text, so a spreadsheet keeps « 01001 » and « 15 01 03 » as typed.
            for row in range(2, 201):
                sheet.cell(row=row, column=index).number_format = "@"
    help_sheet = workbook.create_sheet("Aide")
    help_sheet.append(["colonne", "obligatoire", "contenu"])
    for column in COLUMNS:
        help_sheet.append([column.header, "oui" if column.required else "non", column.help])
    help_sheet.append([])
    help_sheet.append(
        [
            "règles",
            "",
            f"Une ligne par flux, {MAX_ROWS} lignes au plus ; seule la feuille « Flux » est lue ; "
            "pas de formule ni de cellule fusionnée ; rien n'est importé tant qu'une ligne a une "
            "erreur.",
        ]
    )
    example = workbook.create_sheet("Exemple")
    example.append([column.header for column in COLUMNS])
    example.append([EXAMPLE[column.key] for column in COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
