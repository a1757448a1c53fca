"""What the programme's views share: the admin's links, loading a step."""

from __future__ import annotations

from flask import abort, current_app, url_for
from werkzeug.wrappers import Response

from ..models import Roadmap, RoadmapStep, Territory
from ..services import roadmap as roadmap_service

Page = str | tuple[str, int] | Response


def admin_home(territory: Territory) -> str | None:
    """The admin home page's address, once that page exists."""
    if "admin.home" in current_app.view_functions:
        return url_for("admin.home", slug=territory.slug)
    return None


def roadmap_url(territory: Territory, step: RoadmapStep | None = None) -> str:
    """The roadmap page, at a step's row if one is given."""
    anchor = f"etape-{step.id}" if step is not None else None
    return url_for("programme.roadmap", slug=territory.slug, _anchor=anchor)


def roadmap_or_404(territory: Territory) -> Roadmap:
    """The territory's roadmap; 404 before it has one."""
    roadmap = roadmap_service.roadmap_of(territory)
    if roadmap is None:
        abort(404)
    return roadmap


def step_or_404(territory: Territory, step_id: int) -> RoadmapStep:
    """A step of the territory's roadmap; 404 for another territory's."""
    step = roadmap_service.step_or_none(territory, step_id)
    if step is None:
        abort(404)
    return step
