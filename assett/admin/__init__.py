"""Territory admin space: questionnaire editor, resource base, charter, cohorts."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/t/<slug>/admin")

from .views import charter, cohorts, home, questionnaires, resources  # noqa: E402, F401
