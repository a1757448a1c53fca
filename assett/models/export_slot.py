"""Large exports running now, one row each, shared by every process (services/export_slots.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._base import UTCDateTime


class ExportSlot(db.Model):  # type: ignore[name-defined,misc]
    """A slot taken by an export while it is written and sent; it lapses at `expires_at` if the
    process serving it died without giving it back."""

    __tablename__ = "export_slot"
    __table_args__ = (Index("ix_export_slot_expires_at", "expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
