"""Each database connection the app opens carries its settings (assett/database.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import text

from assett.extensions import db


def test_each_connection_has_its_database_settings(app: Flask) -> None:
    with db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        else:
            # The dashboard's statements would be compiled again at every run.
            assert connection.execute(text("SHOW jit")).scalar() == "off"
            # Timestamps come back in UTC (datetime.UTC itself: no conversion per value),
            # whatever zone the server is set to; the instant is the one written.
            assert connection.execute(text("SHOW TIME ZONE")).scalar() == "UTC"
            read = connection.execute(text("SELECT timestamptz '2026-03-29 03:30:00+02'")).scalar()
            assert read.tzinfo is UTC
            assert read == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
