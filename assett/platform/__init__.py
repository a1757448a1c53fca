"""Platform admin: territories, appointments, side-by-side view."""

from flask import Blueprint

bp = Blueprint("platform", __name__)

from . import views  # noqa: E402, F401
from .compare_views import compare  # noqa: E402, F401
from .outbox_views import outbox_messages  # noqa: E402, F401
from .synergy_views import synergies_compare  # noqa: E402, F401
