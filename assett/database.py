"""Engine settings per database: SQLite gets WAL, foreign keys, a busy timeout, write locks;
PostgreSQL gets its just-in-time compiler turned off.

SQLite lets any number of readers work beside one writer (WAL), but a transaction that reads
and then writes only asks for the write lock at its first write: two such transactions
interleave, and one fails or both act on a stale read. A write transaction therefore begins
with `BEGIN IMMEDIATE` (the write lock at once, waiting up to the busy timeout), while a
read-only one begins with a plain `BEGIN` and never blocks anyone. The services' unit of work
(`services/unit_of_work.py`) marks its transactions as writing; nothing else does.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, scoped_session

from .extensions import db

# Per thread and per request (a context variable), so concurrent requests never share it.
_writing: ContextVar[bool] = ContextVar("assett_sqlite_writing", default=False)


def _sqlite_connect(dbapi_connection: Any, connection_record: Any) -> None:
    # Take BEGIN away from the driver (it would emit it lazily, before the first write only):
    # SQLAlchemy's "begin" event below emits it instead, as SQLAlchemy's SQLite notes advise.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    # On the driver's connection: BEGIN is no query, and query counters must not see it.
    connection.connection.driver_connection.execute(  # type: ignore[union-attr]
        "BEGIN IMMEDIATE" if _writing.get() else "BEGIN"
    )


def _postgresql_connect(dbapi_connection: Any, connection_record: Any) -> None:
    # The dashboard's statements are costly enough for PostgreSQL's JIT, which then compiles
    # them again at every run (about 30 ms for the period's statuses): more than it saves on
    # queries that read an index for some thousands of rows.
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    dbapi_connection.commit()


def is_writing() -> bool:
    """Whether transactions begun now take SQLite's write lock at their start."""
    return _writing.get()


@contextmanager
def writing(session: Session | scoped_session[Any]) -> Iterator[None]:
    """Run the block in a transaction that holds SQLite's write lock from its first statement.

    A read-only transaction the session has open (the view loaded the objects it passes in) is
    ended first, so that the block's reads happen under the lock and see the latest rows; the
    objects reload on their next use. Elsewhere than on SQLite this changes nothing.
    """
    current = session() if isinstance(session, scoped_session) else session
    if _writing.get() or current.get_bind().dialect.name != "sqlite":
        yield
        return
    if current.in_transaction() and not (current.new or current.dirty or current.deleted):
        current.commit()
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)


def configure_engine(app: Flask) -> None:
    """Install per-connection settings once the engine exists."""
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_connect)
            event.listen(engine, "begin", _sqlite_begin)
        elif engine.dialect.name == "postgresql":
            event.listen(engine, "connect", _postgresql_connect)
