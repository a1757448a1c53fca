"""What a user's space lists: their organisations, their territory roles, open territories."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Membership, Organisation, Territory, TerritoryRole


@dataclass(frozen=True)
class UserSpace:
    """A user's organisations (territory loaded) and the roles they hold per territory."""

    organisations: list[Organisation]
    roles: list[tuple[Territory, set[str]]]


def active_territories() -> list[Territory]:
    """The territories open to sign-ups, by name."""
    return list(
        db.session.scalars(
            select(Territory).where(Territory.is_active.is_(True)).order_by(Territory.name)
        )
    )


def user_space(user_id: int) -> UserSpace:
    """The user's organisations and territory roles, in two queries whatever their number."""
    organisations = db.session.scalars(
        select(Organisation)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .where(Membership.user_id == user_id)
        .options(joinedload(Organisation.territory))
        .order_by(Membership.id)
    ).all()
    held: dict[int, tuple[Territory, set[str]]] = {}
    for role in db.session.scalars(
        select(TerritoryRole)
        .where(TerritoryRole.user_id == user_id)
        .options(joinedload(TerritoryRole.territory))
        .order_by(TerritoryRole.id)
    ):
        held.setdefault(role.territory_id, (role.territory, set()))[1].add(role.role)
    return UserSpace(organisations=list(organisations), roles=list(held.values()))


def database_answers() -> None:
    """Run a trivial query; raises if the database is unreachable."""
    db.session.execute(text("SELECT 1"))
