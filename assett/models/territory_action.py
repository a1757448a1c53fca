"""A territory's own copy of the action catalogue, edited by its admins."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._base import NEVER_REUSE_IDS, JSONType, UTCDateTime, utcnow


class TerritoryAction(db.Model):  # type: ignore[name-defined,misc]
    """One action of a territory's catalogue; `data` is the action as the YAML format holds it.

    `data` is validated by the catalogue's model (assett/domain/actions.ActionDef) on every
    write; `key` and `theme_key` repeat it so that lookups need no JSON. A retired action is no
    longer suggested; plans that hold it keep their copy.
    """

    __tablename__ = "territory_action"
    __table_args__ = (
        UniqueConstraint("territory_id", "key"),
        CheckConstraint("position >= 0", name="position_not_negative"),
        Index("ix_territory_action_theme", "territory_id", "theme_key", "position"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id", ondelete="CASCADE"))
    theme_key: Mapped[str] = mapped_column(String(63))
    key: Mapped[str] = mapped_column(String(63))
    position: Mapped[int] = mapped_column(default=0)
    retired: Mapped[bool] = mapped_column(default=False)
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
