"""The resource base: support offers matched to actors by theme, band and profile."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..domain.vocabulary import NEEDS, OFFER_TYPES
from ..extensions import db
from ._base import NEVER_REUSE_IDS, JSONType, UTCDateTime, one_of, partial_unique, utcnow

__all__ = ["NEEDS", "OFFER_TYPES", "Resource", "ResourceOpen"]


class Resource(db.Model):  # type: ignore[name-defined,misc]
    """A resource; territory_id NULL is a platform default copied into new territories."""

    __tablename__ = "resource"
    __table_args__ = (
        UniqueConstraint("territory_id", "key"),
        partial_unique("uq_resource_platform_key", "key", where="territory_id IS NULL"),
        one_of("offer_type", OFFER_TYPES, name="offer_type"),
        CheckConstraint("valid_until >= valid_from", name="valid_dates_order"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    territory_id: Mapped[int | None] = mapped_column(
        ForeignKey("territory.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(63))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # English versions, optional: shown to English readers instead of the French ones.
    title_en: Mapped[str | None] = mapped_column(String(200))
    description_en: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str] = mapped_column(String(500))
    provider: Mapped[str] = mapped_column(String(200))
    offer_type: Mapped[str] = mapped_column(String(30))
    themes: Mapped[list[str]] = mapped_column(JSONType, default=list)
    levels: Mapped[list[str]] = mapped_column(JSONType, default=list)
    needs: Mapped[list[str]] = mapped_column(JSONType, default=list)
    headcount_codes: Mapped[list[str]] = mapped_column(JSONType, default=list)
    legal_types: Mapped[list[str]] = mapped_column(JSONType, default=list)
    naf_sections: Mapped[list[str]] = mapped_column(JSONType, default=list)
    valid_from: Mapped[date | None] = mapped_column()
    valid_until: Mapped[date | None] = mapped_column()
    example: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    source_resource_id: Mapped[int | None] = mapped_column(
        ForeignKey("resource.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ResourceOpen(db.Model):  # type: ignore[name-defined,misc]
    """That an organisation opened a resource: counted once per organisation."""

    __tablename__ = "resource_open"
    __table_args__ = (
        UniqueConstraint("resource_id", "organisation_id"),
        CheckConstraint("open_count >= 1", name="open_count_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(
        ForeignKey("resource.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    first_opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    open_count: Mapped[int] = mapped_column(default=1)
