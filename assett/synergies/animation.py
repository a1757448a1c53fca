"""The animators' page: ranked, explained synergy suggestions among shared flows."""

from __future__ import annotations

from flask import render_template
from flask_login import login_required

from ..access import require_territory_role
from ..services import synergies as synergy_service
from . import bp

ROLES = ("animator", "admin")


@bp.get("/t/<slug>/animation/synergies")
@login_required
def suggestions(slug: str) -> str:
    """Substitution pairs and mutualisation groups, best first."""
    territory = require_territory_role(slug, *ROLES)
    return render_template(
        "synergies/suggestions.html",
        territory=territory,
        data=synergy_service.territory_suggestions(territory.id),
        filters=None,
        active="synergies.suggestions",
    )
