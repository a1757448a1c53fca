"""Resources matched to an organisation's results, and counting who opened them."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..clock import local_today
from ..extensions import db
from ..models import Membership, Organisation, Resource, ResourceOpen
from ..models._base import utcnow
from .unit_of_work import transactional

OFFER_TYPE_LABELS = {
    "accompagnement": _l("Accompagnement"),
    "financement": _l("Financement"),
    "formation": _l("Formation"),
    "outil": _l("Outil"),
    "retour_experience": _l("Retour d'expérience"),
    "evenement": _l("Événement"),
}


def fits_profile(resource: Resource, org: Organisation) -> bool:
    """Whether the resource targets organisations like this one (empty lists: everyone)."""
    return (
        (not resource.headcount_codes or org.headcount_code in resource.headcount_codes)
        and (not resource.legal_types or org.legal_type in resource.legal_types)
        and (not resource.naf_sections or org.naf_section in resource.naf_sections)
    )


def is_current(resource: Resource, today: date) -> bool:
    """Whether today falls within the resource's validity dates."""
    return (resource.valid_from is None or resource.valid_from <= today) and (
        resource.valid_until is None or today <= resource.valid_until
    )


def matching_resources(
    org: Organisation, theme_key: str, band_key: str | None, today: date | None = None
) -> list[Resource]:
    """The territory's active, current resources for this theme, level and profile."""
    if band_key is None:
        return []
    today = today or local_today()
    candidates = db.session.scalars(
        select(Resource)
        .where(Resource.territory_id == org.territory_id, Resource.is_active.is_(True))
        .order_by(Resource.title, Resource.id)
    )
    return [
        resource
        for resource in candidates
        if (not resource.themes or theme_key in resource.themes)
        and band_key in (resource.levels or [])
        and fits_profile(resource, org)
        and is_current(resource, today)
    ]


def safe_url(resource: Resource) -> str | None:
    """The resource's address if it is an http(s) link, else None."""
    parts = urlsplit(resource.url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return resource.url


def first_member_org(user_id: int, resource: Resource) -> Organisation | None:
    """The user's first organisation on the resource's territory, for which an opening counts."""
    return db.session.scalar(
        select(Organisation)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .where(Membership.user_id == user_id, Organisation.territory_id == resource.territory_id)
        .order_by(Organisation.id)
        .limit(1)
    )


@transactional
def record_open(resource: Resource, org: Organisation) -> None:
    """Count that the organisation opened the resource (one row per organisation)."""
    dialect = db.session.get_bind().dialect.name
    values = {
        "resource_id": resource.id,
        "organisation_id": org.id,
        "first_opened_at": utcnow(),
        "open_count": 1,
    }
    if dialect in ("postgresql", "sqlite"):
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        statement = insert(ResourceOpen).values(**values)
        statement = statement.on_conflict_do_update(
            index_elements=["resource_id", "organisation_id"],
            set_={"open_count": ResourceOpen.open_count + 1},
        )
        db.session.execute(statement)
    else:
        existing = db.session.scalar(
            select(ResourceOpen).where(
                ResourceOpen.resource_id == resource.id, ResourceOpen.organisation_id == org.id
            )
        )
        if existing is None:
            db.session.add(ResourceOpen(**values))
        else:
            existing.open_count += 1
