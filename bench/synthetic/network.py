"""The synthetic territory itself: found or created, with its personas, cohorts and charter."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from assett.extensions import db
from assett.models import CharterVersion, Cohort, Organisation, Territory, TerritoryRole, User
from assett.services.errors import ServiceError
from assett.services.questionnaires import load_platform_definitions
from assett.services.territories import create_territory

# Every synthetic account shares this published password: benchmark data, never real users.
SYNTHETIC_PASSWORD = "synthetique-assett-2026"  # noqa: S105
COHORTS = (
    ("Promotion des pionniers", "Les premiers acteurs engagés du territoire.", 0.06),
    ("Promotion 2025", "Acteurs accompagnés en 2025.", 0.05),
    ("Club mobilité durable", "Employeurs engagés sur les plans de mobilité.", 0.03),
)
CHARTER_TEXT = (
    "En signant cette charte, notre organisation s'engage à s'auto-évaluer chaque année, "
    "à agir sur au moins un thème de la transition écologique et à partager son expérience."
)


def prepare(slug: str, directory: str, append: bool) -> Territory:
    """Load the platform questionnaires and find or create the territory; refuse a rerun."""
    load_platform_definitions(directory)
    territory: Territory | None = db.session.scalar(select(Territory).where(Territory.slug == slug))
    if territory is None:
        return create_territory(slug=slug, name=f"Territoire synthétique {slug}")
    existing = db.session.scalar(
        select(func.count(Organisation.id)).where(Organisation.territory_id == territory.id)
    )
    if existing and not append:
        raise ServiceError(
            f"Le territoire « {slug} » compte déjà {existing} organisations : rien n'a été "
            "ajouté. Relancez avec --append pour en ajouter, ou choisissez un autre territoire.",
            field="slug",
        )
    return territory


def _find_or_add(model: Any, values: dict[str, Any], *where: Any) -> Any:
    """The row matching `where`, or a new one made of `values`."""
    found = db.session.scalar(select(model).where(*where).limit(1))
    if found is None:
        found = model(**values)
        db.session.add(found)
        db.session.flush()
    return found


def add_network(territory: Territory, start: datetime, password_hash: str) -> dict[str, Any]:
    """The animator and admin personas, the cohorts and a published charter, if missing."""
    tid = territory.id
    logins = {}
    for role, local in (("animator", "animation"), ("admin", "admin")):
        email = logins[role] = f"{local}@{territory.slug}.synthetique.example"
        user = _find_or_add(
            User, {"email": email, "password_hash": password_hash}, User.email == email
        )
        values = {"user_id": user.id, "territory_id": tid, "role": role}
        _find_or_add(
            TerritoryRole, values, *(getattr(TerritoryRole, k) == v for k, v in values.items())
        )
    cohorts = []
    for name, text, share in COHORTS:
        values = {"territory_id": tid, "name": name, "description": text, "created_at": start}
        cohort = _find_or_add(Cohort, values, Cohort.territory_id == tid, Cohort.name == name)
        cohorts.append((cohort.id, share))
    number = db.session.scalar(
        select(func.max(CharterVersion.number)).where(CharterVersion.territory_id == tid)
    )
    charter = _find_or_add(
        CharterVersion,
        {
            "territory_id": tid,
            "number": (number or 0) + 1,
            "title": "Charte des acteurs engagés",
            "text": CHARTER_TEXT,
            "status": "published",
            "created_at": start,
            "published_at": start + timedelta(days=20),
        },
        CharterVersion.territory_id == tid,
        CharterVersion.status == "published",
    )
    return {"logins": logins, "cohorts": cohorts, "charter": (charter.id, charter.published_at)}
