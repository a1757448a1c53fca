"""The platform admin's national view: territories' roadmaps, self-evaluations and shares."""

from __future__ import annotations

from flask import render_template

from ..access import platform_admin_required
from ..domain.library import KIND_LABELS
from ..reporting import network
from ..services import national_library as library
from . import bp
from ._common import today


@bp.get("/plateforme/reseau")
@platform_admin_required
def national() -> str:
    """Each territory's roadmap progress and self-evaluation score side by side."""
    return render_template(
        "programme/national.html",
        rows=network.territory_programmes(today()),
        entries=library.library(),
        kind_labels=KIND_LABELS,
    )
