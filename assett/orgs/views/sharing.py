"""The sharing choice and the territory's public directory of engaged actors."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from ...access import member_org_or_404, territory_or_404
from ...services import organisations as service
from ...services import valorisation
from ...services.errors import ServiceError
from .. import bp
from ..forms import SharingForm
from ._helpers import me, show_errors

Page = str | Response | tuple[str, int]


@bp.route("/o/<int:org_id>/partage", methods=["GET", "POST"])
@login_required
def sharing(org_id: int) -> Page:
    """Choose who sees the organisation's results; the history of choices is kept."""
    organisation = member_org_or_404(org_id)
    form = SharingForm(data={"level": organisation.sharing})
    if form.validate_on_submit():
        try:
            consent = service.set_sharing(organisation, form.level.data or "", me())
        except ServiceError as error:
            show_errors(form, error)
        else:
            if consent is None:
                flash(_("Votre choix de partage est inchangé."), "info")
            elif consent.level == "private":
                flash(
                    _("Vos résultats ne sont plus partagés : seuls les membres les voient."),
                    "success",
                )
            else:
                flash(_("Votre choix de partage est enregistré."), "success")
            return redirect(url_for("orgs.sharing", org_id=organisation.id))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "orgs/sharing.html",
        form=form,
        org=organisation,
        history=service.sharing_history(organisation),
        labels=service.SHARING_SHORT_LABELS,
        wording_version=service.SHARING_WORDING_VERSION,
    ), status


@bp.get("/t/<slug>/annuaire")
def directory(slug: str) -> str:
    """The public directory: organisations of the territory that chose to appear in it."""
    territory = territory_or_404(slug)
    return render_template(
        "orgs/directory.html",
        territory=territory,
        entries=service.public_directory(territory),
        **valorisation.directory_context(territory),
    )
