"""Assessments, their answers, and the per-organisation summary aggregation reads."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.definition_fields import SCORE_MAX
from ..domain.vocabulary import ASSESSMENT_STATUSES
from ..extensions import db
from ._base import NEVER_REUSE_IDS, JSONType, UTCDateTime, one_of, partial_unique, utcnow

if TYPE_CHECKING:
    from .organisation import Organisation
    from .questionnaire import Questionnaire, QuestionnaireVersion


class Assessment(db.Model):  # type: ignore[name-defined,misc]
    """One take of one theme by one organisation: a draft, then submitted and frozen."""

    __tablename__ = "assessment"
    __table_args__ = (
        # An organisation's assessments of a theme in order; with the id and score, a period's
        # first score is read from the index (reporting.period).
        Index(
            "ix_assessment_latest",
            "organisation_id",
            "theme_key",
            "status",
            "submitted_at",
            "id",
            "score",
        ),
        Index("ix_assessment_territory_submitted", "territory_id", "theme_key", "submitted_at"),
        # One draft per organisation and theme: a second « Commencer » resumes it.
        partial_unique(
            "uq_assessment_one_draft", "organisation_id", "theme_key", where="status = 'draft'"
        ),
        one_of("status", ASSESSMENT_STATUSES, name="status"),
        CheckConstraint("status = 'draft' OR submitted_at IS NOT NULL", name="submitted_dated"),
        CheckConstraint(f"score >= 0 AND score <= {SCORE_MAX}", name="score_range"),
        CheckConstraint(
            "earned >= 0 AND maximum >= 0 AND counted >= 0 AND not_applicable >= 0",
            name="totals_not_negative",
        ),
        CheckConstraint("current_category >= 0", name="current_category_not_negative"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id"))
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaire.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id"))
    theme_key: Mapped[str] = mapped_column(String(63))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    previous_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessment.id", ondelete="SET NULL")
    )
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    current_category: Mapped[int] = mapped_column(default=0)
    # Frozen at submission so that aggregation never re-scores.
    score: Mapped[float | None] = mapped_column()
    band_key: Mapped[str | None] = mapped_column(String(63))
    band_label: Mapped[str | None] = mapped_column(String(120))
    earned: Mapped[float | None] = mapped_column()
    maximum: Mapped[float | None] = mapped_column()
    counted: Mapped[int | None] = mapped_column()
    not_applicable: Mapped[int | None] = mapped_column()
    # {category_key: {"score": float|None, "earned": float, "maximum": float}}
    category_scores: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    profile_snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSONType)

    organisation: Mapped[Organisation] = relationship()
    questionnaire: Mapped[Questionnaire] = relationship()
    version: Mapped[QuestionnaireVersion] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )


class Answer(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "answer"
    __table_args__ = (
        UniqueConstraint("assessment_id", "question_key"),
        CheckConstraint("weight > 0", name="weight_positive"),
        CheckConstraint("earned >= 0 AND maximum >= 0", name="points_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    question_key: Mapped[str] = mapped_column(String(63))
    category_key: Mapped[str] = mapped_column(String(63))
    value: Mapped[Any] = mapped_column(JSONType, nullable=True)
    not_applicable: Mapped[bool] = mapped_column(default=False)
    # Filled at submission.
    earned: Mapped[float | None] = mapped_column()
    maximum: Mapped[float | None] = mapped_column()
    weight: Mapped[float | None] = mapped_column()
    counted: Mapped[bool] = mapped_column(default=False)

    assessment: Mapped[Assessment] = relationship(back_populates="answers")


class OrgThemeStatus(db.Model):  # type: ignore[name-defined,misc]
    """Latest and first submitted assessment per organisation and theme, kept on submission."""

    __tablename__ = "org_theme_status"
    __table_args__ = (
        Index("ix_org_theme_status_territory", "territory_id", "theme_key"),
        # Narrow on purpose: PostgreSQL reads a territory's median from it by an index-only
        # scan (reporting/benchmark.py), where a wider index makes it sort the table's rows.
        Index("ix_org_theme_status_score", "territory_id", "theme_key", "latest_score"),
        CheckConstraint(
            f"latest_score >= 0 AND latest_score <= {SCORE_MAX}"
            f" AND first_score >= 0 AND first_score <= {SCORE_MAX}",
            name="scores_range",
        ),
        CheckConstraint("assessment_count >= 1", name="assessment_count_positive"),
    )

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True
    )
    theme_key: Mapped[str] = mapped_column(String(63), primary_key=True)
    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id"))
    latest_assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE")
    )
    first_assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE")
    )
    latest_score: Mapped[float | None] = mapped_column()
    latest_band_key: Mapped[str | None] = mapped_column(String(63))
    latest_submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    first_score: Mapped[float | None] = mapped_column()
    first_submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    assessment_count: Mapped[int] = mapped_column(default=1)


# The top progressors (reporting/sharing.py) read a territory's largest first → latest gains in
# this order and stop after the first few, instead of sorting every status of the territory.
Index(
    "ix_org_theme_status_gain",
    OrgThemeStatus.territory_id,
    OrgThemeStatus.latest_score - OrgThemeStatus.first_score,
)
