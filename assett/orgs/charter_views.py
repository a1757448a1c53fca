"""The organisation's page of the charter of engaged actors: read it, sign it."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ..access import member_org_or_404
from ..services import charter as charter_service
from ..services import charter_news
from ..services.errors import ServiceError
from . import bp


@bp.route("/o/<int:org_id>/charte", methods=["GET", "POST"])
@login_required
def charter(org_id: int) -> str | Response:
    """Show the charter in force and who signed which version; a member signs it (POST)."""
    org = member_org_or_404(org_id)
    if request.method == "POST":
        try:
            signature = charter_service.sign_charter(
                org,
                current_user,
                synergy_commitment=request.form.get("synergy_commitment") == "y",
            )
        except ServiceError as error:
            flash(error.message, "error")
        else:
            flash(
                _(
                    "Vous avez signé la charte au nom de %(name)s le %(date)s.",
                    name=org.name,
                    date=format_date(signature.signed_at, "d MMMM yyyy"),
                ),
                "success",
            )
        return redirect(url_for("orgs.charter", org_id=org.id))
    current = charter_service.current_charter(org.territory_id)
    return render_template(
        "orgs/charter.html",
        org=org,
        current=current,
        signed_current=current is not None and charter_service.has_signed(org, current),
        signatures=charter_service.signatures_of(org),
        charter_standing=charter_news.standing(org),
        render_text=charter_service.render_text,
    )


@bp.post("/o/<int:org_id>/charte/synergies")
@login_required
def charter_synergies(org_id: int) -> Response:
    """A member adds the synergy commitment to the organisation's signature in force."""
    org = member_org_or_404(org_id)
    try:
        charter_service.commit_to_synergies(org)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(
            _(
                "%(name)s s'engage dans une démarche de synergies et d'actions collectives.",
                name=org.name,
            ),
            "success",
        )
    return redirect(url_for("orgs.charter", org_id=org.id))
