"""How many large exports run at once across every process and machine: at most EXPORTS_AT_ONCE.

A large export (the organisations' list of a big network, a few seconds) keeps a sync worker
busy while it is written and sent. Given one slot fewer than the workers, however many
animators export at the same moment, a worker stays free for everyone's pages; an export beyond
the limit is refused at once with a message, never queued behind the others.

A slot is a row of `export_slot`, taken in a transaction that holds the table's lock (SQLite's
write lock, `BEGIN IMMEDIATE`; a PostgreSQL table lock that only another taker waits for), and
given back when the response is closed: sent in full, or cut by the client. A process killed
mid-export never gives its slot back: the slot lapses after EXPORT_SLOT_SECONDS.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, text

from ..models import ExportSlot
from ..models._base import utcnow
from .unit_of_work import transaction


def take(limit: int, lasts: timedelta, now: datetime | None = None) -> str | None:
    """A slot's token, or None when `limit` exports are running (0: no limit, no slot)."""
    if limit <= 0:
        return ""
    now = now or utcnow()
    with transaction() as session:
        if session.get_bind().dialect.name == "postgresql":
            # Conflicts with itself only: two takers in turn, readers of the table never wait.
            session.execute(text("LOCK TABLE export_slot IN SHARE ROW EXCLUSIVE MODE"))
        session.execute(delete(ExportSlot).where(ExportSlot.expires_at <= now))
        running = session.scalar(select(func.count()).select_from(ExportSlot)) or 0
        if running >= limit:
            return None
        token = secrets.token_hex(16)
        session.add(ExportSlot(token=token, started_at=now, expires_at=now + lasts))
    return token


def give_back(token: str) -> None:
    """Free the slot (a lapsed slot, already removed, is no error)."""
    if not token:
        return
    with transaction() as session:
        session.execute(delete(ExportSlot).where(ExportSlot.token == token))
