"""The services' transaction pattern: commit at the end, roll back on error, nest once."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from assett.extensions import db
from assett.models import Territory
from assett.services.errors import ServiceError
from assett.services.unit_of_work import transaction, transactional


def _territories() -> int:
    db.session.rollback()  # read what the database holds, not the session's pending rows
    return db.session.scalar(select(func.count(Territory.id))) or 0


def test_it_commits_what_the_block_wrote(app: Flask) -> None:
    with transaction() as session:
        session.add(Territory(slug="rouen", name="Rouen"))
    assert _territories() == 1


def test_it_rolls_everything_back_when_the_block_raises(app: Flask) -> None:
    def refused() -> None:
        with transaction() as session:
            session.add(Territory(slug="rouen", name="Rouen"))
            session.flush()
            raise ServiceError("refusé")

    with pytest.raises(ServiceError):
        refused()
    assert _territories() == 0


def test_a_nested_service_commits_only_with_the_outermost_one(app: Flask) -> None:
    @transactional
    def inner() -> None:
        db.session.add(Territory(slug="inner", name="Inner"))

    def outer() -> None:
        with transaction():
            inner()
            raise RuntimeError("the outer block fails after the inner one ended")

    with pytest.raises(RuntimeError):
        outer()
    assert _territories() == 0
