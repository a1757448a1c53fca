"""The national library: what territories share with the network, and the copies made of it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..domain.library import LIBRARY_KINDS, LIBRARY_TITLE_MAX
from ..extensions import db
from ._base import NEVER_REUSE_IDS, JSONType, UTCDateTime, one_of, partial_unique, utcnow


class LibraryItem(db.Model):  # type: ignore[name-defined,misc]
    """An item a territory shares: a snapshot of one of its actions or resources.

    `kind` says what `source_id` points to (its territory's row); `data` is the snapshot the
    other territories copy, taken when shared, so that a later edit or deletion of the source
    changes nothing in the library until it is shared again. Withdrawn items stay (the copies
    made of them keep their origin) but are no longer listed.
    """

    __tablename__ = "library_item"
    __table_args__ = (
        one_of("kind", LIBRARY_KINDS, name="kind"),
        partial_unique(
            "uq_library_item_shared", "kind", "territory_id", "source_id", where="withdrawn = false"
        ),
        Index("ix_library_item_listing", "withdrawn", "kind"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    territory_id: Mapped[int] = mapped_column(
        ForeignKey("territory.id", ondelete="CASCADE"), index=True
    )
    source_id: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(LIBRARY_TITLE_MAX))
    theme_key: Mapped[str | None] = mapped_column(String(63))
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)
    withdrawn: Mapped[bool] = mapped_column(default=False)
    shared_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    shared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LibraryCopy(db.Model):  # type: ignore[name-defined,misc]
    """That a territory copied a library item into its own space; the origin is kept here.

    The origin territory's name and the source id are written at copy time, so that the origin
    is still shown if the item or its territory goes.
    """

    __tablename__ = "library_copy"
    __table_args__ = (
        one_of("kind", LIBRARY_KINDS, name="kind"),
        Index("ix_library_copy_target", "territory_id", "kind", "copy_id"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("library_item.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id", ondelete="CASCADE"))
    copy_id: Mapped[int] = mapped_column()
    origin_territory_id: Mapped[int | None] = mapped_column(
        ForeignKey("territory.id", ondelete="SET NULL")
    )
    origin_territory_name: Mapped[str] = mapped_column(String(200))
    source_id: Mapped[int] = mapped_column()
    copied_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    copied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LibraryExperience(db.Model):  # type: ignore[name-defined,misc]
    """A retour d'expérience another territory shared, copied into this territory's library.

    Its texts and the (public) organisation's name as they were shared; the origin territory is
    in the `LibraryCopy` that points here.
    """

    __tablename__ = "library_experience"
    __table_args__ = (NEVER_REUSE_IDS,)

    id: Mapped[int] = mapped_column(primary_key=True)
    territory_id: Mapped[int] = mapped_column(
        ForeignKey("territory.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(LIBRARY_TITLE_MAX))
    theme_key: Mapped[str | None] = mapped_column(String(63))
    organisation_name: Mapped[str] = mapped_column(String(200))
    context: Mapped[str] = mapped_column(Text, default="")
    actions_done: Mapped[str] = mapped_column(Text, default="")
    results: Mapped[str] = mapped_column(Text, default="")
    cost: Mapped[str] = mapped_column(String(200), default="")
    partners: Mapped[str] = mapped_column(String(500), default="")
    origin_territory_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
