"""An organisation's synergies: what its members read, and their answer to being put in touch."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ..access import member_org_or_404
from ..content_text import message
from ..domain.synergy_benefits import FIGURES, PHASE_LABELS
from ..domain.synergy_pipeline import CONTACT_LABELS, KIND_LABELS, STAGE_LABELS
from ..models._base import utcnow
from ..services import synergy_pipeline as service
from ..services import synergy_queries as queries
from ..services.errors import ServiceError
from . import bp
from .pipeline_forms import ContactForm
from .views import Page, current_account


@bp.app_template_filter("synergy_stage")
def synergy_stage(stage: str) -> str:
    """A stage's label."""
    return _(STAGE_LABELS.get(stage, stage))


@bp.get("/o/<int:org_id>/synergies")
@login_required
def org_synergies(org_id: int) -> Page:
    """The synergies the organisation takes part in."""
    org = member_org_or_404(org_id)
    return render_template(
        "synergies/org_synergies.html",
        org=org,
        items=queries.organisation_synergies(org, utcnow()),
        benefits={},
        stage_labels=STAGE_LABELS,
        kind_labels=KIND_LABELS,
        contact_labels=CONTACT_LABELS,
        phase_labels=PHASE_LABELS,
        figures=FIGURES,
        form=ContactForm(formdata=None),
    )


@bp.post("/o/<int:org_id>/synergies/<int:synergy_id>/contact")
@login_required
def org_synergy_contact(org_id: int, synergy_id: int) -> Page:
    """Accept or decline being put in touch with the other participants."""
    org = member_org_or_404(org_id)
    synergy = queries.organisation_synergy(org, synergy_id)
    if synergy is None:
        abort(404)
    form = ContactForm()
    answer = form.answer.data if form.validate_on_submit() else None
    if answer not in ("accept", "decline"):
        flash(_("Choisissez d'accepter ou de refuser la mise en contact."), "error")
        return redirect(url_for("synergies.org_synergies", org_id=org.id)), 400  # type: ignore[return-value]
    try:
        service.answer_contact(synergy, org, current_account(), answer == "accept")
    except ServiceError as error:
        flash(error.message, "error")
    else:
        if answer == "accept":
            flash(
                _(
                    "Vous acceptez d'être mis en contact pour « %(title)s ».",
                    title=message(synergy.shown_title),
                ),
                "success",
            )
        else:
            flash(
                _(
                    "Vous refusez d'être mis en contact pour « %(title)s ».",
                    title=message(synergy.shown_title),
                ),
                "success",
            )
    return redirect(url_for("synergies.org_synergies", org_id=org.id))
