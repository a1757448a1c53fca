"""The collectivity's programme and the national network: roadmap, self-evaluation, library."""

from flask import Blueprint

bp = Blueprint("programme", __name__)

from . import library_views, national_views, roadmap_views, step_views  # noqa: E402, F401
