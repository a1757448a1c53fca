"""The animators' map of shared flows and suggested links, with its table."""

from __future__ import annotations

from flask import render_template, request
from flask_login import login_required

from ..access import require_territory_role
from ..charts import figure_json
from ..services import synergy_map
from . import bp
from .animation import ROLES

FILTER_MAX = 40  # longer than any category key or INSEE code


def _arg(name: str) -> str:
    return (request.args.get(name) or "").strip()[:FILTER_MAX]


@bp.get("/t/<slug>/animation/synergies/carte")
@login_required
def synergy_map_page(slug: str) -> str:
    """Sites, offers and needs, suggested links and groups, and followed synergies, drawn with
    no network; filtered by category, direction, commune and the followed synergies' stage."""
    territory = require_territory_role(slug, *ROLES)
    data = synergy_map.territory_map(
        territory.id,
        group=_arg("categorie"),
        direction=_arg("sens"),
        commune=_arg("commune"),
        stage=_arg("etape"),
    )
    return render_template(
        "synergies/map.html",
        territory=territory,
        data=data,
        figure=figure_json(data.figure),
        filters=None,
        active="synergies.suggestions",
    )
