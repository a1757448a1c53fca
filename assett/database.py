"""Engine settings per database: SQLite gets WAL, foreign keys, a busy timeout, write locks;
PostgreSQL gets its just-in-time compiler turned off and its sessions in UTC.

SQLite lets any number of readers work beside one writer (WAL), but a transaction that reads
and then writes only asks for the write lock at its first write: two such transactions
interleave, and one fails or both act on a stale read. A write transaction therefore begins
with `BEGIN IMMEDIATE` (the write lock at once, waiting up to the busy timeout), while a
read-only one begins with a plain `BEGIN` and never blocks anyone. The services' unit of work
(`services/unit_of_work.py`) marks its transactions as writing; nothing else does.

SQLite's own wait for that lock (the busy timeout) sleeps in steps growing to 100 ms: a writer
that finds it taken idles long after it is freed, and its server worker with it. So writers
first take their turn on an OS file lock beside the database (`writers_turn`), polled at most
every millisecond: the next writer starts within a millisecond of the previous one's end.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import IO, Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, scoped_session

from .extensions import db

try:
    import fcntl
except ImportError:
    fcntl = None  # type: ignore[assignment]  # Windows: writers wait in SQLite's busy handler

# Per thread and per request (a context variable), so concurrent requests never share it.
_writing: ContextVar[bool] = ContextVar("assett_sqlite_writing", default=False)
BUSY_TIMEOUT_MS = 5000
TURN_POLL_S = (0.0001, 0.001)  # first and longest pause between two tries of the writers' lock


def _sqlite_connect(dbapi_connection: Any, connection_record: Any) -> None:
    # Take BEGIN away from the driver (it would emit it lazily, before the first write only):
    # SQLAlchemy's "begin" event below emits it instead, as SQLAlchemy's SQLite notes advise.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
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
    # Timestamps come back in UTC, the zone every stored one is read in (models.UTCDateTime):
    # psycopg then gives them datetime.UTC itself, which needs no conversion per value, where
    # a server set to « Etc/UTC » or « Europe/Paris » has each one converted. The app's SQL
    # names the zone it computes in (timezone('UTC', …)), so no figure depends on this setting.
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET jit = off")
        cursor.execute("SET TIME ZONE 'UTC'")
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
        with writers_turn(current.get_bind().engine.url.database):
            yield
    finally:
        _writing.reset(token)


@contextmanager
def writers_turn(database: str | None) -> Iterator[None]:
    """Hold the SQLite file's writers' lock (an OS lock on `<file>.writers`) for the block.

    The lock is shared by every process and thread writing to that file: each turn opens the
    lock file anew, since threads sharing one open file would share the lock. Past the busy
    timeout, or where no such lock can be had (a database in memory, a read-only directory,
    Windows), the block goes on without it and SQLite's own wait decides, as without a turn.
    """
    if fcntl is None or not database or database == ":memory:" or database.startswith("file:"):
        yield
        return
    try:
        handle = open(f"{database}.writers", "a")  # noqa: SIM115  (closed below, lock with it)
    except OSError:
        yield
        return
    with handle:
        _wait_for_turn(handle)
        yield  # closing the file gives the lock back, whatever the block did


def _wait_for_turn(handle: IO[str]) -> bool:
    """Take the lock as soon as it is free; False after the busy timeout without it, or at
    once where the file system has no such locks."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    pause, longest = TURN_POLL_S
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(pause)
            pause = min(pause * 2, longest)
        except OSError:  # no locks on this file system (ENOLCK): SQLite's own wait only
            return False


def configure_engine(app: Flask) -> None:
    """Install per-connection settings once the engine exists."""
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_connect)
            event.listen(engine, "begin", _sqlite_begin)
        elif engine.dialect.name == "postgresql":
            event.listen(engine, "connect", _postgresql_connect)
