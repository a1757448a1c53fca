"""The organisation's action plan: actions (from the catalogue or its own), steps and notes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.plans import PLAN_STATUSES
from ..extensions import db
from ._base import NEVER_REUSE_IDS, UTCDateTime, one_of, partial_unique, utcnow


class PlanAction(db.Model):  # type: ignore[name-defined,misc]
    """One action of an organisation's plan; `catalogue_key` is None for its own actions."""

    __tablename__ = "plan_action"
    __table_args__ = (
        one_of("status", PLAN_STATUSES, name="status"),
        CheckConstraint(
            "start_on IS NULL OR due_on IS NULL OR due_on >= start_on", name="dates_ordered"
        ),
        # A catalogue action is in the plan once, unless the earlier one was abandoned.
        partial_unique(
            "uq_plan_action_catalogue",
            "organisation_id",
            "catalogue_key",
            where="catalogue_key IS NOT NULL AND status != 'abandonnee'",
        ),
        Index("ix_plan_action_organisation_status", "organisation_id", "status"),
        Index("ix_plan_action_due_on", "due_on"),  # the daily reminders read by due date
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    theme_key: Mapped[str] = mapped_column(String(63))
    catalogue_key: Mapped[str | None] = mapped_column(String(63))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # The answers the action moves: [{"question": key, "to": value}] (catalogue or chosen).
    improves: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="a_faire")
    status_reason: Mapped[str | None] = mapped_column(String(500))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    start_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    steps: Mapped[list[PlanStep]] = relationship(
        cascade="all, delete-orphan", order_by="PlanStep.position"
    )
    notes: Mapped[list[PlanNote]] = relationship(
        cascade="all, delete-orphan", order_by="PlanNote.created_at.desc()"
    )
    follow_up: Mapped[PlanFollowUp | None] = relationship(cascade="all, delete-orphan")


class PlanStep(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "plan_step"
    __table_args__ = (CheckConstraint("position >= 0", name="position_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_action_id: Mapped[int] = mapped_column(
        ForeignKey("plan_action.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    done: Mapped[bool] = mapped_column(default=False)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PlanNote(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "plan_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_action_id: Mapped[int] = mapped_column(
        ForeignKey("plan_action.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PlanFollowUp(db.Model):  # type: ignore[name-defined,misc]
    """The animators' follow-up note on an action of a shared plan, read by the organisation."""

    __tablename__ = "plan_follow_up"

    plan_action_id: Mapped[int] = mapped_column(
        ForeignKey("plan_action.id", ondelete="CASCADE"), primary_key=True
    )
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
