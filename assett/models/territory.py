"""Territories: one space per collectivity in a shared installation."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.notifications import REASSESSMENT_MONTHS_DEFAULT, REASSESSMENT_MONTHS_RANGE
from ..domain.vocabulary import TERRITORY_ROLES
from ..extensions import db
from ._base import NEVER_REUSE_IDS, UTCDateTime, one_of, utcnow

if TYPE_CHECKING:
    from .user import User

__all__ = ["TERRITORY_ROLES", "Territory", "TerritoryRole"]


class Territory(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "territory"
    __table_args__ = (
        CheckConstraint(
            "reassessment_months BETWEEN {} AND {}".format(*REASSESSMENT_MONTHS_RANGE),
            name="reassessment_months_range",
        ),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    logo_filename: Mapped[str | None] = mapped_column(String(200))
    main_colour: Mapped[str] = mapped_column(String(7), default="#1b6b4f")
    contact_email: Mapped[str | None] = mapped_column(String(254))
    welcome_text: Mapped[str] = mapped_column(Text, default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    # Months after a theme's last submission when its members are invited to reassess it.
    reassessment_months: Mapped[int] = mapped_column(
        default=REASSESSMENT_MONTHS_DEFAULT, server_default=str(REASSESSMENT_MONTHS_DEFAULT)
    )
    # The yearly review period (« campagne 2027 : mars–juin »), months 1–12; None: not set.
    cycle_start_month: Mapped[int | None] = mapped_column()
    cycle_end_month: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    roles: Mapped[list[TerritoryRole]] = relationship(
        back_populates="territory", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Territory {self.slug}>"


class TerritoryRole(db.Model):  # type: ignore[name-defined,misc]
    """A user's role in a territory: admin (customises) or animator (watches aggregates)."""

    __tablename__ = "territory_role"
    __table_args__ = (
        UniqueConstraint("user_id", "territory_id", "role"),
        one_of("role", TERRITORY_ROLES, name="role"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    territory_id: Mapped[int] = mapped_column(
        ForeignKey("territory.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    territory: Mapped[Territory] = relationship(back_populates="roles")
    user: Mapped[User] = relationship(back_populates="territory_roles")
