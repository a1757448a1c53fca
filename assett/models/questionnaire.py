"""Questionnaires (one per theme and territory) and their versions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.vocabulary import VERSION_STATUSES
from ..extensions import db
from ._base import NEVER_REUSE_IDS, JSONType, UTCDateTime, one_of, partial_unique, utcnow

__all__ = ["VERSION_STATUSES", "Questionnaire", "QuestionnaireVersion"]


class Questionnaire(db.Model):  # type: ignore[name-defined,misc]
    """A theme's questionnaire; territory_id NULL is the platform default."""

    __tablename__ = "questionnaire"
    __table_args__ = (
        UniqueConstraint("territory_id", "theme_key"),
        # The constraint above lets NULLs through: one platform default per theme needs its own.
        partial_unique(
            "uq_questionnaire_platform_theme", "theme_key", where="territory_id IS NULL"
        ),
        CheckConstraint("position >= 0", name="position_not_negative"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    territory_id: Mapped[int | None] = mapped_column(
        ForeignKey("territory.id", ondelete="CASCADE"), index=True
    )
    theme_key: Mapped[str] = mapped_column(String(63))
    title: Mapped[str] = mapped_column(String(200))
    # Not stored: the English title of its definition, set by services.questionnaires.
    __allow_unmapped__ = True
    title_en: str | None = None
    position: Mapped[int] = mapped_column(default=0)
    enabled: Mapped[bool] = mapped_column(default=True)
    source_questionnaire_id: Mapped[int | None] = mapped_column(
        ForeignKey("questionnaire.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    versions: Mapped[list[QuestionnaireVersion]] = relationship(
        back_populates="questionnaire",
        order_by="QuestionnaireVersion.number",
        cascade="all, delete-orphan",
    )


class QuestionnaireVersion(db.Model):  # type: ignore[name-defined,misc]
    """An immutable definition once published; assessments point to the version they used."""

    __tablename__ = "questionnaire_version"
    __table_args__ = (
        UniqueConstraint("questionnaire_id", "number"),
        partial_unique(
            "uq_questionnaire_version_one_draft", "questionnaire_id", where="status = 'draft'"
        ),
        partial_unique(
            "uq_questionnaire_version_one_published",
            "questionnaire_id",
            where="status = 'published'",
        ),
        one_of("status", VERSION_STATUSES, name="status"),
        CheckConstraint("number >= 1", name="number_positive"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(String(20), default="draft")
    definition: Mapped[dict[str, Any]] = mapped_column(JSONType)
    content_hash: Mapped[str] = mapped_column(String(64))
    source_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("questionnaire_version.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="versions")
