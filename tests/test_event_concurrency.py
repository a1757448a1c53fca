"""Two people take the last seat at the same moment: threads with their own connections."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from assett.extensions import db
from assett.models import Event, EventRegistration, User
from assett.services import event_registrations as registrations

from . import factories
from .events_helpers import make_event
from .own_database import MigratedDatabases, own_app
from .test_concurrency import race


@pytest.fixture
def app(tmp_path: Path, migrated_databases: MigratedDatabases) -> Iterator[Flask]:
    """The app on a migrated database of its own: the threads' commits are real."""
    with migrated_databases.copy(tmp_path, "events", "head") as url:
        app = own_app(url)
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()


def test_two_registrations_for_the_last_seat_give_one_seat_and_one_waiting_place(
    app: Flask,
) -> None:
    territory = factories.make_territory()
    animator = factories.make_user("animateur@example.org")
    people = []
    for n in range(2):
        user = factories.make_user(f"personne{n}@example.org")
        org = factories.make_org(territory, f"Organisation {n}", members=(user,))
        people.append((user.id, org.id))
    event_id = make_event(territory, animator, capacity=1).id
    db.session.remove()

    def registrant(user_id: int, org_id: int) -> Any:
        def take(barrier: threading.Barrier) -> str:
            event = db.session.get(Event, event_id)
            user = db.session.get(User, user_id)
            assert event is not None
            assert user is not None
            assert registrations.registered_count(event_id) == 0  # both saw a free seat
            db.session.rollback()
            barrier.wait()
            return registrations.register(event, user, org_id).status

        return take

    results = race(app, *(registrant(u, o) for u, o in people))
    assert sorted(results) == ["registered", "waitlisted"]
    rows = db.session.scalars(select(EventRegistration).order_by(EventRegistration.id)).all()
    assert sorted((r.status, r.seat) for r in rows) == [("registered", 1), ("waitlisted", None)]
