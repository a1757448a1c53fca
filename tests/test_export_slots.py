"""Large exports run in a limited number of slots shared by every process: a worker stays free."""

from __future__ import annotations

from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import delete, func, select

from assett.extensions import db
from assett.models import ExportSlot
from assett.models._base import utcnow

from . import factories

URL = "/t/demo/animation/export?format={fmt}&what=organisations"


def slots() -> int:
    return db.session.scalar(select(func.count()).select_from(ExportSlot)) or 0


@pytest.fixture
def animator(world: factories.World, login_as: Any) -> Any:
    return login_as(world.animator)


def held_elsewhere(count: int = 1, lapsed: bool = False) -> None:
    """Slots taken by exports that other processes are sending (or were, before being killed)."""
    now = utcnow()
    for number in range(count):
        db.session.add(
            ExportSlot(
                token=f"{number:032d}",
                started_at=now - timedelta(minutes=11 if lapsed else 1),
                expires_at=now - timedelta(minutes=1) if lapsed else now + timedelta(minutes=9),
            )
        )
    db.session.commit()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_beyond_the_limit_is_refused_with_a_message_until_one_ends(
    app: Flask, animator: Any, fmt: str
) -> None:
    app.config["EXPORTS_AT_ONCE"] = 2
    held_elsewhere(2)

    refused = animator.get(URL.format(fmt=fmt))

    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "30"
    assert "Trop d'exports volumineux sont en cours" in unescape(refused.get_data(as_text=True))
    assert slots() == 2
    db.session.execute(delete(ExportSlot).where(ExportSlot.token == f"{0:032d}"))
    db.session.commit()
    again = animator.get(URL.format(fmt=fmt))
    assert again.status_code == 200
    assert again.headers["Content-Disposition"].startswith("attachment;")
    assert slots() == 2  # its own slot, while the server has not closed the response
    again.close()  # sent in full, or cut by the client: the server closes it
    assert slots() == 1


def test_exports_one_after_the_other_all_get_through_and_leave_no_slot(
    app: Flask, animator: Any
) -> None:
    app.config["EXPORTS_AT_ONCE"] = 1
    answers = []
    for fmt in ("csv", "xlsx", "csv"):
        answer = animator.get(URL.format(fmt=fmt))
        answer.close()
        answers.append(answer.status_code)

    assert answers == [200, 200, 200]
    assert slots() == 0


def test_a_slot_left_by_a_killed_process_lapses(app: Flask, animator: Any) -> None:
    app.config["EXPORTS_AT_ONCE"] = 1
    held_elsewhere(lapsed=True)

    answer = animator.get(URL.format(fmt="csv"))
    answer.close()

    assert answer.status_code == 200
    assert slots() == 0


def test_the_aggregates_export_and_the_pages_never_wait_for_a_slot(
    app: Flask, animator: Any
) -> None:
    app.config["EXPORTS_AT_ONCE"] = 1
    held_elsewhere()

    assert animator.get("/t/demo/animation/export?format=csv&what=aggregates").status_code == 200
    assert animator.get("/t/demo/animation/").status_code == 200
    assert animator.get("/t/demo/animation/organisations").status_code == 200


def test_a_refused_filter_takes_no_slot(app: Flask, animator: Any) -> None:
    app.config["EXPORTS_AT_ONCE"] = 1

    answer = animator.get(URL.format(fmt="csv") + "&table=inconnue")

    assert answer.status_code == 400
    assert slots() == 0


def test_no_limit_takes_no_slot(app: Flask, animator: Any) -> None:
    app.config["EXPORTS_AT_ONCE"] = 0
    held_elsewhere(3)

    assert animator.get(URL.format(fmt="csv")).status_code == 200
    assert slots() == 3
