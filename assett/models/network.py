"""The territory's network: charter of engaged actors and cohorts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from ..domain.vocabulary import CHARTER_STATUSES
from ..extensions import db
from ._base import NEVER_REUSE_IDS, UTCDateTime, one_of, utcnow


class CharterVersion(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "charter_version"
    __table_args__ = (
        UniqueConstraint("territory_id", "number"),
        one_of("status", CHARTER_STATUSES, name="status"),
        CheckConstraint("number >= 1", name="number_positive"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    territory_id: Mapped[int] = mapped_column(
        ForeignKey("territory.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))


class CharterSignature(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "charter_signature"
    __table_args__ = (UniqueConstraint("organisation_id", "charter_version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    charter_version_id: Mapped[int] = mapped_column(
        ForeignKey("charter_version.id", ondelete="CASCADE")
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The signatory also commits to a synergy approach (« démarche de synergies »).
    synergy_commitment: Mapped[bool] = mapped_column(default=False, server_default=false())


class Cohort(db.Model):  # type: ignore[name-defined,misc]
    """A named group of organisations, e.g. the « promotion » of pioneer actors."""

    __tablename__ = "cohort"
    __table_args__ = (UniqueConstraint("territory_id", "name"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    territory_id: Mapped[int] = mapped_column(
        ForeignKey("territory.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CohortMember(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "cohort_member"

    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True
    )
