"""Synergies the animators follow: participants, linked flows, notes, stage history, benefits."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.synergy_benefits import FACTOR_MAX, FIGURES, PHASES
from ..domain.synergy_pipeline import CONTACT_ANSWERS, ORIGINS, STAGES, SYNERGY_KINDS
from ..domain.synergy_titles import shown_title
from ..extensions import db
from ._base import NEVER_REUSE_IDS, UTCDateTime, one_of, utcnow


class Synergy(db.Model):  # type: ignore[name-defined,misc]
    """A substitution or mutualisation between organisations of one territory."""

    __tablename__ = "synergy"
    __table_args__ = (
        one_of("kind", SYNERGY_KINDS, name="kind"),
        one_of("stage", STAGES, name="stage"),
        one_of("origin", ORIGINS, name="origin"),
        CheckConstraint(
            "stage != 'abandonnee' OR stage_reason IS NOT NULL", name="abandoned_has_reason"
        ),
        Index("ix_synergy_territory_stage", "territory_id", "stage"),
        Index("ix_synergy_next_step_on", "next_step_on"),  # the daily reminders
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    stage: Mapped[str] = mapped_column(String(20), default="idee")
    stage_reason: Mapped[str | None] = mapped_column(String(500))
    lead_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    next_step: Mapped[str] = mapped_column(String(500), default="")
    next_step_on: Mapped[date | None] = mapped_column(Date)
    origin: Mapped[str] = mapped_column(String(20), default="manual")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    participants: Mapped[list[SynergyParticipant]] = relationship(
        cascade="all, delete-orphan", order_by="SynergyParticipant.organisation_id"
    )
    notes: Mapped[list[SynergyNote]] = relationship(
        cascade="all, delete-orphan", order_by="SynergyNote.created_at.desc()"
    )
    history: Mapped[list[SynergyStageChange]] = relationship(
        cascade="all, delete-orphan", order_by="SynergyStageChange.id"
    )
    benefits: Mapped[list[SynergyBenefit]] = relationship(cascade="all, delete-orphan")

    @property
    def shown_title(self) -> str:
        """The title for pages (`|content`, `|message`): the app's own title in their language."""
        return shown_title(self.title, self.origin)


class SynergyParticipant(db.Model):  # type: ignore[name-defined,misc]
    """An organisation taking part, and its answer to being put in touch (recorded)."""

    __tablename__ = "synergy_participant"
    __table_args__ = (one_of("contact", CONTACT_ANSWERS, name="contact"),)

    synergy_id: Mapped[int] = mapped_column(
        ForeignKey("synergy.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    contact: Mapped[str] = mapped_column(String(10), default="pending")
    contact_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    contact_answered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL")
    )
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SynergyFlow(db.Model):  # type: ignore[name-defined,misc]
    """A declared flow the synergy stems from (from a suggestion); goes with the flow."""

    __tablename__ = "synergy_flow"

    synergy_id: Mapped[int] = mapped_column(
        ForeignKey("synergy.id", ondelete="CASCADE"), primary_key=True
    )
    flow_id: Mapped[int] = mapped_column(
        ForeignKey("flow.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class SynergyNote(db.Model):  # type: ignore[name-defined,misc]
    """A dated note of the animators."""

    __tablename__ = "synergy_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    synergy_id: Mapped[int] = mapped_column(
        ForeignKey("synergy.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SynergyStageChange(db.Model):  # type: ignore[name-defined,misc]
    """One move in the pipeline: from, to, why (abandoned), who and when."""

    __tablename__ = "synergy_stage_change"
    __table_args__ = (
        one_of("from_stage", STAGES, name="from_stage"),
        one_of("to_stage", STAGES, name="to_stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    synergy_id: Mapped[int] = mapped_column(
        ForeignKey("synergy.id", ondelete="CASCADE"), index=True
    )
    from_stage: Mapped[str | None] = mapped_column(String(20))
    to_stage: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(500))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def _figure_checks() -> tuple[CheckConstraint, ...]:
    return tuple(
        CheckConstraint(
            f"{name} IS NULL OR ({name} >= 0 AND {name} <= {upper:.0f})", name=f"{name}_range"
        )
        for name, (_label, _unit, upper) in FIGURES.items()
    )


class SynergyBenefit(db.Model):  # type: ignore[name-defined,misc]
    """A synergy's benefits a year, estimated (« étude ») or measured (« active »)."""

    __tablename__ = "synergy_benefit"
    __table_args__ = (
        one_of("phase", PHASES, name="phase"),
        *_figure_checks(),
        CheckConstraint("co2e IS NULL OR co2e >= 0", name="co2e_not_negative"),
    )

    synergy_id: Mapped[int] = mapped_column(
        ForeignKey("synergy.id", ondelete="CASCADE"), primary_key=True
    )
    phase: Mapped[str] = mapped_column(String(10), primary_key=True)
    tonnes: Mapped[float | None] = mapped_column(Float)
    water_m3: Mapped[float | None] = mapped_column(Float)
    energy_mwh: Mapped[float | None] = mapped_column(Float)
    euros: Mapped[float | None] = mapped_column(Float)
    jobs: Mapped[float | None] = mapped_column(Float)
    energy_factor: Mapped[str | None] = mapped_column(String(63))
    # Computed from the figures and the territory's factors when they are saved.
    co2e: Mapped[float | None] = mapped_column(Float)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EmissionFactorOverride(db.Model):  # type: ignore[name-defined,misc]
    """A territory's own value (and source) for a shipped emission factor."""

    __tablename__ = "emission_factor_override"
    __table_args__ = (
        CheckConstraint(f"value >= 0 AND value <= {FACTOR_MAX:.0f}", name="value_range"),
    )

    territory_id: Mapped[int] = mapped_column(
        ForeignKey("territory.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(63), primary_key=True)
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(500))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
