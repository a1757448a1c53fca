"""Flows entered at a workshop: by an animator for a consenting organisation, or by a sheet.

Each entry records the organisation's consent (the person who agreed, the animator, when,
by form or by import). A sheet is checked whole by domain.flow_sheet and written in one
transaction: every row's problem is reported at once and nothing is written if one fails.
"""

from __future__ import annotations

import io
import itertools
import zipfile
from collections import Counter
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..domain.flow_reference import folded
from ..domain.flow_sheet import Organisations, check_sheet
from ..domain.sheet_files import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    Problem,
    SheetError,
    csv_rows,
    decode_csv,
    file_problem,
    too_large,
    too_many_columns,
    too_many_rows,
)
from ..domain.text import N_, Message
from ..extensions import db
from ..models import Flow, FlowConsent, Organisation, Territory, User
from .errors import ServiceError
from .flows import FLOWS_PER_ORGANISATION_MAX, FlowInput, clean
from .unit_of_work import transaction

CONSENT_BY_MAX = 200
UNREADABLE_XLSX = Message(N_("ce n'est pas un classeur XLSX lisible"))
# An XLSX is a zip: refuse what would inflate past this once unpacked (a « zip bomb »).
MAX_UNPACKED_BYTES = 10 * 1024 * 1024


def territory_organisations(territory: Territory) -> Organisations:
    """The territory's organisations by SIRET and by folded name."""
    rows = db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.siret).where(
            Organisation.territory_id == territory.id
        )
    )
    by_siret: dict[str, int] = {}
    by_name: dict[str, list[int]] = {}
    for org_id, name, siret in rows:
        if siret:
            by_siret[siret] = org_id
        by_name.setdefault(folded(name), []).append(org_id)
    return Organisations(by_siret=by_siret, by_name=by_name)


def find_organisation(territory: Territory, typed: str) -> Organisation:
    """The organisation of the territory a SIRET or exact name designates; ServiceError else."""
    typed = typed.strip()
    if not typed:
        raise ServiceError(_("Indiquez l'organisation (SIRET ou nom exact)."), "organisation")
    organisations = territory_organisations(territory)
    digits = typed.replace(" ", "")
    if digits.isdigit():
        found = organisations.by_siret.get(digits)
        ids = [found] if found is not None else []
    else:
        ids = list(organisations.by_name.get(folded(typed), ()))
    if len(ids) > 1:
        raise ServiceError(
            _("Plusieurs organisations portent ce nom : indiquez le SIRET."), "organisation"
        )
    if not ids:
        raise ServiceError(
            _("Aucune organisation du territoire n'a ce SIRET ou ce nom."), "organisation"
        )
    org = db.session.get(Organisation, ids[0])
    assert org is not None  # noqa: S101 - read from the same session just above
    return org


def _consent_by(consented: bool, consent_by: str, required: bool = True) -> str:
    name = consent_by.strip()
    if not consented:
        raise ServiceError(
            _("Cochez « l'organisation a donné son accord » : sans accord, rien n'est saisi."),
            "consent",
        )
    if not name and required:
        raise ServiceError(
            _("Indiquez le nom de la personne qui a donné l'accord de l'organisation."),
            "consent_by",
        )
    if len(name) > CONSENT_BY_MAX:
        raise ServiceError(_("Au plus %(n)d caractères.", n=CONSENT_BY_MAX), "consent_by")
    return name


def _flow_counts(org_ids: list[int]) -> dict[int, int]:
    rows = db.session.execute(
        select(Flow.organisation_id, func.count(Flow.id))
        .where(Flow.organisation_id.in_(org_ids))
        .group_by(Flow.organisation_id)
    )
    return {org_id: count for org_id, count in rows}


def enter_flow(
    territory: Territory,
    organisation: str,
    animator: User,
    consented: bool,
    consent_by: str,
    data: FlowInput,
) -> tuple[Organisation, Flow]:
    """Declare a flow for a consenting organisation of the territory, recording the consent."""
    name = _consent_by(consented, consent_by)
    org = find_organisation(territory, organisation)
    values = clean(data)
    with transaction() as session:
        if _flow_counts([org.id]).get(org.id, 0) >= FLOWS_PER_ORGANISATION_MAX:
            raise ServiceError(
                _("Au plus %(n)d flux par organisation.", n=FLOWS_PER_ORGANISATION_MAX)
            )
        flow = Flow(organisation_id=org.id, created_by_id=animator.id, **values)
        session.add(flow)
        session.flush()
        session.add(
            FlowConsent(
                organisation_id=org.id,
                flow_id=flow.id,
                flows_count=1,
                entered_by_id=animator.id,
                consent_by=name,
                method="saisie",
            )
        )
    return org, flow


# Sheets


def _xlsx_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    return str(value)


def _workbook(content: bytes, read_only: bool) -> Any:
    """The workbook with its formulas as written (read_only: streamed, cells read on demand)."""
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(content), read_only=read_only, data_only=False)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds on a bad file
        raise file_problem(UNREADABLE_XLSX) from error


def _refuse_too_many_rows(content: bytes) -> None:
    """SheetError when the first sheet has more than MAX_ROWS rows after its header.

    Read as a stream, stopping at the first row past the limit: a whole workbook is loaded only
    once its length is known to be a sheet's, not 100,000 rows of cells held in memory.
    """
    workbook = _workbook(content, read_only=True)
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        beyond = next(itertools.islice(rows, MAX_ROWS + 1, None), None)
    except Exception as error:  # noqa: BLE001
        raise file_problem(UNREADABLE_XLSX) from error
    finally:
        workbook.close()
    if beyond is not None:
        raise too_many_rows()


def xlsx_rows(content: bytes) -> list[list[str]]:
    """The first sheet's rows as texts; SheetError for formulas, merged cells, bombs, size."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(item.file_size for item in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise file_problem(Message(N_("classeur trop volumineux une fois décompressé")))
    except zipfile.BadZipFile as error:
        raise file_problem(UNREADABLE_XLSX) from error
    _refuse_too_many_rows(content)
    sheet = _workbook(content, read_only=False).worksheets[0]
    if sheet.merged_cells.ranges:
        merged = ", ".join(str(r) for r in list(sheet.merged_cells.ranges)[:5])
        raise file_problem(
            Message(
                N_(
                    "le classeur contient des cellules fusionnées (%(cells)s) : "
                    "défusionnez-les, une valeur par cellule"
                ),
                cells=merged,
            )
        )
    if sheet.max_column > MAX_COLUMNS:
        raise file_problem(too_many_columns())
    rows: list[list[str]] = []
    problems: list[Problem] = []
    for number, row in enumerate(sheet.iter_rows(), start=1):
        texts = []
        for cell in row:
            if cell.data_type == "f":
                problems.append(
                    Problem(
                        number,
                        cell.coordinate,
                        Message(N_("formule refusée : saisissez une valeur")),
                    )
                )
            text = _xlsx_cell(cell.value)
            if len(text) > MAX_CELL_CHARS:
                problems.append(
                    Problem(
                        number,
                        cell.coordinate,
                        Message(N_("plus de %(max)s caractères"), max=MAX_CELL_CHARS),
                    )
                )
            texts.append(text)
        rows.append(texts)
    if problems:
        raise SheetError(problems)
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    return rows


def sheet_rows(filename: str, content: bytes) -> list[list[str]]:
    """The rows of an uploaded CSV or XLSX file."""
    if len(content) > MAX_FILE_BYTES:
        raise too_large()
    if not content:
        raise file_problem(Message(N_("le fichier est vide")))
    lowered = filename.lower()
    if lowered.endswith(".xlsx") or content.startswith(b"PK\x03\x04"):
        return xlsx_rows(content)
    if lowered.endswith((".csv", ".txt")):
        return csv_rows(decode_csv(content))
    raise file_problem(
        Message(N_("format non pris en charge : un fichier .csv ou .xlsx est attendu"))
    )


@dataclass(frozen=True)
class ImportReport:
    flows: int
    organisations: int


def import_sheet(
    territory: Territory,
    animator: User,
    filename: str,
    content: bytes,
    consented: bool,
    consent_by: str,
) -> ImportReport:
    """Write every flow of a sheet, or none: SheetError lists all problems of all rows."""
    default = _consent_by(consented, consent_by, required=False)
    rows = sheet_rows(filename, content)
    flows = check_sheet(rows, territory_organisations(territory))
    per_org = Counter(flow.organisation_id for flow in flows)
    # Who agreed for each organisation: its rows' « accord_donne_par », else the form's name.
    names: dict[int, str] = {}
    for flow in flows:
        if flow.consent_by and flow.organisation_id not in names:
            names[flow.organisation_id] = flow.consent_by
    unnamed = [flow for flow in flows if flow.organisation_id not in names]
    if unnamed and not default:
        raise SheetError(
            [
                Problem(
                    flow.row,
                    "accord_donne_par",
                    Message(
                        N_(
                            "indiquez qui a donné l'accord de l'organisation (dans cette "
                            "colonne, ou dans le champ du formulaire pour toute la feuille)"
                        )
                    ),
                )
                for flow in unnamed
            ]
        )
    existing = _flow_counts(list(per_org))
    first_row = {flow.organisation_id: flow.row for flow in reversed(flows)}
    too_many = [
        Problem(
            first_row[org_id],
            "organisation",
            Message(
                N_("cette organisation aurait %(count)s flux : au plus %(max)s par organisation"),
                count=existing.get(org_id, 0) + count,
                max=FLOWS_PER_ORGANISATION_MAX,
            ),
        )
        for org_id, count in per_org.items()
        if existing.get(org_id, 0) + count > FLOWS_PER_ORGANISATION_MAX
    ]
    if too_many:
        raise SheetError(too_many)
    with transaction() as session:
        for flow in flows:
            session.add(
                Flow(organisation_id=flow.organisation_id, created_by_id=animator.id, **flow.values)
            )
        for org_id, count in per_org.items():
            session.add(
                FlowConsent(
                    organisation_id=org_id,
                    flows_count=count,
                    entered_by_id=animator.id,
                    consent_by=names.get(org_id, default),
                    method="import",
                )
            )
    return ImportReport(flows=len(flows), organisations=len(per_org))


def consents_of(org: Organisation) -> list[dict[str, object]]:
    """The organisation's workshop consents, as its data export holds them."""
    rows = db.session.execute(
        select(FlowConsent, User.email)
        .outerjoin(User, User.id == FlowConsent.entered_by_id)
        .where(FlowConsent.organisation_id == org.id)
        .order_by(FlowConsent.consented_at, FlowConsent.id)
    )
    return [
        {
            "consent_by": consent.consent_by,
            "method": consent.method,
            "flows_count": consent.flows_count,
            "flow_id": consent.flow_id,
            "entered_by": email,
            "consented_at": consent.consented_at.isoformat(),
        }
        for consent, email in rows
    ]
