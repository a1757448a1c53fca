"""Valorisation: trophies and their winners, retours d'expérience and put-in-touch requests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..domain.awards import AWARD_CATEGORIES, YEAR_RANGE
from ..domain.experience import CASE_STATUSES, CONTACT_STATUSES
from ..extensions import db
from ._base import NEVER_REUSE_IDS, UTCDateTime, one_of, partial_unique, utcnow


class Award(db.Model):  # type: ignore[name-defined,misc]
    """A trophy the territory gives for a year, in a category (a theme for some)."""

    __tablename__ = "award"
    __table_args__ = (
        one_of("category", AWARD_CATEGORIES, name="category"),
        CheckConstraint("year BETWEEN {} AND {}".format(*YEAR_RANGE), name="year_range"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    territory_id: Mapped[int] = mapped_column(
        ForeignKey("territory.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int] = mapped_column()
    category: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    theme_key: Mapped[str | None] = mapped_column(String(63))
    description: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AwardWinner(db.Model):  # type: ignore[name-defined,misc]
    """An organisation the animation chose for a trophy, with why."""

    __tablename__ = "award_winner"
    __table_args__ = (UniqueConstraint("award_id", "organisation_id"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("award.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(String(500), default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ExperienceCase(db.Model):  # type: ignore[name-defined,misc]
    """A retour d'expérience an organisation writes, the animation reviews and publishes."""

    __tablename__ = "experience_case"
    __table_args__ = (
        one_of("status", CASE_STATUSES, name="status"),
        Index("ix_experience_case_territory_status", "territory_id", "status"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    theme_key: Mapped[str | None] = mapped_column(String(63))
    context: Mapped[str] = mapped_column(Text, default="")
    actions_done: Mapped[str] = mapped_column(Text, default="")
    results: Mapped[str] = mapped_column(Text, default="")
    cost: Mapped[str] = mapped_column(String(200), default="")
    partners: Mapped[str] = mapped_column(String(500), default="")
    # The synergy the case tells of (the synergies' table comes later: no foreign key yet).
    synergy_id: Mapped[int | None] = mapped_column(ForeignKey("synergy.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default="brouillon")
    # The organisation agrees that its territory shares the published case nationally.
    national_consent: Mapped[bool] = mapped_column(default=False)
    review_note: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ExperienceCaseAction(db.Model):  # type: ignore[name-defined,misc]
    """A plan action a case tells of."""

    __tablename__ = "experience_case_action"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("experience_case.id", ondelete="CASCADE"), primary_key=True
    )
    plan_action_id: Mapped[int] = mapped_column(
        ForeignKey("plan_action.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ContactRequest(db.Model):  # type: ignore[name-defined,misc]
    """Another actor asks a case's organisation to be put in touch; it accepts or declines."""

    __tablename__ = "contact_request"
    __table_args__ = (
        one_of("status", CONTACT_STATUSES, name="status"),
        partial_unique(
            "uq_contact_request_pending",
            "case_id",
            "requester_id",
            where="status = 'en_attente'",
        ),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("experience_case.id", ondelete="CASCADE"), index=True
    )
    requester_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    requester_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    message: Mapped[str] = mapped_column(String(1000), default="")
    status: Mapped[str] = mapped_column(String(20), default="en_attente")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
