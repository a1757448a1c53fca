"""Reminder mails: who opted out of which kind, and what was sent to whom (the gap check)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..domain.notifications import NOTIFICATION_KINDS
from ..extensions import db
from ._base import UTCDateTime, one_of, utcnow


class NotificationOptOut(db.Model):  # type: ignore[name-defined,misc]
    """A kind of mail a user turned off (every kind is on until then)."""

    __tablename__ = "notification_opt_out"
    __table_args__ = (one_of("kind", NOTIFICATION_KINDS, name="kind"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NotificationLog(db.Model):  # type: ignore[name-defined,misc]
    """One reminder sent: to whom, of which kind, about what (« plan_action:42:due »), when."""

    __tablename__ = "notification_log"
    __table_args__ = (
        one_of("kind", NOTIFICATION_KINDS, name="kind"),
        # The gap check: was this user reminded of this subject since…?
        Index("ix_notification_log_lookup", "user_id", "subject_key", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    subject_key: Mapped[str] = mapped_column(String(120))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
