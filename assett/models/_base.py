"""Column helpers shared by the models."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, Index, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator

from ..clock import utcnow as utcnow

JSONType = JSON().with_variant(JSONB(), "postgresql")
# Lengths of a UTC timestamp as SQLAlchemy writes it on SQLite, with and without microseconds.
STORED_LENGTHS = frozenset({len("2026-04-09 21:43:53"), len("2026-04-09 21:43:53.000000")})


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        """On SQLite, the stored text parsed by `datetime.fromisoformat` (in C), not by
        SQLAlchemy's regular expression: a dashboard over a period reads 100,000s of them.

        The text SQLAlchemy stores, « 2026-04-09 21:43:53.000000 » (or without its fraction),
        is read with its zone written after it: one call, where `replace(tzinfo=UTC)` on the
        parsed value costs eight times as much."""
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)

        def process(value: str | datetime | None) -> datetime | None:
            if value is None:
                return None
            if isinstance(value, str) and len(value) in STORED_LENGTHS:
                try:
                    return datetime.fromisoformat(value + "+00:00")
                except ValueError:  # text of that length written otherwise, with its zone
                    pass
            parsed = datetime.fromisoformat(value) if isinstance(value, str) else value
            if parsed.tzinfo is None:
                return parsed.replace(tzinfo=UTC)
            return parsed.astimezone(UTC)

        return process


# Tables whose ids appear in URLs, mails or exports: SQLite must never hand a deleted row's id
# to a new row (PostgreSQL sequences never do), or an old link would open someone else's data.
NEVER_REUSE_IDS = {"sqlite_autoincrement": True}


def one_of(column: str, values: Iterable[str], name: str) -> CheckConstraint:
    """A CHECK that the column holds one of the code's values (NULL passes, as in SQL)."""
    # The values are the code's own constants, never user input: inlining them is safe.
    listed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({listed})", name=name)


def partial_unique(name: str, *columns: str, where: str) -> Index:
    """A unique index over the rows matching `where` only, on SQLite and PostgreSQL alike."""
    return Index(
        name, *columns, unique=True, sqlite_where=text(where), postgresql_where=text(where)
    )
