"""Organisations (the actors), their members, sharing consents and invitations."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.profile import HEADCOUNT_BRACKETS, LEGAL_TYPES, NAF_SECTIONS
from ..domain.vocabulary import INVITATION_KINDS, SHARING_LEVELS, TERRITORY_ROLES
from ..extensions import db
from ._base import NEVER_REUSE_IDS, UTCDateTime, one_of, utcnow

if TYPE_CHECKING:
    from .territory import Territory
    from .user import User

__all__ = ["SHARING_LEVELS", "Invitation", "Membership", "Organisation", "SharingConsent"]


class Organisation(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "organisation"
    __table_args__ = (
        Index("ix_organisation_territory_sharing", "territory_id", "sharing"),
        # The national peer group (reporting.benchmark): same section and size, any territory.
        Index("ix_organisation_peer_profile", "naf_section", "headcount_code", "sharing"),
        # Organisations registered by a period's end (reporting.queries.count_registered).
        Index("ix_organisation_territory_created", "territory_id", "created_at"),
        one_of("legal_type", LEGAL_TYPES, name="legal_type"),
        one_of("sharing", SHARING_LEVELS, name="sharing"),
        one_of("headcount_code", HEADCOUNT_BRACKETS, name="headcount_code"),
        one_of("naf_section", NAF_SECTIONS, name="naf_section"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # Text, never a number: leading zeros matter and associations may have none.
    siret: Mapped[str | None] = mapped_column(String(14))
    legal_type: Mapped[str] = mapped_column(String(30))
    naf_code: Mapped[str | None] = mapped_column(String(6))
    naf_section: Mapped[str | None] = mapped_column(String(1))
    naf_version: Mapped[str | None] = mapped_column(String(20))
    headcount_code: Mapped[str | None] = mapped_column(String(2))
    postcode: Mapped[str | None] = mapped_column(String(5))
    commune: Mapped[str | None] = mapped_column(String(120))
    has_vehicles: Mapped[bool | None] = mapped_column()
    sharing: Mapped[str] = mapped_column(String(20), default="private")
    sharing_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    territory: Mapped[Territory] = relationship()
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r}>"


class Membership(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")


class SharingConsent(db.Model):  # type: ignore[name-defined,misc]
    """Each sharing choice as made: level, wording shown, who and when (history, never updated)."""

    __tablename__ = "sharing_consent"
    __table_args__ = (one_of("level", SHARING_LEVELS, name="level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    level: Mapped[str] = mapped_column(String(20))
    wording_version: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Invitation(db.Model):  # type: ignore[name-defined,misc]
    """A single-use link: join an organisation, or take a role in a territory."""

    __tablename__ = "invitation"
    __table_args__ = (
        one_of("kind", INVITATION_KINDS, name="kind"),
        one_of("role", TERRITORY_ROLES, name="role"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    territory_id: Mapped[int | None] = mapped_column(
        ForeignKey("territory.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
