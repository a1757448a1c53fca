"""Import a territory's establishments from an INSEE SIRENE stock extract (CSV).

Streamed: rows are read one at a time and written by batches of upserts keyed on (territory,
SIRET), so a re-import updates and never duplicates. A malformed row is skipped with its line
number and the reason; every row is one statement, so a row is stored whole or not at all. A
batch the database refuses is replayed row by row, each in its own transaction.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from sqlalchemy import Table, bindparam, func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.dml import Insert, Update

from ..domain.sirene import (
    Layout,
    RowError,
    legal_unit_layout,
    municipal_code,
    parse_legal_unit_row,
    parse_stock_row,
    stock_layout,
)
from ..extensions import db
from ..models import Establishment
from .errors import ServiceError
from .unit_of_work import transaction

BATCH_SIZE = 5000


@dataclass
class Skipped:
    line: int
    reason: str


@dataclass
class ImportReport:
    """What an import did: rows read, stored, left out as outside the territory, skipped."""

    read: int = 0
    stored: int = 0
    outside: int = 0
    skipped: list[Skipped] = field(default_factory=list)


def open_extract(path: str) -> TextIO:
    """Open a CSV extract; bytes that are not UTF-8 are kept apart for the row to be skipped."""
    return open(path, encoding="utf-8", errors="surrogateescape", newline="")  # noqa: SIM115


def _rows(reader: Any, report: ImportReport) -> Iterator[tuple[int, list[str]]]:
    """(line number, values) of each data row; unreadable lines are reported and skipped."""
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            report.read += 1
            report.skipped.append(Skipped(reader.line_num, f"Ligne illisible : {error}."))
            continue
        if values:
            yield reader.line_num, values


def _header(reader: Any, read: Callable[[Sequence[str]], Layout]) -> Layout:
    try:
        header = next(reader)
    except (StopIteration, csv.Error, UnicodeDecodeError):
        raise ServiceError("Le fichier est vide ou son en-tête est illisible.") from None
    try:
        return read(header)
    except ValueError as error:
        raise ServiceError(str(error)) from None


def _upsert(table: Table) -> Insert:
    insert = (
        postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    )
    statement = insert(table)
    new = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=["territory_id", "siret"],
        set_={
            "siren": new.siren,
            "name": new.name,
            # Left as they were when this file has no legal-unit columns.
            "legal_name": func.coalesce(new.legal_name, table.c.legal_name),
            "legal_category": func.coalesce(new.legal_category, table.c.legal_category),
            "naf_code": new.naf_code,
            "headcount_code": new.headcount_code,
            "commune_code": new.commune_code,
            "postcode": new.postcode,
            "active": new.active,
        },
    )


def _write(
    statement: Insert | Update, batch: dict[str, tuple[int, dict[str, Any]]], report: ImportReport
) -> int:
    """Write a batch in one transaction; if refused, row by row. Returns the rows written."""
    if not batch:
        return 0
    try:
        with transaction() as session:
            session.connection().execute(statement, [values for _line, values in batch.values()])
        return len(batch)
    except DBAPIError:
        pass
    written = 0
    for line, values in sorted(batch.values(), key=lambda item: item[0]):
        try:
            with transaction() as session:
                session.connection().execute(statement, [values])
        except DBAPIError as error:
            reason = str(error.orig).splitlines()[0][:200]
            report.skipped.append(Skipped(line, f"Refusée par la base de données : {reason}"))
        else:
            written += 1
    return written


def import_establishments(
    territory_id: int,
    stream: TextIO,
    communes: frozenset[str] | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Upsert the establishments of a StockEtablissement extract; keep only `communes` if set."""
    reader = csv.reader(stream)
    layout = _header(reader, stock_layout)
    report = ImportReport()
    statement = _upsert(Establishment.__table__)
    batch: dict[str, tuple[int, dict[str, Any]]] = {}
    for line, values in _rows(reader, report):
        report.read += 1
        try:
            place = parse_stock_row(layout, values)
        except RowError as error:
            report.skipped.append(Skipped(line, str(error)))
            continue
        code = place.commune_code or ""
        if communes is not None and code not in communes and municipal_code(code) not in communes:
            report.outside += 1
            continue
        # The same SIRET twice in a batch: the later row wins, as a second import would.
        batch[place.siret] = (
            line,
            {
                "territory_id": territory_id,
                "siret": place.siret,
                "siren": place.siren,
                "name": place.name,
                "legal_name": place.legal_name,
                "legal_category": place.legal_category,
                "naf_code": place.naf_code,
                "headcount_code": place.headcount_code,
                "commune_code": place.commune_code,
                "postcode": place.postcode,
                "active": place.active,
            },
        )
        if len(batch) >= batch_size:
            report.stored += _write(statement, batch, report)
            batch = {}
    report.stored += _write(statement, batch, report)
    report.skipped.sort(key=lambda skipped: skipped.line)
    return report


def import_legal_units(
    territory_id: int, stream: TextIO, batch_size: int = BATCH_SIZE
) -> ImportReport:
    """Set the legal name and category of the territory's establishments from StockUniteLegale.

    `stored` counts the legal units read that were written (whether or not the territory has
    an establishment of theirs: an update of no row costs one index look-up).
    """
    reader = csv.reader(stream)
    layout = _header(reader, legal_unit_layout)
    report = ImportReport()
    table = Establishment.__table__
    statement = (
        update(table)
        .where(table.c.territory_id == bindparam("t_id"), table.c.siren == bindparam("u_siren"))
        .values(
            legal_category=bindparam("u_category"),
            legal_name=func.coalesce(bindparam("u_name"), table.c.legal_name),
        )
    )
    batch: dict[str, tuple[int, dict[str, Any]]] = {}
    for line, values in _rows(reader, report):
        report.read += 1
        try:
            unit = parse_legal_unit_row(layout, values)
        except RowError as error:
            report.skipped.append(Skipped(line, str(error)))
            continue
        batch[unit.siren] = (
            line,
            {
                "t_id": territory_id,
                "u_siren": unit.siren,
                "u_category": unit.legal_category,
                "u_name": unit.legal_name,
            },
        )
        if len(batch) >= batch_size:
            report.stored += _write(statement, batch, report)
            batch = {}
    report.stored += _write(statement, batch, report)
    report.skipped.sort(key=lambda skipped: skipped.line)
    return report
