"""Workshop entry consents, the territory's stakeholder map, and collective actions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..domain.collective import PARTICIPATIONS, STAKEHOLDER_KINDS, STATUSES, THEMES
from ..extensions import db
from ._base import NEVER_REUSE_IDS, JSONType, UTCDateTime, one_of, utcnow

CONSENT_METHODS = ("saisie", "import")


class FlowConsent(db.Model):  # type: ignore[name-defined,misc]
    """An organisation's consent to an animator entering its flows: who agreed, when, how."""

    __tablename__ = "flow_consent"
    __table_args__ = (one_of("method", CONSENT_METHODS, name="method"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    # The flow entered (an import records one consent per organisation, flow left empty).
    flow_id: Mapped[int | None] = mapped_column(ForeignKey("flow.id", ondelete="SET NULL"))
    flows_count: Mapped[int] = mapped_column(default=1)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # The person of the organisation who gave the agreement, as the animator typed it.
    consent_by: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(10))
    consented_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Stakeholder(db.Model):  # type: ignore[name-defined,misc]
    """A partner of the territory's approach: CCI, chamber, association, public service..."""

    __tablename__ = "stakeholder"
    __table_args__ = (
        one_of("kind", tuple(STAKEHOLDER_KINDS), name="kind"),
        one_of("participation", tuple(PARTICIPATIONS), name="participation"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    territory_id: Mapped[int] = mapped_column(
        ForeignKey("territory.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    role: Mapped[str] = mapped_column(String(500), default="")
    skills: Mapped[str] = mapped_column(String(1000), default="")
    participation: Mapped[str] = mapped_column(String(20))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CollectiveAction(db.Model):  # type: ignore[name-defined,misc]
    """An « action vitrine » run with several organisations, and its results."""

    __tablename__ = "collective_action"
    __table_args__ = (
        one_of("theme", tuple(THEMES), name="theme"),
        one_of("status", tuple(STATUSES), name="status"),
        CheckConstraint(
            "ended_on IS NULL OR started_on IS NULL OR ended_on >= started_on", name="dates_order"
        ),
        Index("ix_collective_action_territory_public", "territory_id", "is_public"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    theme: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="projet")
    started_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    results: Mapped[str] = mapped_column(Text, default="")
    # [{"label": ..., "value": ..., "unit": ...}], parsed by domain.collective.parse_figures.
    figures: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    is_public: Mapped[bool] = mapped_column(default=False)
    # The synergy it stems from (its foreign key came with the synergy table, revision 0017).
    synergy_id: Mapped[int | None] = mapped_column(ForeignKey("synergy.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CollectiveParticipant(db.Model):  # type: ignore[name-defined,misc]
    """An organisation taking part in a collective action."""

    __tablename__ = "collective_participant"
    __table_args__ = (UniqueConstraint("collective_action_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    collective_action_id: Mapped[int] = mapped_column(
        ForeignKey("collective_action.id", ondelete="CASCADE")
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
