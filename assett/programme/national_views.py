"""The platform admin's national view: territories' roadmaps, self-evaluations and shares."""

from __future__ import annotations

from flask import render_template

from ..access import platform_admin_required
from ..clock import local_today
from ..domain.aggregation import MIN_GROUP_SIZE
from ..domain.library import KIND_LABELS
from ..reporting import network, network_animation
from ..services import national_library as library
from ..services import roadmap as roadmap_service
from . import bp


@bp.get("/plateforme/reseau")
@platform_admin_required
def national() -> str:
    """Each territory's roadmap, self-evaluation, library and animation side by side."""
    return render_template(
        "programme/national.html",
        rows=network.territory_programmes(local_today()),
        templates={template.key: template for template in roadmap_service.templates()},
        entries=library.library(),
        kind_labels=KIND_LABELS,
        animation=network_animation.figures_by_territory(),
        empty=network_animation.AnimationFigures(),
        events=network_animation.recent_events(),
        awards=network_animation.recent_awards(),
        cases=network_animation.recent_cases(),
        min_group=MIN_GROUP_SIZE,
    )
