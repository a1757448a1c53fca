"""Each database connection the app opens carries its settings (assett/database.py)."""

from __future__ import annotations

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
