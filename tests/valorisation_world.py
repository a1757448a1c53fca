"""Valorisation objects for the route-wide tests (access matrix, privacy crawl)."""

from __future__ import annotations

from typing import Any

from assett.extensions import db
from assett.models import ContactRequest
from assett.services.awards import create_award
from assett.services.experience_cases import CaseInput, create_case

from . import factories


def valorisation_values(world: factories.World) -> dict[str, Any]:
    """A trophy, a draft case of world.org (private) and a request on it: their ids."""
    award = create_award(world.territory, world.admin, "coup_de_coeur", "Coup de cœur", 2026)
    case = create_case(world.org, world.actor, CaseInput(title="Relamping de l'atelier"))
    request = ContactRequest(
        case_id=case.id,
        requester_id=world.other_actor.id,
        requester_org_id=world.other_org.id,
        status="en_attente",
    )
    db.session.add(request)
    db.session.commit()
    return {"award_id": award.id, "case_id": case.id, "request_id": request.id}


def take(org: Any, theme_key: str, level: int, when: Any = None) -> Any:
    """Submit a theme with every answer at a level from 0 (lowest) to 3 (highest)."""
    from .test_privacy import _level_answers

    return factories.make_assessment(
        org, theme_key, _level_answers(org, theme_key, level), submitted_at=when
    )


def complete_action(org: Any, user: Any, title: str, theme_key: str = "energie") -> Any:
    """An action of the organisation's own, marked « réalisée » today."""
    from assett.services.plans import add_custom, update_action

    item = add_custom(org, user, title, theme_key)
    update_action(item, status="realisee", reason=None, owner_id=None, start_on=None, due_on=None)
    return item


CASE = {
    "title": "Relamping LED de l'atelier",
    "theme_key": "energie",
    "context": "Un atelier de 800 m² éclairé par des tubes néon.",
    "actions_done": "- remplacement de 120 tubes\n- détecteurs de présence",
    "results": "-35 % d'électricité sur l'éclairage, 4 200 € par an",
    "cost": "9 000 € HT, aidés à 40 %",
    "partners": "CCI, installateur local",
}


def published_case(org: Any, user: Any, animator: Any, **fields: Any) -> Any:
    """A case written, submitted and published (the organisation must be public)."""
    from assett.services.experience_cases import decide, submit_case

    case = create_case(org, user, CaseInput(**{**CASE, **fields}))
    submit_case(case)
    decide(case, "publier", "", animator)
    return case
