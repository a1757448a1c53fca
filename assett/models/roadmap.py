"""The collectivity's own programme: its roadmap of steps and its yearly self-evaluation."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..domain.evidence import EVIDENCE_KINDS, FILE_MAX_BYTES, FILE_TYPES
from ..domain.roadmap import (
    DOCUMENT_TITLE_MAX,
    OWNER_MAX,
    ROADMAP_TITLE_MAX,
    STEP_STATUSES,
    STEP_TITLE_MAX,
)
from ..extensions import db
from ._base import NEVER_REUSE_IDS, JSONType, UTCDateTime, one_of, utcnow

URL_COLUMN_MAX = 2000


class Roadmap(db.Model):  # type: ignore[name-defined,misc]
    """A territory's roadmap (one per territory); `template_key` names the template it came from."""

    __tablename__ = "roadmap"
    __table_args__ = (UniqueConstraint("territory_id"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(ROADMAP_TITLE_MAX))
    template_key: Mapped[str | None] = mapped_column(String(63))
    started_on: Mapped[date | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RoadmapStep(db.Model):  # type: ignore[name-defined,misc]
    """A step of a roadmap, with its status, dates, owner and notes."""

    __tablename__ = "roadmap_step"
    __table_args__ = (
        one_of("status", STEP_STATUSES, name="status"),
        CheckConstraint("position >= 0", name="position_not_negative"),
        CheckConstraint("planned_end >= planned_start", name="planned_dates_order"),
        CheckConstraint("actual_end >= actual_start", name="actual_dates_order"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    roadmap_id: Mapped[int] = mapped_column(
        ForeignKey("roadmap.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(STEP_TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="a_faire")
    owner: Mapped[str] = mapped_column(String(OWNER_MAX), default="")
    planned_start: Mapped[date | None] = mapped_column()
    planned_end: Mapped[date | None] = mapped_column()
    actual_start: Mapped[date | None] = mapped_column()
    actual_end: Mapped[date | None] = mapped_column()
    notes: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RoadmapDocument(db.Model):  # type: ignore[name-defined,misc]
    """A document of a step: a link (deliberation, minutes, a shared folder) or a file, checked
    and kept as plan evidence is (its bytes in `RoadmapDocumentBlob`)."""

    __tablename__ = "roadmap_document"
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
    step_id: Mapped[int] = mapped_column(
        ForeignKey("roadmap_step.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(DOCUMENT_TITLE_MAX))
    kind: Mapped[str] = mapped_column(String(10), default="link")
    url: Mapped[str | None] = mapped_column(String(URL_COLUMN_MAX))
    filename: Mapped[str | None] = mapped_column(String(200))
    content_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None] = mapped_column(Integer)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RoadmapDocumentBlob(db.Model):  # type: ignore[name-defined,misc]
    """A roadmap document file's bytes, in the database like plan evidence's."""

    __tablename__ = "roadmap_document_blob"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("roadmap_document.id", ondelete="CASCADE"), primary_key=True
    )
    content: Mapped[bytes] = mapped_column(LargeBinary)


class ProgrammeEvaluation(db.Model):  # type: ignore[name-defined,misc]
    """A territory's self-evaluation of its programme for a year: answers and score out of 5."""

    __tablename__ = "programme_evaluation"
    __table_args__ = (
        UniqueConstraint("territory_id", "year"),
        CheckConstraint("score >= 0 AND score <= 5", name="score_range"),
        CheckConstraint("year >= 2000 AND year <= 2100", name="year_range"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    territory_id: Mapped[int] = mapped_column(
        ForeignKey("territory.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int] = mapped_column()
    answers: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    score: Mapped[float | None] = mapped_column(Float)
    band_key: Mapped[str | None] = mapped_column(String(63))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
