"""The campaign report (counts per stage, chart) and the one-click campaign unsubscribe."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from ..access import require_territory_role
from ..extensions import csrf
from ..reporting import campaigns as report_service
from ..services import campaigns as service
from ..services.errors import ServiceError
from . import bp
from .figures import progress_chart
from .views import ROLES

Page = str | tuple[str, int] | Response


def stage_labels() -> dict[str, str]:
    return {
        "invited": _("Invitées"),
        "account": _("Compte créé"),
        "organisation": _("Organisation créée"),
        "first_theme": _("Premier thème envoyé"),
        "all_themes": _("Tous les thèmes envoyés"),
        "axis": _("Personnes (cumul)"),
    }


@bp.get("/t/<slug>/animation/campagnes/<int:campaign_id>/rapport")
@login_required
def report(slug: str, campaign_id: int) -> Page:
    """Invited → account → organisation → first theme → all themes, as counts and a chart."""
    territory = require_territory_role(slug, *ROLES)
    campaign = service.campaign_or_none(territory, campaign_id)
    if campaign is None:
        abort(404)
    data = report_service.report(campaign)
    labels = stage_labels()
    return render_template(
        "campaigns/report.html",
        territory=territory,
        campaign=campaign,
        data=data,
        labels=labels,
        chart=progress_chart(data.stages, labels, _("Progression des personnes invitées")),
    )


# The signed token is the authority: a mail client posts here without a session nor a CSRF
# token (RFC 8058); a GET only shows the button, so that link scanners unsubscribe nobody.
@bp.route("/campagnes/desabonnement/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str) -> Page:
    """Show the button (GET); stop the territory's campaign mail to this address (POST)."""
    try:
        if request.method == "POST":
            territory = service.unsubscribe(token)
        else:
            territory, _hash = service.read_unsubscribe_token(token)
    except ServiceError as error:
        return render_template("auth/unsubscribe_invalid.html", message=error.message), 400
    if request.method == "POST" and request.form.get("List-Unsubscribe") != "One-Click":
        return redirect(url_for("campaigns.unsubscribe", token=token), 303)
    _territory, hashed = service.read_unsubscribe_token(token)
    done = service.is_opted_out(territory.id, hashed)
    return render_template(
        "campaigns/unsubscribe.html", token=token, territory=territory, done=done
    )
