"""Territory admin space: questionnaire editor, resource base, charter, cohorts."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/t/<slug>/admin")

from .views import (  # noqa: E402, F401
    actions,
    api_keys,
    charter,
    cohorts,
    home,
    questionnaires,
    resources,
)
