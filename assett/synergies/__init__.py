"""Synergies: the flows an organisation declares, and the animators' suggestions."""

from flask import Blueprint

bp = Blueprint("synergies", __name__)

from . import (  # noqa: E402, F401
    animation,
    collective_views,
    map_view,
    participation,
    pipeline,
    stakeholder_views,
    totals,
    views,
    workshop,
)
