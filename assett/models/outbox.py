"""Outgoing mail, queued: one row per message, written in the transaction that causes it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._base import NEVER_REUSE_IDS, UTCDateTime, one_of, utcnow

# pending: waiting for its (next) attempt; sending: claimed by one worker, being sent;
# sent: accepted by the SMTP server; logged: no SMTP configured, written to the log instead;
# failed: refused for good, out of attempts, or interrupted while sending (never sent twice).
OUTBOX_STATUSES = ("pending", "sending", "sent", "logged", "failed")


class OutboxMessage(db.Model):  # type: ignore[name-defined,misc]
    """An e-mail to send. Its address and body are erased once it is sent or given up."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        one_of("status", OUTBOX_STATUSES, name="status"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        Index("ix_outbox_message_status_next_attempt_at", "status", "next_attempt_at"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The address, kept only while the message may still be sent.
    recipient: Mapped[str | None] = mapped_column(String(320))
    # How logs and the admin's list name the recipient: « compte n°12 » or a keyed hash.
    recipient_label: Mapped[str] = mapped_column(String(80))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(Text)
    # An HTML alternative to the text body, and extra headers (List-Unsubscribe…); both are
    # erased with the body.
    html_body: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[dict[str, str] | None] = mapped_column(JSON(none_as_null=True))
    # A reminder's account and kind: delivery skips it if that kind was turned off since.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    notification_kind: Mapped[str | None] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
