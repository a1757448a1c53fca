"""Territory admin: the commented example of a theme file, linked from the import page."""

from __future__ import annotations

from flask_login import login_required
from werkzeug.wrappers import Response

from ...access import require_territory_role
from ...services import questionnaire_files as files
from .. import bp


@bp.get("/questionnaires/exemple-theme.yaml")
@login_required
def questionnaire_example(slug: str) -> Response:
    """Download a commented theme file to start from."""
    require_territory_role(slug, "admin")
    response = Response(files.example_yaml(), mimetype="application/yaml")
    response.headers["Content-Disposition"] = f'attachment; filename="{files.EXAMPLE_FILENAME}"'
    return response
