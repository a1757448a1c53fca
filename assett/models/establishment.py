"""The territory's establishments, imported from an INSEE SIRENE stock extract."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..domain.profile import HEADCOUNT_BRACKETS
from ..extensions import db
from ._base import one_of


class Establishment(db.Model):  # type: ignore[name-defined,misc]
    """One SIRET as SIRENE describes it, per territory (the key a re-import updates)."""

    __tablename__ = "establishment"
    __table_args__ = (
        Index("ix_establishment_territory_siren", "territory_id", "siren"),
        one_of("headcount_code", HEADCOUNT_BRACKETS, name="headcount_code"),
    )

    territory_id: Mapped[int] = mapped_column(
        ForeignKey("territory.id", ondelete="CASCADE"), primary_key=True
    )
    siret: Mapped[str] = mapped_column(String(14), primary_key=True)
    siren: Mapped[str] = mapped_column(String(9))
    name: Mapped[str | None] = mapped_column(String(200))
    legal_name: Mapped[str | None] = mapped_column(String(200))
    legal_category: Mapped[str | None] = mapped_column(String(4))
    naf_code: Mapped[str | None] = mapped_column(String(6))
    headcount_code: Mapped[str | None] = mapped_column(String(2))
    commune_code: Mapped[str | None] = mapped_column(String(5))
    postcode: Mapped[str | None] = mapped_column(String(5))
    active: Mapped[bool] = mapped_column(default=True)
