"""Timestamps read back from SQLite: aware, in UTC, the same moment however the text was written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.dialects import sqlite

from assett.extensions import db
from assett.models import Organisation
from assett.models._base import UTCDateTime

read = UTCDateTime().result_processor(sqlite.dialect(), None)


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2026-04-09 21:43:53.000000", datetime(2026, 4, 9, 21, 43, 53, tzinfo=UTC)),
        ("2026-04-09 21:43:53.000001", datetime(2026, 4, 9, 21, 43, 53, 1, tzinfo=UTC)),
        ("2026-04-09 21:43:53", datetime(2026, 4, 9, 21, 43, 53, tzinfo=UTC)),
        ("2026-04-09T21:43:53.500000", datetime(2026, 4, 9, 21, 43, 53, 500000, tzinfo=UTC)),
        # written with a zone: the same moment, in UTC
        ("2026-04-09 23:43:53+02:00", datetime(2026, 4, 9, 21, 43, 53, tzinfo=UTC)),
        ("2026-04-09 23:43:53.0+0200", datetime(2026, 4, 9, 21, 43, 53, tzinfo=UTC)),
        ("2026-04-09", datetime(2026, 4, 9, tzinfo=UTC)),
    ],
)
def test_a_stored_timestamp_reads_back_as_the_same_moment_in_utc(text: str, moment: datetime):
    found = read(text)
    assert found == moment
    assert found.tzinfo is UTC


def test_a_timestamp_written_in_another_zone_reads_back_as_the_same_moment(world):
    paris = timezone(timedelta(hours=2))
    world.org.created_at = datetime(2026, 4, 9, 23, 43, 53, 250, tzinfo=paris)
    db.session.commit()
    db.session.expire_all()

    found = db.session.scalar(
        select(Organisation.created_at).where(Organisation.id == world.org.id)
    )

    assert found == datetime(2026, 4, 9, 21, 43, 53, 250, tzinfo=UTC)
    assert found.tzinfo is UTC
