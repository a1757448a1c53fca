"""The demo `flask demo` builds, built once per worker and loaded into each test that asks.

Building the demo (30 organisations, three years of history, flows, events, campaigns) costs
seconds; loading its rows costs a few hundredths. The rows are read once, in a rolled-back
transaction, and inserted again, ids included, into the transaction of each test that uses
the `built_demo` fixture. `tests/test_demo.py` still builds it through the command.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import Integer, Table, select, text

from assett.demo import DEMO_SLUG, seed_demo
from assett.extensions import db
from assett.models import Territory


@dataclass(frozen=True)
class DemoRows:
    """Every row the demo wrote, table by table, parents before children."""

    tables: tuple[tuple[Table, tuple[dict[str, Any], ...]], ...]


def build() -> None:
    """What `flask demo` writes."""
    seed_demo(current_app.config["QUESTIONNAIRES_DIR"])


def read_rows() -> DemoRows:
    """Every row of every table, as the current transaction sees them."""
    db.session.flush()
    found = []
    for table in db.metadata.sorted_tables:
        query = select(table).order_by(*table.primary_key.columns)
        rows = tuple(dict(row._mapping) for row in db.session.execute(query))
        if rows:
            found.append((table, rows))
    return DemoRows(tuple(found))


def load(snapshot: DemoRows) -> Territory:
    """Insert the demo's rows into the test's transaction; the demo territory."""
    load_rows(snapshot)
    territory = db.session.scalar(select(Territory).where(Territory.slug == DEMO_SLUG))
    assert territory is not None
    return territory


def load_rows(snapshot: DemoRows) -> None:
    """Insert kept rows, ids included, into the test's transaction, and commit them.

    The commit matters: the rows are written inside the session's savepoint, and the first
    `rollback()` a service makes (a refused form) would take them away before any commit did.
    Committed, they stay until the test's outer transaction is rolled back, as rows a factory
    writes do.
    """
    connection = db.session.connection()
    for table, rows in snapshot.tables:
        connection.execute(table.insert(), list(rows))
    if connection.dialect.name == "postgresql":
        # Explicit ids do not move the sequences: move them past the loaded rows.
        for table, rows in snapshot.tables:
            for column in table.primary_key.columns:
                if isinstance(column.type, Integer) and column.autoincrement in (True, "auto"):
                    connection.execute(
                        text("SELECT setval(pg_get_serial_sequence(:table, :column), :value)"),
                        {
                            "table": table.name,
                            "column": column.name,
                            "value": max(row[column.key] for row in rows),
                        },
                    )
    db.session.commit()
