"""Evidence on a plan action (links and files, the files' bytes) and the targets per theme."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..domain.evidence import EVIDENCE_KINDS, FILE_MAX_BYTES, FILE_TYPES
from ..extensions import db
from ._base import NEVER_REUSE_IDS, UTCDateTime, one_of, utcnow


class PlanEvidence(db.Model):  # type: ignore[name-defined,misc]
    """A link or a file that shows what was done; a file's bytes live in `EvidenceBlob`."""

    __tablename__ = "plan_evidence"
    __table_args__ = (
        one_of("kind", EVIDENCE_KINDS, name="kind"),
        one_of("content_type", FILE_TYPES, name="content_type"),
        CheckConstraint(f"size >= 0 AND size <= {FILE_MAX_BYTES}", name="size_range"),
        CheckConstraint(
            "(kind = 'link' AND url IS NOT NULL AND content_type IS NULL) OR "
            "(kind = 'file' AND url IS NULL AND content_type IS NOT NULL "
            "AND size IS NOT NULL AND filename IS NOT NULL)",
            name="kind_fields",
        ),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_action_id: Mapped[int] = mapped_column(
        ForeignKey("plan_action.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(2000))
    filename: Mapped[str | None] = mapped_column(String(200))
    content_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None] = mapped_column(Integer)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EvidenceBlob(db.Model):  # type: ignore[name-defined,misc]
    """A file's bytes, kept in the database (every app server sees them, backups hold them)."""

    __tablename__ = "evidence_blob"

    evidence_id: Mapped[int] = mapped_column(
        ForeignKey("plan_evidence.id", ondelete="CASCADE"), primary_key=True
    )
    content: Mapped[bytes] = mapped_column(LargeBinary)


class ThemeTarget(db.Model):  # type: ignore[name-defined,misc]
    """An organisation's target score on a theme, with the date it aims at."""

    __tablename__ = "theme_target"
    __table_args__ = (
        UniqueConstraint("organisation_id", "theme_key"),
        CheckConstraint("score >= 0 AND score <= 5", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    theme_key: Mapped[str] = mapped_column(String(63))
    score: Mapped[float] = mapped_column(Float)
    target_on: Mapped[date] = mapped_column(Date)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
