"""A sheet of flows typed at a workshop: columns, file limits, and every row checked at once.

Pure: the caller gives the rows as texts (see flow_sheet_files.py for CSV and XLSX) and the
territory's organisations as look-up tables; this module says which rows are valid and lists
every problem as (row number, column, what is wrong), so nothing is written unless all pass.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from .flow_reference import commune_coordinates, default_taxonomy, folded, waste_codes
from .flows import FREQUENCIES, UNITS, FlowValueError, months_between, yearly_quantity
from .sheet_files import (
    MAX_ROWS,
    Problem,
    SheetError,
    file_problem,
    formula_problems,
    too_many_rows,
)
from .text import N_, Message

DESCRIPTION_MAX: Final = 2000
CONSENT_BY_MAX: Final = 200


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    help: str


COLUMNS: Final = (
    Column("organisation", "organisation", True, N_("SIRET (14 chiffres) ou nom exact")),
    Column("direction", "sens", True, N_("offre ou besoin")),
    Column("category", "categorie", True, N_("code déchet (15 01 03) ou code de flux")),
    Column("quantity", "quantite", False, N_("nombre positif, virgule décimale")),
    Column("unit", "unite", False, N_("t, kg, m3, MWh, kWh, pieces, jours")),
    Column(
        "frequency",
        "frequence",
        False,
        N_("ponctuel, hebdomadaire, mensuel, annuel, continu"),
    ),
    Column("month_from", "premier_mois", False, N_("1 à 12 (vide : toute l'année)")),
    Column("month_to", "dernier_mois", False, N_("1 à 12")),
    Column("commune", "commune_insee", True, N_("code INSEE de la commune du site (5 caractères)")),
    Column("description", "description", False, N_("texte libre, 2 000 caractères au plus")),
    Column("hide_quantity", "cacher_quantite", False, N_("oui ou non (non par défaut)")),
    Column("hide_site", "cacher_site", False, N_("oui ou non (non par défaut)")),
    Column(
        "consent_by",
        "accord_donne_par",
        False,
        N_("la personne de l'organisation qui a donné son accord (sinon, le nom du formulaire)"),
    ),
)
HEADERS: Final = {folded(column.header): column for column in COLUMNS}
DIRECTION_WORDS: Final = {"offre": "offer", "besoin": "need", "offer": "offer", "need": "need"}
YES: Final = {"oui", "o", "yes", "1", "x", "vrai"}
NO: Final = {"non", "n", "no", "0", "", "faux"}
_NUMBER = re.compile(r"^\d{1,12}([.,]\d{1,9})?$")
_WASTE = re.compile(r"^(\d{2})[ .]?(\d{2})[ .]?(\d{2})\*?$")


@dataclass(frozen=True)
class Organisations:
    """The territory's organisations as the sheet may name them."""

    by_siret: Mapping[str, int]
    by_name: Mapping[str, Sequence[int]]  # folded name → ids


@dataclass(frozen=True)
class SheetFlow:
    """A valid row: the organisation and the flow's column values."""

    row: int
    organisation_id: int
    values: Mapping[str, object]
    consent_by: str = ""


def header_map(header: Sequence[str]) -> dict[str, int]:
    """Column key → index; SheetError naming unknown, repeated or missing columns."""
    problems: list[Problem] = []
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        key = folded(title).replace(" ", "_").replace("'", "_")
        if not key:
            continue
        column = HEADERS.get(key)
        if column is None:
            problems.append(Problem(1, title[:40], Message(N_("colonne inconnue"))))
        elif column.key in found:
            problems.append(Problem(1, title[:40], Message(N_("colonne en double"))))
        else:
            found[column.key] = index
    for column in COLUMNS:
        if column.required and column.key not in found:
            problems.append(Problem(1, column.header, Message(N_("colonne obligatoire absente"))))
    if problems:
        raise SheetError(problems)
    return found


def _waste_code(text: str) -> str | None:
    match = _WASTE.match(text)
    if not match:
        return None
    code = " ".join(match.groups())
    return code if code in waste_codes() else None


def category_of(text: str) -> tuple[str, str] | None:
    """(kind, code) of a typed category: a waste code in any spacing or a taxonomy code."""
    typed = text.strip()
    for prefix in ("dechet:", "flux:"):
        if typed.startswith(prefix):
            typed = typed[len(prefix) :]
    code = _waste_code(typed)
    if code is not None:
        return "waste", code
    if typed in default_taxonomy().items:
        return "taxonomy", typed
    return None


def _organisation(text: str, organisations: Organisations) -> int | Message:
    digits = text.replace(" ", "")
    if digits.isdigit():
        found = organisations.by_siret.get(digits)
        if found is not None:
            return found
        return Message(N_("aucune organisation du territoire avec ce SIRET"))
    named = organisations.by_name.get(folded(text), ())
    if len(named) == 1:
        return named[0]
    if named:
        return Message(N_("plusieurs organisations portent ce nom : indiquez le SIRET"))
    return Message(N_("organisation inconnue sur le territoire (SIRET ou nom exact attendu)"))


def _number(text: str) -> float | None | Message:
    cleaned = text.replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    if not cleaned:
        return None
    if not _NUMBER.match(cleaned):
        return Message(N_("un nombre positif est attendu (par exemple 12,5)"))
    return float(cleaned.replace(",", "."))


def _month(text: str) -> int | None | Message:
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= 12:
        return Message(N_("un mois de 1 à 12 est attendu"))
    return int(text)


def _flag(text: str) -> bool | Message:
    word = folded(text)
    if word in YES:
        return True
    if word in NO:
        return False
    return Message(N_("oui ou non attendu"))


def at_most(limit: int) -> Message:
    """« au plus 2000 caractères »."""
    return Message(N_("au plus %(max)s caractères"), max=limit)


def check_row(
    number: int, cells: Mapping[str, str], organisations: Organisations
) -> tuple[SheetFlow | None, list[Problem]]:
    """One data row: its flow, or every problem of the row."""
    problems: list[Problem] = []

    def bad(key: str, message: Message) -> None:
        header = next(c.header for c in COLUMNS if c.key == key)
        problems.append(Problem(number, header, message))

    org = _organisation(cells.get("organisation", ""), organisations)
    if isinstance(org, Message):
        bad("organisation", org)
    direction = DIRECTION_WORDS.get(folded(cells.get("direction", "")))
    if direction is None:
        bad("direction", Message(N_("« offre » ou « besoin » attendu")))
    category = category_of(cells.get("category", ""))
    if category is None:
        bad(
            "category",
            Message(N_("catégorie inconnue (code déchet comme 15 01 03, ou code de flux)")),
        )
    quantity = _number(cells.get("quantity", ""))
    if isinstance(quantity, Message):
        bad("quantity", quantity)
        quantity = None
    unit = cells.get("unit", "").strip() or None
    if unit is not None and unit not in UNITS:
        bad("unit", Message(N_("unité inconnue (%(units)s)"), units=", ".join(UNITS)))
        unit = None
    elif quantity is not None and unit is None:
        bad("unit", Message(N_("indiquez l'unité de la quantité")))
    elif quantity is None and unit is not None:
        unit = None
    frequency = folded(cells.get("frequency", "")) or "annuel"
    if frequency not in FREQUENCIES:
        bad(
            "frequency",
            Message(N_("fréquence inconnue (%(frequencies)s)"), frequencies=", ".join(FREQUENCIES)),
        )
        frequency = "annuel"
    month_from, month_to = _month(cells.get("month_from", "")), _month(cells.get("month_to", ""))
    for key, value in (("month_from", month_from), ("month_to", month_to)):
        if isinstance(value, Message):
            bad(key, value)
    yearly = None
    if not isinstance(month_from, Message) and not isinstance(month_to, Message):
        try:
            months_between(month_from, month_to)
        except FlowValueError as error:
            bad(error.field, error.message)
    if quantity is not None and unit is not None:
        try:
            yearly = yearly_quantity(quantity, unit, frequency)
        except FlowValueError as error:
            bad(error.field, error.message)
    commune = cells.get("commune", "").strip().upper()
    if len(commune) == 4 and commune.isdigit():
        commune = "0" + commune  # a spreadsheet drops the leading zero of 01001
    if commune not in commune_coordinates():
        bad(
            "commune",
            Message(N_("code INSEE de commune inconnu (5 caractères, par exemple 76540)")),
        )
    description = cells.get("description", "").strip()
    if len(description) > DESCRIPTION_MAX:
        bad("description", at_most(DESCRIPTION_MAX))
    hide_quantity, hide_site = (
        _flag(cells.get("hide_quantity", "")),
        _flag(cells.get("hide_site", "")),
    )
    for key, flag in (("hide_quantity", hide_quantity), ("hide_site", hide_site)):
        if isinstance(flag, Message):
            bad(key, flag)
    consent_by = cells.get("consent_by", "").strip()
    if len(consent_by) > CONSENT_BY_MAX:
        bad("consent_by", at_most(CONSENT_BY_MAX))
    if problems:
        return None, problems
    if isinstance(org, Message) or direction is None or category is None:  # pragma: no cover
        return None, problems
    return SheetFlow(
        number,
        org,
        {
            "direction": direction,
            "kind": category[0],
            "code": category[1],
            "quantity": quantity,
            "unit": unit if quantity is not None else None,
            "frequency": frequency,
            "yearly_quantity": yearly.value if yearly else None,
            "month_from": month_from,
            "month_to": month_to,
            "commune_code": commune,
            "latitude": None,
            "longitude": None,
            "description": description,
            "hide_quantity": hide_quantity is True,
            "hide_site": hide_site is True,
            "accepts_hazardous": False,
        },
        consent_by,
    ), []


def check_sheet(rows: Sequence[Sequence[str]], organisations: Organisations) -> list[SheetFlow]:
    """Every data row's flow; SheetError listing all problems of all rows otherwise."""
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise file_problem(
            Message(N_("le fichier est vide : la première ligne doit nommer les colonnes"))
        )
    if len(rows) - 1 > MAX_ROWS:
        raise too_many_rows()
    problems = formula_problems(rows)
    if problems:
        raise SheetError(problems)
    columns = header_map(rows[0])
    flows: list[SheetFlow] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {
            key: row[index].strip() if index < len(row) else "" for key, index in columns.items()
        }
        flow, found = check_row(number, cells, organisations)
        problems.extend(found)
        if flow is not None:
            flows.append(flow)
    if problems:
        raise SheetError(problems)
    if not flows:
        raise file_problem(Message(N_("aucune ligne de flux sous la ligne des colonnes")))
    return flows
