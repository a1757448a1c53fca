"""The demo territory's synergies: two followed from the suggestions, one active and measured."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from .extensions import db
from .models import Synergy, Territory, User
from .models._base import utcnow


def seed_demo_synergies(territory_id: int, animator_email: str) -> int:
    """Follow the best pair and the best group once (none if the territory has synergies)."""
    from .services import synergy_benefits, synergy_pipeline
    from .services.synergies import territory_suggestions

    if db.session.scalar(
        select(func.count(Synergy.id)).where(Synergy.territory_id == territory_id)
    ):
        return 0
    territory = db.session.get(Territory, territory_id)
    animator = db.session.scalar(select(User).where(User.email == animator_email))
    if territory is None or animator is None:
        return 0
    found = territory_suggestions(territory_id)
    created = 0
    if found.pairs:
        pair = found.pairs[0]
        active = synergy_pipeline.create_from_flows(
            territory, animator, "substitution", [pair.offer.flow_id, pair.need.flow_id]
        )
        synergy_pipeline.add_note(
            active,
            animator,
            "Rencontre sur site : les deux entreprises sont d'accord pour essayer.",
        )
        for stage in ("discussion", "etude"):
            synergy_pipeline.change_stage(active, animator, stage)
        synergy_benefits.set_benefits(
            active,
            animator,
            "estimated",
            {"tonnes": "20", "euros": "3000", "energy_mwh": "", "water_m3": "", "jobs": ""},
            None,
        )
        for stage in ("mise_en_oeuvre", "active"):
            synergy_pipeline.change_stage(active, animator, stage)
        synergy_benefits.set_benefits(
            active,
            animator,
            "measured",
            {"tonnes": "18,5", "euros": "2750", "energy_mwh": "", "water_m3": "", "jobs": "0,5"},
            None,
        )
        synergy_pipeline.update_synergy(
            active,
            active.title,
            active.lead_organisation_id,
            "Bilan après un an de fonctionnement",
            (utcnow() + timedelta(days=180)).date(),
        )
        created += 1
    if found.groups:
        group = found.groups[0]
        shared = synergy_pipeline.create_from_flows(
            territory, animator, "mutualisation", [m.flow_id for m in group.members]
        )
        synergy_pipeline.change_stage(shared, animator, "discussion")
        synergy_pipeline.update_synergy(
            shared,
            shared.title,
            None,
            "Atelier avec les entreprises concernées",
            (utcnow() + timedelta(days=14)).date(),
        )
        created += 1
    return created
