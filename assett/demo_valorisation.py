"""The demo's valorisation: two trophies given this year, one retour d'expérience published and
shared with the national library."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from .extensions import db
from .models import Award, Organisation, Territory, TerritoryRole, User
from .models._base import utcnow

DEMO_CASE: dict[str, Any] = {
    "title": "Relamping LED et détecteurs de présence dans l'atelier",
    "theme_key": "energie",
    "context": (
        "Un atelier de 800 m² éclairé par des tubes néon allumés toute la journée, "
        "y compris dans les allées peu fréquentées."
    ),
    "actions_done": (
        "- remplacement de 120 tubes par des luminaires LED ;\n"
        "- détecteurs de présence dans les allées et le stock ;\n"
        "- relevé mensuel du compteur pendant un an."
    ),
    "results": "-38 % de consommation d'électricité pour l'éclairage, soit 4 200 € par an.",
    "cost": "9 000 € HT, dont 40 % pris en charge par un certificat d'économie d'énergie",
    "partners": "CCI (pré-diagnostic), un électricien du territoire",
    "national_consent": True,
}


def seed_demo_valorisation(territory_id: int) -> int:
    """Give two trophies, publish one case and share it nationally, once; return how many
    trophies were given."""
    from .services import awards, experience_cases, national_library

    territory = db.session.get(Territory, territory_id)
    if territory is None or db.session.scalar(
        select(func.count(Award.id)).where(Award.territory_id == territory_id)
    ):
        return 0
    animator = db.session.scalar(
        select(User)
        .join(TerritoryRole, TerritoryRole.user_id == User.id)
        .where(TerritoryRole.territory_id == territory_id, TerritoryRole.role == "animator")
        .order_by(User.id)
    )
    public = list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.territory_id == territory_id, Organisation.sharing == "public")
            .order_by(Organisation.id)
        )
    )
    if animator is None or not public:
        return 0
    year = utcnow().year
    given = 0
    for category, title in (
        ("progression", "Trophée de la plus forte progression"),
        ("coup_de_coeur", "Coup de cœur du réseau"),
    ):
        award = awards.create_award(territory, animator, category, title, year)
        ranked = awards.award_candidates(award)
        public_ids = {org.id for org in public}
        choice = next((c for c in ranked if c.organisation_id in public_ids), None)
        organisation_id = choice.organisation_id if choice else public[given % len(public)].id
        awards.give_award(award, organisation_id, choice.reason if choice else "", animator)
        given += 1
    author = public[-1]
    case = experience_cases.create_case(author, animator, experience_cases.CaseInput(**DEMO_CASE))
    experience_cases.submit_case(case)
    experience_cases.decide(case, "publier", "", animator)
    admin = db.session.scalar(
        select(User)
        .join(TerritoryRole, TerritoryRole.user_id == User.id)
        .where(TerritoryRole.territory_id == territory_id, TerritoryRole.role == "admin")
        .order_by(User.id)
    )
    national_library.share(territory, admin or animator, "experience", case.id)
    return given
