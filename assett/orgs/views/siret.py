"""A SIRET fills the profile form: as JSON for the page's script, or server-side without it."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask_login import login_required
from werkzeug.wrappers import Response

from ...access import territory_or_404
from ...rate_limits import siret_lookups_per_user
from ...services.errors import ServiceError
from ...services.siret_lookup import lookup_siret
from .. import bp
from ..forms import ProfileForm

FILL_BUTTON = "fill_from_siret"


@bp.get("/t/<slug>/siret")
@login_required
@siret_lookups_per_user
def siret_lookup(slug: str) -> tuple[Response, int]:
    """The profile values a SIRET gives on this territory (`?siret=…`), as JSON."""
    territory = territory_or_404(slug)
    try:
        found = lookup_siret(territory.id, request.args.get("siret", "")[:40])
    except ServiceError as error:
        return jsonify(found=False, field=error.field, message=error.message), 400
    return jsonify(
        found=found.found, source=found.source, message=found.message, fields=found.values
    ), 200


def wants_fill() -> bool:
    """Whether the form was posted with « Remplir depuis le SIRET » (the page without script)."""
    return request.method == "POST" and FILL_BUTTON in request.form


def fill_form(form: ProfileForm, territory_id: int) -> dict[str, Any]:
    """Fill the form's fields from its SIRET; the page context saying what happened."""
    try:
        found = lookup_siret(territory_id, form.siret.data or "")
    except ServiceError as error:
        form.siret.errors = [error.message]
        return {"siret_notice": None}
    for name, value in found.values.items():
        if name in form and name != "siret":
            form[name].data = value
    form.siret.data = found.siret
    return {"siret_notice": found.message, "siret_found": found.found}
