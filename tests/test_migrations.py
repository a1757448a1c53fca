"""Every Alembic revision upgrades and downgrades on SQLite and PostgreSQL, losing no row."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import CheckConstraint, Connection, MetaData, Table, inspect, select, text
from sqlalchemy.exc import IntegrityError

from assett.demo import seed_demo
from assett.extensions import db

from .own_database import MigratedDatabases, own_app, revisions

# Every revision, oldest first: revisions added later are covered without editing here.
REVISIONS = revisions()
MigratedApp = Callable[[str], Flask]


@pytest.fixture
def migrated_app(tmp_path: Path, migrated_databases: MigratedDatabases) -> Iterator[MigratedApp]:
    """`migrated_app(revision)`: the app, its context pushed, on a database of its own at that
    revision ("base": empty, "head": the last), copied from the one the worker built once."""
    with ExitStack() as stack:

        def at(revision: str) -> Flask:
            url = stack.enter_context(migrated_databases.copy(tmp_path, "migrations", revision))
            app = own_app(url)
            stack.enter_context(app.app_context())
            stack.callback(_close)
            return app

        yield at


def _close() -> None:
    db.session.remove()
    db.engine.dispose()


def _upgrade_or_raise(app: Flask) -> None:
    """Upgrade to the head through Alembic itself, which raises where Flask-Migrate exits."""
    command.upgrade(app.extensions["migrate"].migrate.get_config(), "head")


def _tables() -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version", "sqlite_sequence"}


def _version() -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _insert(connection: Connection, table: str, **values: Any) -> int:
    """Insert a row through the table as the database describes it, whatever the models say."""
    reflected = Table(table, MetaData(), autoload_with=connection)
    result = connection.execute(reflected.insert().values(**values))
    return int(result.inserted_primary_key[0])


def _dump() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, in primary key order."""
    contents = {}
    with db.engine.connect() as connection:
        inspector = inspect(connection)
        for name in sorted(_tables()):
            table = Table(name, MetaData(), autoload_with=connection)
            key = inspector.get_pk_constraint(name)["constrained_columns"]
            rows = connection.execute(select(table).order_by(*(table.c[k] for k in key)))
            contents[name] = [dict(row._mapping) for row in rows]
    return contents


@pytest.mark.parametrize("revision", REVISIONS)
def test_each_revision_upgrades_downgrades_and_upgrades_again(
    migrated_app: MigratedApp, revision: str
) -> None:
    position = REVISIONS.index(revision)
    below = REVISIONS[position - 1] if position else "base"
    migrated_app(below)
    before = _tables()

    upgrade(revision=revision)
    assert _version() == revision
    downgrade(revision=below)
    assert _version() == (None if below == "base" else below)
    assert _tables() == before
    upgrade(revision=revision)

    assert _version() == revision


def test_downgrading_every_revision_removes_every_table(migrated_app: MigratedApp) -> None:
    migrated_app("head")
    for revision in reversed(REVISIONS):
        assert _version() == revision
        downgrade(revision="-1")

    assert _tables() == set()


def test_the_migrated_schema_is_the_one_the_models_describe(migrated_app: MigratedApp) -> None:
    migrated_app("head")

    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []
    inspector = inspect(db.engine)
    for table in db.metadata.sorted_tables:
        declared = {
            str(constraint.name)
            for constraint in table.constraints
            if isinstance(constraint, CheckConstraint)
        }
        found = {check["name"] for check in inspector.get_check_constraints(table.name)}
        assert found == declared, table.name
        partial = {
            index.name
            for index in table.indexes
            if index.dialect_options["sqlite"]["where"] is not None
        }
        found_partial = {
            index["name"]
            for index in inspector.get_indexes(table.name)
            if index["unique"]
            and (index.get("dialect_options") or {}).keys() & {"sqlite_where", "postgresql_where"}
        }
        assert found_partial == partial, table.name


def test_the_top_progressors_are_read_along_the_gain_index(migrated_app: MigratedApp) -> None:
    # SQLite cannot reflect an index on an expression, so the comparison above skips it there.
    migrated_app("head")
    query = (
        "SELECT organisation_id FROM org_theme_status WHERE territory_id = 1"
        " AND latest_score - first_score > 0.05"
        " ORDER BY latest_score - first_score DESC LIMIT 10"
    )

    with db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            plan = " ".join(
                str(row[-1]) for row in connection.execute(text(f"EXPLAIN QUERY PLAN {query}"))
            )
            assert "ix_org_theme_status_gain" in plan
        else:
            assert "ix_org_theme_status_gain" in {
                index["name"] for index in inspect(connection).get_indexes("org_theme_status")
            }
    migrated_app("0027")
    with db.engine.connect() as connection:
        names = {index["name"] for index in inspect(connection).get_indexes("org_theme_status")}
    assert "ix_org_theme_status_gain" not in names


def test_sqlite_never_reuses_the_ids_the_models_say_appear_in_links(
    migrated_app: MigratedApp,
) -> None:
    migrated_app("head")
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL sequences never hand out an id twice")

    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            sql = connection.execute(
                text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :name"),
                {"name": table.name},
            ).scalar_one()
            declared = bool(table.dialect_options["sqlite"]["autoincrement"])
            assert ("AUTOINCREMENT" in sql) == declared, table.name


NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _theme_at_0001(connection: Connection, territory_id: int | None = None) -> tuple[int, int]:
    """A questionnaire and its published version, written as revision 0001 stores them."""
    questionnaire = _insert(
        connection,
        "questionnaire",
        territory_id=territory_id,
        theme_key="energie",
        title="Énergie",
        position=0,
        enabled=True,
        created_at=NOW,
    )
    version = _insert(
        connection,
        "questionnaire_version",
        questionnaire_id=questionnaire,
        number=1,
        status="published",
        definition={"key": "energie"},
        content_hash="0" * 64,
        created_at=NOW,
    )
    return questionnaire, version


def _organisation_at_0001(connection: Connection) -> tuple[int, int]:
    territory = _insert(
        connection,
        "territory",
        slug="rouen",
        name="Rouen",
        main_colour="#1b6b4f",
        welcome_text="",
        is_active=True,
        created_at=NOW,
    )
    organisation = _insert(
        connection,
        "organisation",
        territory_id=territory,
        name="Boulangerie",
        legal_type="entreprise",
        sharing="private",
        created_at=NOW,
    )
    return territory, organisation


def _draft_at_0001(
    connection: Connection, ids: tuple[int, int, int, int], updated_at: datetime, answer: str
) -> int:
    territory, organisation, questionnaire, version = ids
    draft = _insert(
        connection,
        "assessment",
        organisation_id=organisation,
        territory_id=territory,
        questionnaire_id=questionnaire,
        version_id=version,
        theme_key="energie",
        status="draft",
        created_at=NOW,
        updated_at=updated_at,
        current_category=0,
    )
    _insert(
        connection,
        "answer",
        assessment_id=draft,
        question_key="suivi_factures",
        category_key="connaissance",
        value=answer,
        not_applicable=False,
        counted=False,
    )
    return draft


def test_upgrading_keeps_the_draft_updated_last_when_a_theme_has_two(
    migrated_app: MigratedApp,
) -> None:
    migrated_app("0001")
    with db.engine.begin() as connection:
        territory, organisation = _organisation_at_0001(connection)
        questionnaire, version = _theme_at_0001(connection, territory)
        ids = (territory, organisation, questionnaire, version)
        older = _draft_at_0001(connection, ids, datetime(2026, 1, 6, tzinfo=UTC), "annuel")
        newer = _draft_at_0001(connection, ids, datetime(2026, 1, 7, tzinfo=UTC), "mensuel")

    upgrade()

    with db.engine.connect() as connection:
        drafts = connection.execute(text("SELECT id FROM assessment")).scalars().all()
        answers = connection.execute(text("SELECT assessment_id, value FROM answer")).all()
    assert drafts == [newer]
    assert [row[0] for row in answers] == [newer]
    assert older not in drafts


def test_upgrading_archives_all_but_the_latest_published_version(migrated_app: MigratedApp) -> None:
    migrated_app("0001")
    with db.engine.begin() as connection:
        questionnaire, first = _theme_at_0001(connection)
        second = _insert(
            connection,
            "questionnaire_version",
            questionnaire_id=questionnaire,
            number=2,
            status="published",
            definition={"key": "energie"},
            content_hash="1" * 64,
            created_at=NOW,
        )

    upgrade()

    with db.engine.connect() as connection:
        rows = connection.execute(text("SELECT id, status FROM questionnaire_version"))
        statuses = {row.id: row.status for row in rows}
    assert statuses == {first: "archived", second: "published"}


def test_upgrading_refuses_two_platform_questionnaires_of_one_theme_and_says_which(
    migrated_app: MigratedApp,
) -> None:
    migration_app = migrated_app("0001")
    with db.engine.begin() as connection:
        _theme_at_0001(connection)
        _theme_at_0001(connection)

    with pytest.raises(RuntimeError) as refusal:
        _upgrade_or_raise(migration_app)

    assert "uq_questionnaire_platform_theme" in str(refusal.value)
    assert "('energie',)" in str(refusal.value)
    assert _version() == "0001"
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM questionnaire")).scalar() == 2


def test_upgrading_refuses_a_value_outside_the_codes_lists_and_names_the_rule(
    migrated_app: MigratedApp,
) -> None:
    migration_app = migrated_app("0001")
    with db.engine.begin() as connection:
        _territory, organisation = _organisation_at_0001(connection)
        connection.execute(
            text("UPDATE organisation SET sharing = 'everyone' WHERE id = :id"),
            {"id": organisation},
        )

    with pytest.raises(RuntimeError) as refusal:
        _upgrade_or_raise(migration_app)

    assert f"ck_organisation_sharing — 1 rows (ids [{organisation}])" in str(refusal.value)
    assert _version() == "0001"


@pytest.fixture
def draft_upgraded_from_0001(
    migrated_app: MigratedApp, migrated_databases: MigratedDatabases
) -> dict[str, int]:
    """A copy of a database where a draft was written at 0001, then upgraded to the head (the
    upgrade runs once per worker); the ids of its rows by table."""

    def fill(app: Flask) -> dict[str, int]:
        with db.engine.begin() as connection:
            territory, organisation = _organisation_at_0001(connection)
            questionnaire, version = _theme_at_0001(connection, territory)
            ids = (territory, organisation, questionnaire, version)
            draft = _draft_at_0001(connection, ids, NOW, "annuel")
        upgrade()
        assert _version() == REVISIONS[-1]
        return {
            "territory": territory,
            "organisation": organisation,
            "questionnaire": questionnaire,
            "questionnaire_version": version,
            "assessment": draft,
        }

    ids = migrated_databases.prepare("draft_from_0001", "0001", fill)
    migrated_app("draft_from_0001")
    return ids


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        ("organisation", "sharing", "everyone"),
        ("organisation", "legal_type", "sarl"),
        ("organisation", "headcount_code", "99"),
        ("assessment", "status", "abandoned"),
        ("assessment", "score", 5.5),
        ("assessment", "current_category", -1),
        ("questionnaire_version", "status", "deleted"),
    ],
)
def test_the_migrated_database_refuses_values_the_code_never_writes(
    draft_upgraded_from_0001: dict[str, int], table: str, column: str, value: Any
) -> None:
    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        connection.execute(
            text(f"UPDATE {table} SET {column} = :value WHERE id = :id"),  # noqa: S608
            {"value": value, "id": draft_upgraded_from_0001[table]},
        )


def test_the_migrated_database_refuses_a_second_draft_of_a_theme(
    draft_upgraded_from_0001: dict[str, int],
) -> None:
    rows = draft_upgraded_from_0001
    ids = (
        rows["territory"],
        rows["organisation"],
        rows["questionnaire"],
        rows["questionnaire_version"],
    )

    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        _draft_at_0001(connection, ids, NOW, "mensuel")


def test_a_deleted_organisations_id_is_never_given_to_a_new_one(migrated_app: MigratedApp) -> None:
    migrated_app("head")
    with db.engine.begin() as connection:
        _territory, deleted = _organisation_at_0001(connection)
        connection.execute(text("DELETE FROM organisation WHERE id = :id"), {"id": deleted})
    with db.engine.begin() as connection:
        territory = connection.execute(text("SELECT id FROM territory")).scalar_one()
        newer = _insert(
            connection,
            "organisation",
            territory_id=territory,
            name="Menuiserie",
            legal_type="entreprise",
            sharing="private",
            created_at=NOW,
        )

    assert newer > deleted


def test_the_demo_data_comes_back_from_0001_to_head_without_a_row_lost(
    migrated_app: MigratedApp,
) -> None:
    # The demo writes through today's models, which only the head schema fits: it fills the
    # head, the data goes down to 0001 and comes back up through every revision.
    migration_app = migrated_app("head")
    report = seed_demo(migration_app.config["QUESTIONNAIRES_DIR"])
    assert report.assessments > 0
    filled = _dump()
    downgrade(revision="0001")
    at_0001 = _dump()

    upgrade()

    after = _dump()
    assert set(at_0001) <= set(after)
    for table, rows in at_0001.items():
        assert len(after[table]) == len(rows) == len(filled[table]), table
        columns = rows[0].keys() if rows else ()
        for dump in (filled, after):  # later revisions may add columns: compare 0001's
            assert [{c: row[c] for c in columns} for row in dump[table]] == rows, table
    assert len(after["assessment"]) == report.assessments


def test_upgrading_fills_the_months_losses_as_the_writer_keeps_them(
    migrated_app: MigratedApp,
) -> None:
    # The demo writes through the single writer at the head; 0031 then fills the table again
    # from org_potential, with the same months and the same rounding.
    migration_app = migrated_app("head")
    seed_demo(migration_app.config["QUESTIONNAIRES_DIR"])
    written = _dump()["network_potential_month"]
    assert written
    downgrade(revision="0030")
    assert "network_potential_month" not in _tables()

    upgrade()

    assert _dump()["network_potential_month"] == written
