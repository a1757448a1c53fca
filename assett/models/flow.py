"""Flows an organisation declares for synergies: what it offers and what it needs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..domain.flows import DIRECTIONS, FREQUENCIES, KINDS, MAX_QUANTITY, MAX_YEARLY, UNITS
from ..extensions import db
from ._base import NEVER_REUSE_IDS, UTCDateTime, one_of, utcnow


class Flow(db.Model):  # type: ignore[name-defined,misc]
    """One offer or need; private to its organisation unless it shares with the animators."""

    __tablename__ = "flow"
    __table_args__ = (
        one_of("direction", DIRECTIONS, name="direction"),
        one_of("kind", KINDS, name="kind"),
        one_of("unit", tuple(UNITS), name="unit"),
        one_of("frequency", tuple(FREQUENCIES), name="frequency"),
        CheckConstraint(
            "(quantity IS NULL AND unit IS NULL AND yearly_quantity IS NULL) OR "
            "(quantity IS NOT NULL AND yearly_quantity IS NOT NULL AND quantity > 0 "
            f"AND quantity <= {MAX_QUANTITY:.0f} AND unit IS NOT NULL "
            f"AND yearly_quantity > 0 AND yearly_quantity <= {MAX_YEARLY:.0f})",
            name="quantity_range",
        ),
        CheckConstraint(
            "(month_from IS NULL AND month_to IS NULL) OR "
            "(month_from IS NOT NULL AND month_to IS NOT NULL "
            "AND month_from BETWEEN 1 AND 12 AND month_to BETWEEN 1 AND 12)",
            name="months_range",
        ),
        CheckConstraint(
            "(latitude IS NULL AND longitude IS NULL) OR "
            "(latitude IS NOT NULL AND longitude IS NOT NULL "
            "AND latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180)",
            name="point_range",
        ),
        Index("ix_flow_organisation_direction", "organisation_id", "direction"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    direction: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(10))
    # « 15 01 03 » for a waste, « energie.chaleur.40_60 » for a taxonomy item.
    code: Mapped[str] = mapped_column(String(63))
    quantity: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(10))
    frequency: Mapped[str] = mapped_column(String(20), default="annuel")
    # The quantity brought to a year in its dimension's reference unit (t, m³, MWh...).
    yearly_quantity: Mapped[float | None] = mapped_column(Float)
    month_from: Mapped[int | None] = mapped_column(SmallInteger)
    month_to: Mapped[int | None] = mapped_column(SmallInteger)
    commune_code: Mapped[str] = mapped_column(String(5))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    description: Mapped[str] = mapped_column(Text, default="")
    hide_quantity: Mapped[bool] = mapped_column(default=False)
    hide_site: Mapped[bool] = mapped_column(default=False)
    accepts_hazardous: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
