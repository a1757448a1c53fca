"""The read-only JSON API under /api/v1/, for the collectivity's other tools (keys, no cookies)."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from . import docs_views, views  # noqa: E402, F401
