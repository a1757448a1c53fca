"""Platform admin: the territories side by side (participation, mean score per theme)."""

from __future__ import annotations

from flask import render_template

from ..access import platform_admin_required
from ..domain.aggregation import MIN_GROUP_SIZE
from ..reporting import benchmark
from . import bp


@bp.get("/plateforme/comparaison")
@platform_admin_required
def compare() -> str:
    """Each territory's participation and mean latest score per theme, small groups hidden."""
    return render_template(
        "platform/compare.html",
        comparison=benchmark.territories_side_by_side(),
        min_group=MIN_GROUP_SIZE,
    )
