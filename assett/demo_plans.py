"""The demo actor's action plan: three suggested actions, one under way, one completed.

The completed one carries a link as evidence; the theme of the one under way has a target (the
demo's latest scores are about 2,5/5: the target asks for one more point within seven months).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from .clock import local_today
from .extensions import db
from .models import Membership, Organisation, User

DEMO_TARGET = 3.5


def seed_demo_plan(actor: User) -> int:
    """Add the three best suggestions to the actor's organisation's plan; return how many."""
    from .services import evidence, plans, targets

    organisation = db.session.scalar(
        select(Organisation)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .where(Membership.user_id == actor.id)
        .order_by(Organisation.id)
    )
    if organisation is None or plans.plan_of(organisation):
        return 0
    suggested = plans.suggested_actions(organisation, limit=3)
    today = local_today()
    for index, suggestion in enumerate(suggested):
        item = plans.add_from_catalogue(organisation, suggestion.action.key, actor)
        if index == 0:
            plans.update_action(
                item,
                status="realisee",
                reason=None,
                owner_id=actor.id,
                start_on=today - timedelta(days=90),
                due_on=today - timedelta(days=10),
            )
            plans.add_note(item, actor, "Fait : voir le compte rendu de l'équipe.")
            evidence.add_link(
                item,
                actor,
                "https://agirpourlatransition.ademe.fr/entreprises/",
                "Guide ADEME suivi pour cette action",
            )
        elif index == 1:
            plans.update_action(
                item,
                status="en_cours",
                reason=None,
                owner_id=actor.id,
                start_on=today - timedelta(days=20),
                due_on=today + timedelta(days=120),
            )
            first = plans.add_step(item, "Demander deux devis")
            plans.add_step(item, "Présenter le projet à l'équipe")
            plans.set_step_done(item, first.id, True)
            plans.add_note(item, actor, "Premier devis reçu, le second est attendu.")
            # The target is on the theme of the action under way: the plan shows how to reach it.
            targets.set_target(
                organisation, actor, item.theme_key, DEMO_TARGET, today + timedelta(days=210)
            )
    return len(suggested)
