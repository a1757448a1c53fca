"""The demo territory's stakeholder map and two collective actions (one shown publicly)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, update

from .extensions import db
from .models import CharterSignature, CollectiveAction, Stakeholder, Territory

# name, kind, participation, role, skills
DEMO_STAKEHOLDERS = [
    (
        "CCI Rouen Métropole",
        "cci",
        "animation",
        "Anime le club d'entreprises de la zone et les ateliers de flux",
        "Écologie industrielle, accompagnement des PME, diagnostics déchets",
    ),
    (
        "Chambre de métiers et de l'artisanat de Normandie",
        "chambre_metiers",
        "relais",
        "Relaie la démarche auprès des artisans",
        "Réseau d'artisans, gestion des déchets de chantier",
    ),
    (
        "Métropole Rouen Normandie",
        "collectivite",
        "pilotage",
        "Porte la démarche et son comité de pilotage",
        "Plan climat, collecte des déchets, mobilité",
    ),
    (
        "Direction régionale de l'ADEME",
        "service_public",
        "financement",
        "Cofinance l'animation et les études de synergies",
        "Financements, retours d'expérience nationaux",
    ),
    (
        "Association Seine Vélo",
        "association",
        "expertise",
        "Conseille les entreprises pour le plan de mobilité",
        "Mobilité active, ateliers de réparation",
    ),
]
MOBILITY_PARTICIPANTS = (
    "Boulangerie Durand",
    "Garage Martin & Fils",
    "Transports Lefebvre",
    "Imprimerie Normande",
    "Métallerie Bernard",
    "Supermarché Coop Rive Gauche",
)
COLLECTION_PARTICIPANTS = ("Boulangerie Durand", "Restaurant Le Vieux Marché", "Hôtel des Quais")


def seed_demo_collective(territory_id: int) -> int:
    """Map the partners and start two actions once; return how many rows were added."""
    from .services import collective_actions, stakeholders

    territory = db.session.get(Territory, territory_id)
    if territory is None:
        return 0
    existing = db.session.scalar(
        select(func.count(CollectiveAction.id)).where(CollectiveAction.territory_id == territory_id)
    ) or db.session.scalar(
        select(func.count(Stakeholder.id)).where(Stakeholder.territory_id == territory_id)
    )
    if existing:
        return 0
    for name, kind, participation, role, skills in DEMO_STAKEHOLDERS:
        stakeholders.add_stakeholder(
            territory, stakeholders.StakeholderInput(name, kind, participation, role, skills)
        )
    mobility = collective_actions.add_action(
        territory,
        collective_actions.ActionInput(
            title="Plan de mobilité inter-entreprises de la zone des Quais",
            theme="mobilite",
            status="en_cours",
            description="Covoiturage, navette partagée depuis la gare et ateliers vélo pour les "
            "salariés de six entreprises voisines.",
            started_on=date(2026, 3, 2),
            results="La navette du matin circule depuis avril ; un atelier vélo par mois.",
            figures="Salariés covoitureurs : 48\nKilomètres évités par an : 120000 km",
            participants="\n".join(MOBILITY_PARTICIPANTS),
            is_public=True,
        ),
    )
    collective_actions.add_action(
        territory,
        collective_actions.ActionInput(
            title="Collecte mutualisée des cartons et biodéchets",
            theme="dechets",
            status="projet",
            description="Une tournée commune pour les commerces du centre.",
            participants="\n".join(COLLECTION_PARTICIPANTS),
        ),
    )
    # Two of the mobility plan's signatories commit to the synergy approach.
    committed = collective_actions.participants([mobility.id])[mobility.id][:2]
    db.session.execute(
        update(CharterSignature)
        .where(CharterSignature.organisation_id.in_([p.organisation_id for p in committed]))
        .values(synergy_commitment=True)
    )
    db.session.commit()
    return len(DEMO_STAKEHOLDERS) + 2
