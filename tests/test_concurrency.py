"""Two requests at once on one organisation: threads with their own sessions and connections.

Each test lines its threads up on a barrier after they have read what a request reads, then
lets them write at the same moment, on a SQLite file or on PostgreSQL, and ends by checking
the rows a user would see.
"""

from __future__ import annotations

import errno
import fcntl
import sqlite3
import threading
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, inspect, select

from assett.domain.scoring import Answer as Reply
from assett.extensions import db
from assett.models import (
    Assessment,
    NetworkTheme,
    Organisation,
    OrgThemeStatus,
    Questionnaire,
    SharingConsent,
    User,
)
from assett.reporting import writer
from assett.services import assessments, organisations
from assett.services.errors import ServiceError
from assett.services.unit_of_work import transaction

from . import factories
from .own_database import MigratedDatabases, own_app
from .test_assessment import JOURNEY_ANSWERS, THEME_YAML

Action = Callable[[threading.Barrier], Any]


@pytest.fixture
def app(tmp_path: Path, migrated_databases: MigratedDatabases) -> Iterator[Flask]:
    """The app on a migrated database of its own: the threads' commits are real."""
    with migrated_databases.copy(tmp_path, "concurrency", "head") as url:
        app = own_app(url)
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def org(app: Flask) -> dict[str, int]:
    """An organisation with one member and the « energie » theme published: their ids."""
    territory = factories.make_territory()
    actor = factories.make_user("actrice@example.fr")
    organisation = factories.make_org(territory, members=(actor,))
    questionnaire = factories.publish_theme(territory, THEME_YAML)
    db.session.commit()
    ids = {
        "territory": territory.id,
        "actor": actor.id,
        "org": organisation.id,
        "questionnaire": questionnaire.id,
    }
    db.session.remove()
    return ids


def _draft(ids: dict[str, int]) -> int:
    """A complete draft of the theme, ready to send: its id."""
    organisation = db.session.get(Organisation, ids["org"])
    draft = assessments.start_assessment(
        organisation,
        db.session.get(Questionnaire, ids["questionnaire"]),
        db.session.get(User, ids["actor"]),
    )
    answers = {
        key: Reply(value=value, not_applicable=value is None)
        for key, value in JOURNEY_ANSWERS.items()
    }
    assessments.save_answers(draft, answers)
    draft_id = draft.id
    db.session.remove()
    return draft_id


def race(app: Flask, *actions: Action) -> list[Any]:
    """Run each action in its own thread, app context, session and connection; their results.

    An action reads what its request would read, waits on the barrier, then writes. What it
    raises is returned in its place, so that the test says which errors are acceptable.
    """
    barrier = threading.Barrier(len(actions), timeout=30)
    results: list[Any] = [None] * len(actions)

    def run(index: int, action: Action) -> None:
        with app.app_context():
            try:
                results[index] = action(barrier)
            except Exception as error:  # noqa: BLE001 - handed to the test, which decides
                results[index] = error
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=run, args=(index, action)) for index, action in enumerate(actions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    db.session.remove()  # the test reads what the threads committed, in a new transaction
    return results


def starter(ids: dict[str, int]) -> Action:
    def start(barrier: threading.Barrier) -> int:
        organisation = db.session.get(Organisation, ids["org"])
        questionnaire = db.session.get(Questionnaire, ids["questionnaire"])
        user = db.session.get(User, ids["actor"])
        assert assessments.draft_for(ids["org"], "energie") is None
        barrier.wait()
        return int(assessments.start_assessment(organisation, questionnaire, user).id)

    return start


def submitter(ids: dict[str, int], draft_id: int) -> Action:
    def submit(barrier: threading.Barrier) -> tuple[int, str]:
        draft = db.session.get(Assessment, draft_id)
        user = db.session.get(User, ids["actor"])
        assert draft is not None
        assert draft.status == "draft"
        barrier.wait()
        sent = assessments.submit_assessment(draft, user)
        return sent.id, sent.status

    return submit


def leaver(ids: dict[str, int]) -> Action:
    def leave(barrier: threading.Barrier) -> bool:
        organisation = db.session.get(Organisation, ids["org"])
        user = db.session.get(User, ids["actor"])
        assert organisation is not None
        assert user is not None
        barrier.wait()
        return organisations.leave_organisation(organisation, user, delete_if_last=True)

    return leave


def sharer(ids: dict[str, int], level: str) -> Action:
    def share(barrier: threading.Barrier) -> bool:
        organisation = db.session.get(Organisation, ids["org"])
        user = db.session.get(User, ids["actor"])
        assert organisation is not None
        assert user is not None
        barrier.wait()
        return organisations.set_sharing(organisation, level, user) is not None

    return share


def _count(model: Any, *conditions: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0


def _maintained(territory_id: int) -> dict[str, list[tuple[Any, ...]]]:
    """The territory's maintained dashboard rows, floats rounded past any summing noise."""
    tables = {
        name: table
        for name, table in db.metadata.tables.items()
        if name.startswith(("org_", "network_")) and name not in ("org_theme_status",)
    }
    rows = {}
    for name, table in sorted(tables.items()):
        if "territory_id" not in table.c:
            continue
        key = [column for column in table.primary_key.columns]
        found = db.session.execute(
            select(table).where(table.c.territory_id == territory_id).order_by(*key)
        )
        rows[name] = [
            tuple(round(value, 9) if isinstance(value, float) else value for value in row)
            for row in found
        ]
    return rows


def assert_dashboard_matches_a_rebuild(territory_id: int) -> None:
    """The maintained rows equal a recomputation from the assessments (rolled back after)."""
    kept = _maintained(territory_id)
    writer.rebuild(territory_id)
    db.session.flush()
    rebuilt = _maintained(territory_id)
    db.session.rollback()
    assert {k: v for k, v in kept.items() if k != "network_version"} == {
        k: v for k, v in rebuilt.items() if k != "network_version"
    }


def test_two_starts_at_once_make_one_draft_and_both_land_on_it(
    app: Flask, org: dict[str, int]
) -> None:
    first, second = race(app, starter(org), starter(org))

    assert isinstance(first, int), first
    assert first == second
    drafts = db.session.scalars(
        select(Assessment.id).where(
            Assessment.organisation_id == org["org"], Assessment.status == "draft"
        )
    ).all()
    assert drafts == [first]


def page_saver(draft_id: int, key: str) -> Action:
    """A page of the draft sent with one answer, as from a tab opened before the others' saves."""

    def save(barrier: threading.Barrier) -> bool:
        draft = db.session.get(Assessment, draft_id)
        assert draft is not None
        assert draft.status == "draft"  # the page is read, its transaction still open
        barrier.wait()
        value = JOURNEY_ANSWERS[key]
        assessments.save_answers(draft, {key: Reply(value=value, not_applicable=value is None)})
        return True

    return save


def test_two_pages_saved_at_once_both_land(app: Flask, org: dict[str, int]) -> None:
    organisation = db.session.get(Organisation, org["org"])
    questionnaire = db.session.get(Questionnaire, org["questionnaire"])
    user = db.session.get(User, org["actor"])
    assert organisation is not None
    assert questionnaire is not None
    draft_id = assessments.start_assessment(organisation, questionnaire, user).id
    db.session.remove()

    saved = race(app, page_saver(draft_id, "suivi_factures"), page_saver(draft_id, "referent"))

    assert saved == [True, True]  # neither « database is locked » nor a lost page
    draft = db.session.get(Assessment, draft_id)
    assert draft is not None
    assert {answer.question_key: answer.value for answer in draft.answers} == {
        "suivi_factures": "annuel",
        "referent": "oui",
    }


def test_two_submissions_at_once_count_once(app: Flask, org: dict[str, int]) -> None:
    draft_id = _draft(org)

    first, second = race(app, submitter(org, draft_id), submitter(org, draft_id))

    assert first == second == (draft_id, "submitted")
    status = db.session.get(OrgThemeStatus, (org["org"], "energie"))
    assert status is not None
    assert status.assessment_count == 1
    assert status.latest_assessment_id == draft_id
    assert _count(Assessment, Assessment.status == "submitted") == 1
    theme = db.session.scalar(
        select(NetworkTheme).where(
            NetworkTheme.territory_id == org["territory"], NetworkTheme.theme_key == "energie"
        )
    )
    assert theme is not None
    assert theme.n_status == 1
    assert_dashboard_matches_a_rebuild(org["territory"])


def test_a_submission_during_the_organisations_deletion_leaves_no_orphan(
    app: Flask, org: dict[str, int]
) -> None:
    draft_id = _draft(org)

    submitted, deleted = race(app, submitter(org, draft_id), leaver(org))

    assert deleted is True, deleted
    if isinstance(submitted, ServiceError):  # the deletion went first: a clear refusal
        assert submitted.field == "organisation"
        assert "supprimée" in submitted.message
    else:  # the submission went first, then the deletion took everything with it
        assert submitted == (draft_id, "submitted")
    assert db.session.get(Organisation, org["org"]) is None
    for table in inspect(db.engine).get_table_names():
        columns = db.metadata.tables[table].c if table in db.metadata.tables else {}
        if "organisation_id" in columns:
            orphans = _count(
                db.metadata.tables[table],
                db.metadata.tables[table].c.organisation_id == org["org"],
            )
            assert orphans == 0, table
    assert (
        _count(
            NetworkTheme, NetworkTheme.territory_id == org["territory"], NetworkTheme.n_status > 0
        )
        == 0
    )
    assert_dashboard_matches_a_rebuild(org["territory"])


def test_sharing_changed_during_a_submission_keeps_both(app: Flask, org: dict[str, int]) -> None:
    draft_id = _draft(org)
    consents = _count(SharingConsent, SharingConsent.organisation_id == org["org"])

    submitted, shared = race(app, submitter(org, draft_id), sharer(org, "public"))

    assert submitted == (draft_id, "submitted")
    assert shared is True
    organisation = db.session.get(Organisation, org["org"])
    assert organisation is not None
    assert organisation.sharing == "public"
    assert _count(SharingConsent, SharingConsent.organisation_id == org["org"]) == consents + 1
    status = db.session.get(OrgThemeStatus, (org["org"], "energie"))
    assert status is not None
    assert status.assessment_count == 1
    assert_dashboard_matches_a_rebuild(org["territory"])


def test_sending_a_page_opened_before_the_organisation_was_deleted_says_so(
    app: Flask, org: dict[str, int]
) -> None:
    draft_id = _draft(org)
    draft = db.session.get(Assessment, draft_id)
    user = db.session.get(User, org["actor"])
    assert draft is not None
    assert user is not None
    deleted = race(app, leaver(org))

    with pytest.raises(ServiceError) as refusal:
        assessments.submit_assessment(draft, user)

    assert deleted == [True]
    assert refusal.value.field == "organisation"
    assert "supprimée" in refusal.value.message
    db.session.remove()
    assert _count(Assessment) == 0
    assert _count(OrgThemeStatus) == 0


def _sqlite_path() -> str:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's database-wide write lock only")
    return str(db.engine.url.database)


def test_a_write_transaction_holds_sqlites_write_lock_from_its_first_read(
    app: Flask, org: dict[str, int]
) -> None:
    other = sqlite3.connect(_sqlite_path(), timeout=0, isolation_level=None)

    with transaction():
        db.session.get(Organisation, org["org"])  # a read: the lock is already taken
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")

    other.execute("BEGIN IMMEDIATE")  # released at commit
    other.execute("ROLLBACK")
    other.close()


def test_a_read_only_transaction_leaves_the_write_lock_to_others(
    app: Flask, org: dict[str, int]
) -> None:
    other = sqlite3.connect(_sqlite_path(), timeout=0, isolation_level=None)

    assert db.session.get(Organisation, org["org"]) is not None  # a read transaction is open
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE organisation SET name = 'Boulangerie Martin'")
    other.execute("COMMIT")
    other.close()

    db.session.remove()
    organisation = db.session.get(Organisation, org["org"])
    assert organisation is not None
    assert organisation.name == "Boulangerie Martin"


def _rename(org_id: int, name: str) -> None:
    """A write through a service's unit of work: the organisation renamed."""
    with transaction():
        organisation = db.session.get(Organisation, org_id)
        assert organisation is not None
        organisation.name = name
    db.session.remove()


def _name_of(org_id: int) -> str:
    """The organisation's name as committed, read in a new transaction."""
    db.session.remove()
    organisation = db.session.get(Organisation, org_id)
    assert organisation is not None
    return organisation.name


def _try_lock(path: str) -> bool:
    """Whether another writer could take its turn now (an OS lock on the file beside it)."""
    with open(f"{path}.writers", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


def test_writers_take_their_turn_on_a_lock_beside_the_sqlite_file(
    app: Flask, org: dict[str, int]
) -> None:
    path = _sqlite_path()

    with transaction():
        db.session.get(Organisation, org["org"])
        assert not _try_lock(path)  # the next writer waits for this one's end…

    assert _try_lock(path)  # …which gives the turn back
    db.session.remove()


def test_a_writer_whose_turn_does_not_come_is_left_to_sqlites_own_wait(
    app: Flask, org: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from assett import database

    path = _sqlite_path()
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 50)
    with open(f"{path}.writers", "a") as stuck:  # a writer that never ends its turn
        fcntl.flock(stuck, fcntl.LOCK_EX)
        _rename(org["org"], "Boulangerie Martin")

    assert _name_of(org["org"]) == "Boulangerie Martin"


def test_a_writer_waiting_for_its_turn_writes_after_the_one_before(
    app: Flask, org: dict[str, int]
) -> None:
    _sqlite_path()
    waiting = threading.Event()
    names: list[str] = []

    def rename() -> None:
        with app.app_context():
            waiting.set()
            with transaction():
                organisation = db.session.get(Organisation, org["org"])
                assert organisation is not None
                names.append(organisation.name)  # what it read: the first writer's name
                organisation.name = "Second"
            db.session.remove()

    with transaction():
        organisation = db.session.get(Organisation, org["org"])
        assert organisation is not None
        organisation.name = "First"
        second = threading.Thread(target=rename)
        second.start()
        assert waiting.wait(timeout=30)
    second.join(timeout=30)
    assert not second.is_alive()
    db.session.remove()

    assert names == ["First"]
    assert _name_of(org["org"]) == "Second"


def test_a_writer_on_a_file_system_without_locks_writes_all_the_same(
    app: Flask, org: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from assett import database

    _sqlite_path()

    def no_locks(handle: object, operation: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    without_locks = types.SimpleNamespace(
        flock=no_locks, LOCK_EX=fcntl.LOCK_EX, LOCK_NB=fcntl.LOCK_NB
    )
    monkeypatch.setattr(database, "fcntl", without_locks)
    _rename(org["org"], "Boulangerie Martin")

    assert _name_of(org["org"]) == "Boulangerie Martin"
