"""Workshops and events of a territory: who may come, who registered, what came of them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..domain.events import (
    AUDIENCES,
    CAPACITY_MAX,
    EVENT_KINDS,
    EVENT_STATUSES,
    OUTPUT_KINDS,
    REGISTRATION_STATUSES,
)
from ..extensions import db
from ._base import NEVER_REUSE_IDS, UTCDateTime, one_of, partial_unique, utcnow


class Event(db.Model):  # type: ignore[name-defined,misc]
    """An atelier, réunion, visite or webinaire; times stored in UTC, shown in Paris time."""

    __tablename__ = "event"
    __table_args__ = (
        one_of("kind", EVENT_KINDS, name="kind"),
        one_of("audience", AUDIENCES, name="audience"),
        one_of("status", EVENT_STATUSES, name="status"),
        CheckConstraint("ends_at > starts_at", name="times_ordered"),
        CheckConstraint(f"capacity BETWEEN 1 AND {CAPACITY_MAX}", name="capacity_range"),
        Index("ix_event_territory_starts_at", "territory_id", "starts_at"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id", ondelete="CASCADE"))
    # The iCalendar UID: calendars that imported the event recognise its updates by it.
    uid: Mapped[str] = mapped_column(String(64), unique=True)
    sequence: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str | None] = mapped_column(String(500))
    capacity: Mapped[int] = mapped_column()
    audience: Mapped[str] = mapped_column(String(20), default="territory")
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id", ondelete="SET NULL"))
    # Shown on the territory's public page and feed (title, date, place, kind only).
    is_public: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default="scheduled")
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notes: Mapped[str] = mapped_column(Text, default="")
    attendance_taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EventInvitee(db.Model):  # type: ignore[name-defined,misc]
    """An organisation invited to an event whose audience is « invited »."""

    __tablename__ = "event_invitee"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class EventRegistration(db.Model):  # type: ignore[name-defined,misc]
    """A member's registration for an organisation: a seat, a place on the waiting list, or
    cancelled. A seat number is unique per event, so two registrations never get the same one."""

    __tablename__ = "event_registration"
    __table_args__ = (
        one_of("status", REGISTRATION_STATUSES, name="status"),
        UniqueConstraint("event_id", "seat", name="uq_event_registration_seat"),
        CheckConstraint(
            "(status = 'registered' AND seat IS NOT NULL AND seat >= 1) "
            "OR (status != 'registered' AND seat IS NULL)",
            name="seat_when_registered",
        ),
        # One live registration per person and event (a cancelled one may be followed by another).
        partial_unique(
            "uq_event_registration_live", "event_id", "user_id", where="status != 'cancelled'"
        ),
        Index("ix_event_registration_event_status", "event_id", "status", "requested_at"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    seat: Mapped[int | None] = mapped_column()
    # The waiting list's order: first asked, first promoted.
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attended: Mapped[bool | None] = mapped_column()


class EventOutput(db.Model):  # type: ignore[name-defined,misc]
    """Something an event led to: a plan action, a flow, later a synergy (kind + row id)."""

    __tablename__ = "event_output"
    __table_args__ = (
        one_of("kind", OUTPUT_KINDS, name="kind"),
        UniqueConstraint("event_id", "kind", "ref_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    ref_id: Mapped[int] = mapped_column()
    # Whose it is: the link goes with the organisation's data when it is deleted.
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
