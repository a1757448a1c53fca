"""Create an organisation, edit its profile, and the actor's home (tableau de bord)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from ...access import member_org_or_404, territory_or_404
from ...domain.profile import HEADCOUNT_BRACKETS, LEGAL_TYPES
from ...services import assessments
from ...services import charter as charter_service
from ...services import organisations as service
from ...services.errors import ServiceError
from .. import bp
from ..forms import ProfileForm
from ._helpers import me, show_errors

Page = str | Response | tuple[str, int]


@bp.route("/t/<slug>/organisations/nouvelle", methods=["GET", "POST"])
@login_required
def create(slug: str) -> Page:
    """Create an organisation on this territory; its creator becomes its first member."""
    territory = territory_or_404(slug)
    form = ProfileForm()
    if form.validate_on_submit():
        try:
            organisation = service.create_organisation(territory, me(), form.profile_data())
        except ServiceError as error:
            show_errors(form, error)
        else:
            flash(_("L'organisation « %(name)s » est créée.", name=organisation.name), "success")
            return redirect(url_for("orgs.dashboard", org_id=organisation.id))
    status = 400 if form.is_submitted() else 200
    return render_template("orgs/create.html", form=form, territory=territory), status


@bp.get("/o/<int:org_id>/")
@login_required
def dashboard(org_id: int) -> str:
    """The actor's home: the themes and where the organisation stands on each."""
    organisation = member_org_or_404(org_id)
    charter = charter_service.current_charter(organisation.territory_id)
    return render_template(
        "orgs/dashboard.html",
        org=organisation,
        statuses=assessments.theme_statuses(organisation),
        sharing_label=service.SHARING_SHORT_LABELS.get(organisation.sharing),
        member_count=service.member_count(organisation.id),
        naf_section=service.naf_section_label(organisation.naf_section),
        charter=charter,
        charter_signed=charter is not None and charter_service.has_signed(organisation, charter),
    )


@bp.route("/o/<int:org_id>/profil", methods=["GET", "POST"])
@login_required
def profile(org_id: int) -> Page:
    """Edit the organisation's profile."""
    organisation = member_org_or_404(org_id)
    form = ProfileForm(data=service.profile_form_data(organisation))
    if form.validate_on_submit():
        try:
            service.update_profile(organisation, form.profile_data())
        except ServiceError as error:
            show_errors(form, error)
        else:
            flash(_("Le profil est enregistré."), "success")
            return redirect(url_for("orgs.profile", org_id=organisation.id))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "orgs/profile.html",
        form=form,
        org=organisation,
        naf_section=service.naf_section_label(organisation.naf_section),
        legal_type_label=LEGAL_TYPES.get(organisation.legal_type),
        headcount_label=HEADCOUNT_BRACKETS.get(organisation.headcount_code or "", ("", 0))[0],
    ), status
