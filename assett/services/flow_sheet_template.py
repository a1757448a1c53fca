"""The sheet of flows to fill at a workshop: XLSX with checked columns, or CSV.

The template speaks the page's language (sheet names, help, example's description, messages of
the checked lists); its column identifiers and closed lists' values stay the ones the import
reads, whatever the language (« sens », « offre », « mensuel »).
"""

from __future__ import annotations

import io

from flask_babel import gettext as _

from ..domain.flow_sheet import COLUMNS
from ..domain.flows import FREQUENCIES, UNITS
from ..domain.sheet_files import MAX_ROWS
from ..domain.text import N_

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
    "description": N_("Palettes en bois, à enlever sur place"),
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


def _example() -> list[str]:
    """The example row, its description in the page's language."""
    return [
        _(EXAMPLE[column.key]) if column.key == "description" else EXAMPLE[column.key]
        for column in COLUMNS
    ]


def template_csv() -> bytes:
    """The header line and one example row, « ; » separated, UTF-8 with a BOM for Excel."""
    lines = [";".join(column.header for column in COLUMNS), ";".join(_example())]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def template_xlsx() -> bytes:
    """A workbook: « Flux » to fill (lists checked as typed), « Aide » and « Exemple »."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Flux")
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
                errorTitle=_("Valeur refusée"),
                error=_(
                    "Choisissez une valeur de la liste : %(values)s",
                    values=", ".join(CHOICES[column.key]),
                ),
            )
            check.add(f"{letter}2:{letter}{last}")
            sheet.add_data_validation(check)
        elif column.key in ("month_from", "month_to"):
            check = DataValidation(
                type="whole", operator="between", formula1="1", formula2="12", allow_blank=True
            )
            check.error = _("Un mois de 1 à 12")
            check.showErrorMessage = True
            check.add(f"{letter}2:{letter}{last}")
            sheet.add_data_validation(check)
        elif column.key in ("commune", "category", "organisation"):
            # Text, so a spreadsheet keeps « 01001 » and « 15 01 03 » as typed.
            for row in range(2, 201):
                sheet.cell(row=row, column=index).number_format = "@"
    help_sheet = workbook.create_sheet(_("Aide"))
    help_sheet.append([_("colonne"), _("obligatoire"), _("contenu")])
    for column in COLUMNS:
        help_sheet.append(
            [column.header, _("oui") if column.required else _("non"), _(column.help)]
        )
    help_sheet.append([])
    help_sheet.append(
        [
            _("règles"),
            "",
            _(
                "Une ligne par flux, %(max)s lignes au plus ; seule la feuille « %(sheet)s » est "
                "lue ; pas de formule ni de cellule fusionnée ; rien n'est importé tant qu'une "
                "ligne a une erreur.",
                max=MAX_ROWS,
                sheet=sheet.title,
            ),
        ]
    )
    example = workbook.create_sheet(_("Exemple"))
    example.append([column.header for column in COLUMNS])
    example.append(_example())
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
