"""Shared fixtures: the app on SQLite (or PostgreSQL via ASSETT_TEST_DATABASE_URL), personas.

How a test meets the database
-----------------------------
Each pytest-xdist worker builds one app and one schema. Each test then runs inside an outer
transaction on one connection, rolled back when the test ends: `db.session` is bound to that
connection with `join_transaction_mode="create_savepoint"`, so a service's `commit()` only
releases a savepoint and its `rollback()` goes back to the last one. Nothing a test writes
survives it, and no table has to be emptied.

Per-test state that lives on the shared app is put back after each test: `app.config` (a test
may set `app.config[...] = ...` freely), `app.extensions` entries made during the test (the
dashboard figure cache), the rate limiter's storage and settings, and `g` (each test pushes
its own app context).

`@pytest.mark.real_commits`: for a test whose writes must really be committed, because
another connection has to see them (threads, subprocesses, a second app or a live server on
the same database, migrations, code that opens its own connection such as the synthetic
generator). Such a test gets an app of its own on the worker's database, its commits are real,
and every table is emptied after it. It is several times slower: use it only when needed.

A test without the marker that writes through another connection does not leak rows into the
next test: its teardown finds the committed rows, empties the tables and fails, naming them.

`count_queries` counts the SQL statements a block sends (savepoint statements excluded, so the
figure is the one production sees): `with count_queries() as queries: ...`, then
`queries.count` or `queries.statements`.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FlaskSession
from hypothesis import settings
from sqlalchemy import CompoundSelect, event, exists, literal, select, union_all
from sqlalchemy.engine import Connection

from assett import create_app
from assett.extensions import db, limiter

from . import demo_snapshot, factories, network_snapshot
from .own_database import MigratedDatabases

TEST_DATABASE_URL = os.environ.get("ASSETT_TEST_DATABASE_URL")
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER")


def _worker_database_url(url: str | None) -> str | None:
    """With pytest-xdist on PostgreSQL, give each worker a database of its own."""
    if not url or not XDIST_WORKER or not url.startswith("postgresql"):
        return url
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{XDIST_WORKER}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).scalar()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


TEST_DATABASE_URL = _worker_database_url(TEST_DATABASE_URL)

# The same examples on every run: a property test must not fail at random in CI.
settings.register_profile("assett", derandomize=True, deadline=None)
settings.load_profile("assett")
FAST_ARGON2 = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}


def test_config(tmp_path: Path, **overrides: Any) -> dict[str, Any]:
    """The configuration tests run with; CSRF off unless a test turns it on."""
    config: dict[str, Any] = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL or f"sqlite:///{tmp_path / 'test.db'}",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "ARGON2_PARAMETERS": FAST_ARGON2,
        "SERVER_NAME": "localhost",
        # Jobs run at once where they are enqueued; tests of the worker set a real queue.
        "QUEUE_URL": "immediate",
        # The test client never closes a response it read: no slot would be given back.
        # tests/test_export_slots.py sets a limit and closes its responses, as a server does.
        "EXPORTS_AT_ONCE": 0,
    }
    config.update(overrides)
    return config


test_config.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


@pytest.fixture(scope="session", autouse=True)
def _definitions_parsed_once() -> Iterator[None]:
    """Parse each questionnaire text once per worker: most fixtures load the same four files.

    The parse is a pure function of the text and its source name, and a definition is frozen,
    so every caller gets what an uncached parse would give; refusals are never cached.
    """
    from assett.domain import loader

    with pytest.MonkeyPatch.context() as patch:
        cached = functools.lru_cache(maxsize=64)(loader.parse_definition_text)
        patch.setattr(loader, "parse_definition_text", cached)
        yield


# Tests sharing a costly per-worker set-up go to one worker, which builds it once: the browser
# tests (Chromium, the live server's installed demo) and the migration tests (the database at
# each revision). Every other test is scheduled alone. (`xdist_group` marks would do it, but
# pytest-xdist 3.8 names the group in `Item._nodeid`, which pytest 9 no longer reads.)
_SHARED_SET_UPS = {"tests/browser/": "browser", "tests/test_migration": "migrations"}


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    if config.getvalue("dist") != "load":  # another distribution asked for explicitly
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SharedSetUpScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            for prefix, group in _SHARED_SET_UPS.items():
                if nodeid.startswith(prefix):
                    return group
            return nodeid

    return SharedSetUpScheduling(config, log)


# --- One app per worker ------------------------------------------------------------------------


@dataclass
class _WorkerApp:
    """The worker's app and the state each test must find it in."""

    app: Flask
    config: dict[str, Any]
    extensions: frozenset[str]
    limiter_state: dict[str, Any]
    leak_query: CompoundSelect

    def restore(self) -> None:
        """Put back what a test may have changed on the shared app and the global limiter."""
        self.app.config.clear()
        self.app.config.update(self.config)
        for name in set(self.app.extensions) - self.extensions:
            del self.app.extensions[name]
        _restore_limiter(self.limiter_state)


def _restore_limiter(state: dict[str, Any]) -> None:
    # The limiter is one global object: an app built during a test (rate limiting on, Redis
    # storage) re-initialises it, and the shared app would inherit those settings.
    vars(limiter).update(state)
    if limiter.initialized:
        limiter.reset()


@pytest.fixture(scope="session")
def _database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The worker's folder for its SQLite database (unused on PostgreSQL)."""
    return tmp_path_factory.mktemp("db")


@pytest.fixture(scope="session")
def _worker_app(_database: Path) -> Iterator[_WorkerApp]:
    app = create_app(test_config(_database))
    # Requests reuse the app context the test pushes, hence its `g`: start each request with
    # an empty `g`, as in production, so Flask-Login never carries the previous request's user
    # (g._login_user) over to the next one.
    app.before_request_funcs.setdefault(None, []).insert(0, _fresh_request_globals)
    with app.app_context():
        db.drop_all()
        db.create_all()
        leak_query = _leak_query()
    yield _WorkerApp(
        app=app,
        config=dict(app.config),
        extensions=frozenset(app.extensions),
        limiter_state=dict(vars(limiter)),
        leak_query=leak_query,
    )
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


def _fresh_request_globals() -> None:
    for name in list(vars(g)):
        delattr(g, name)


def _leak_query() -> CompoundSelect:
    """One statement naming every table that holds a row."""
    return union_all(
        *(
            select(literal(table.name)).where(exists(select(1).select_from(table)))
            for table in db.metadata.sorted_tables
        )
    )


# --- Each test in a rolled-back transaction ----------------------------------------------------


class _JoinedSession(FlaskSession):
    """`db.session` during a test: every statement goes to the test's connection."""

    def get_bind(self, mapper: Any = None, clause: Any = None, bind: Any = None, **kw: Any) -> Any:
        # Flask-SQLAlchemy picks an engine by bind key and ignores the session's own bind.
        if bind is None and self.bind is not None:
            return self.bind
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kw)


@pytest.fixture
def app(
    request: pytest.FixtureRequest, _worker_app: _WorkerApp, _database: Path
) -> Iterator[Flask]:
    if request.node.get_closest_marker("real_commits"):
        yield from _app_with_real_commits(_worker_app, _database)
    else:
        yield from _app_in_rolled_back_transaction(_worker_app)


def _app_in_rolled_back_transaction(worker: _WorkerApp) -> Iterator[Flask]:
    app = worker.app
    worker.restore()  # a test without the app fixture may have built an app of its own
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        _begin_for_real(connection)
        factory = db.session.session_factory
        class_, options = factory.class_, dict(factory.kw)
        factory.class_ = _JoinedSession
        factory.configure(bind=connection, join_transaction_mode="create_savepoint")
        try:
            yield app
        finally:
            db.session.remove()
            factory.class_ = class_
            factory.kw.clear()
            factory.kw.update(options)
            ended = not outer.is_active
            if outer.is_active:
                outer.rollback()
            leaked = connection.execute(worker.leak_query).scalars().all()
            connection.rollback()
            if leaked:
                _empty_tables(connection)
            connection.close()
            worker.restore()
    if ended or leaked:
        pytest.fail(
            "The test committed outside its rolled-back transaction "
            f"(rows left in: {', '.join(leaked) or 'none'}). If it needs real commits "
            "(threads, a second app, its own connection), mark it @pytest.mark.real_commits.",
            pytrace=False,
        )


def _empty_tables(connection: Connection) -> None:
    """Delete every row, children first, so that a leak does not spread to the next tests."""
    for table in reversed(db.metadata.sorted_tables):
        connection.execute(table.delete())
    connection.commit()


def _begin_for_real(connection: Connection) -> None:
    """Open the outer transaction in the database itself, not only in SQLAlchemy.

    pysqlite defers BEGIN until the first INSERT/UPDATE/DELETE: a SAVEPOINT issued before it
    would open the transaction, and its RELEASE would commit it.
    """
    if connection.dialect.name != "sqlite":
        return
    dbapi_connection: Any = connection.connection.dbapi_connection
    if not dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN")


def _app_with_real_commits(worker: _WorkerApp, database: Path) -> Iterator[Flask]:
    app = create_app(test_config(database))
    if limiter.initialized:
        limiter.reset()
    app.before_request_funcs.setdefault(None, []).insert(0, _fresh_request_globals)
    try:
        with app.app_context():
            yield app
            db.session.rollback()
            factories.empty_database()
            db.session.remove()
            db.engine.dispose()
    finally:
        worker.restore()


@pytest.fixture(scope="session")
def keep_rows(_worker_app: _WorkerApp) -> Callable[[Callable[[], object]], demo_snapshot.DemoRows]:
    """`keep_rows(build)`: the rows `build()` writes, in a transaction rolled back after."""

    def keep(build: Callable[[], object]) -> demo_snapshot.DemoRows:
        with contextmanager(_app_in_rolled_back_transaction)(_worker_app):
            build()
            return demo_snapshot.read_rows()

    return keep


@pytest.fixture(scope="session")
def demo_rows(keep_rows: Callable[[Callable[[], object]], demo_snapshot.DemoRows]) -> Any:
    """The rows of the built demo, built once per worker."""
    return keep_rows(demo_snapshot.build)


@pytest.fixture
def built_demo(demo_rows: demo_snapshot.DemoRows, app: Flask) -> Any:
    """The demo territory as `flask demo` leaves it (see tests/demo_snapshot.py)."""
    return demo_snapshot.load(demo_rows)


@pytest.fixture(scope="session")
def migrated_databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MigratedDatabases]:
    """The database at each Alembic revision, built once per worker on first use; a test
    takes a copy (`migrated_databases.copy(tmp_path, purpose, revision)`)."""
    databases = MigratedDatabases(tmp_path_factory.mktemp("revisions"))
    yield databases
    databases.drop()


# --- Clients and personas ----------------------------------------------------------------------


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def world(request: pytest.FixtureRequest, app: Flask) -> factories.World:
    """Personas on the demo territory and a second territory to check isolation.

    In a test that uses `dashboard_network`, the world comes with the network's kept rows.
    """
    if "dashboard_network" in request.fixturenames:
        return network_snapshot.load_world(request.getfixturevalue("_kept_dashboard_network"))
    return factories.make_world()


@pytest.fixture(scope="session")
def _kept_dashboard_network(
    keep_rows: Callable[[Callable[[], object]], demo_snapshot.DemoRows],
) -> network_snapshot.KeptNetwork:
    return network_snapshot.keep(keep_rows)


@pytest.fixture
def dashboard_network(
    world: factories.World, _kept_dashboard_network: network_snapshot.KeptNetwork
) -> factories.DashboardNetwork:
    """What `factories.make_dashboard_network(world)` builds, built once per worker."""
    return network_snapshot.network(_kept_dashboard_network)


@pytest.fixture
def login_as(client: FlaskClient):  # type: ignore[no-untyped-def]
    """Log the client in as a user (a real server-side session, as the login view makes)."""

    def login(user: Any) -> FlaskClient:
        factories.log_in(client, user)
        return client

    return login


# --- Counting queries --------------------------------------------------------------------------

_SAVEPOINT = re.compile(r"\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\b", re.I)


@dataclass
class Queries:
    """The statements sent inside a `count_queries()` block."""

    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app: Flask) -> Callable[[], AbstractContextManager[Queries]]:
    """A context manager counting the statements sent to the database inside it."""

    @contextmanager
    def counting() -> Iterator[Queries]:
        queries = Queries()

        def record(connection: Any, cursor: Any, statement: str, *args: Any) -> None:
            # The test's savepoints stand for the transactions production begins and commits.
            if not _SAVEPOINT.match(statement):
                queries.statements.append(statement)

        engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            yield queries
        finally:
            event.remove(engine, "before_cursor_execute", record)

    return counting
