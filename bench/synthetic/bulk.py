"""Bulk writes: COPY on PostgreSQL, one executemany of pre-encoded values on SQLite."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON, func, select
from sqlalchemy.engine import Connection

from assett.extensions import db

Row = dict[str, Any]


def insert_rows(connection: Connection, table: str, rows: list[Row]) -> None:
    """Rows in bulk: COPY on PostgreSQL; elsewhere one executemany of values encoded by the
    columns' own bind processors (the bytes the ORM writes, without its per-row overhead)."""
    target, dialect = db.metadata.tables[table], connection.dialect
    columns = list(rows[0])
    names = ", ".join(map(dialect.identifier_preparer.quote, columns))
    if dialect.name == "postgresql":
        as_json = [isinstance(target.c[name].type, JSON) for name in columns]
        statement = f"COPY {dialect.identifier_preparer.quote(table)} ({names}) FROM STDIN"
        with connection.connection.driver_connection.cursor() as cursor:  # type: ignore[union-attr]
            with cursor.copy(statement) as copy:
                for row in rows:
                    values = zip(row.values(), as_json, strict=True)
                    copy.write_row([json.dumps(v) if is_json else v for v, is_json in values])
        return
    encoders = [
        target.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns
    ]
    encoded = [
        tuple(
            v if encode is None else encode(v)
            for v, encode in zip(row.values(), encoders, strict=True)
        )
        for row in rows
    ]
    marks = ", ".join("?" * len(columns))
    table_name = dialect.identifier_preparer.quote(table)  # from the models, never user input
    statement = f"INSERT INTO {table_name} ({names}) VALUES ({marks})"  # noqa: S608
    connection.exec_driver_sql(statement, encoded)


def lock_and_reserve(connection: Connection, tables: Sequence[str]) -> dict[str, int]:
    """Keep other writers out, and return the first free id of each table."""
    quote = connection.dialect.identifier_preparer.quote
    if connection.dialect.name == "postgresql":
        names = ", ".join(quote(table) for table in tables)
        connection.exec_driver_sql(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE")
    else:  # SQLite's single writer lock, taken before reading the maxima
        connection.exec_driver_sql("DELETE FROM cohort_member WHERE 0")
    return {
        table: (connection.scalar(select(func.max(db.metadata.tables[table].c.id))) or 0) + 1
        for table in tables
    }


def move_sequences(connection: Connection, tables: Sequence[str]) -> None:
    """PostgreSQL: the id sequences continue after the inserted ids."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables:  # names from the models' metadata, never user input
        quoted = connection.dialect.identifier_preparer.quote(table)
        connection.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{quoted}', 'id'), "  # noqa: S608
            f"(SELECT coalesce(max(id), 0) + 1 FROM {quoted}), false)"
        )
