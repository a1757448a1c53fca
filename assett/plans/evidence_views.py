"""Evidence on a plan action: add a file or a link, download a file, delete; delete the action."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from ..access import member_org_or_404, plan_reader_org_or_404
from ..services import evidence
from ..services.errors import ServiceError
from ..uploads import allows_upload
from . import bp
from .forms import ConfirmForm, EvidenceFileForm, EvidenceLinkForm
from .views import Page, _action_or_404, _action_page, current_account


def _back(org_id: int, action_id: int) -> Response:
    return redirect(url_for("plans.action", org_id=org_id, action_id=action_id) + "#preuves")


@bp.route("/o/<int:org_id>/plan/<int:action_id>/preuves/fichier", methods=["POST"])
@allows_upload("EVIDENCE_MAX_CONTENT_LENGTH")
@login_required
def add_file(org_id: int, action_id: int) -> Page:
    """A file as evidence: refused with a message naming the field if it is not accepted."""
    org = member_org_or_404(org_id)
    item = _action_or_404(org, action_id)
    form = EvidenceFileForm(prefix="evidence-file")
    if form.validate_on_submit():
        upload = form.file.data
        if upload is None or not getattr(upload, "filename", None):
            form.file.errors = [*form.file.errors, _("Choisissez un fichier à déposer.")]
        else:
            try:
                evidence.add_file(
                    item, current_account(), upload.filename, upload.read(), form.title.data or ""
                )
            except ServiceError as error:
                field = form.title if error.field == "title" else form.file
                field.errors = [*field.errors, error.message]
            else:
                flash(_("Le fichier est ajouté aux pièces justificatives."), "success")
                return _back(org.id, item.id)
    return _action_page(org, item, file_form=form, status=400)


@bp.route("/o/<int:org_id>/plan/<int:action_id>/preuves/lien", methods=["POST"])
@login_required
def add_link(org_id: int, action_id: int) -> Page:
    """A link as evidence."""
    org = member_org_or_404(org_id)
    item = _action_or_404(org, action_id)
    form = EvidenceLinkForm(prefix="evidence-link")
    if form.validate_on_submit():
        try:
            evidence.add_link(item, current_account(), form.url.data or "", form.title.data or "")
        except ServiceError as error:
            field = form.title if error.field == "title" else form.url
            field.errors = [*field.errors, error.message]
        else:
            flash(_("Le lien est ajouté aux pièces justificatives."), "success")
            return _back(org.id, item.id)
    return _action_page(org, item, link_form=form, status=400)


@bp.get("/o/<int:org_id>/plan/<int:action_id>/preuves/<int:evidence_id>")
@login_required
def download(org_id: int, action_id: int, evidence_id: int) -> Response:
    """A file, always as an attachment of its checked type: never shown inline by the browser."""
    org = plan_reader_org_or_404(org_id)
    found = evidence.evidence_in(org, evidence_id)
    if found is None or found.plan_action_id != action_id:
        abort(404)
    data = evidence.file_content(found)
    if data is None or found.content_type is None:
        abort(404)
    response = Response(data, mimetype=found.content_type)
    response.headers.set("Content-Disposition", "attachment", filename=found.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route(
    "/o/<int:org_id>/plan/<int:action_id>/preuves/<int:evidence_id>/supprimer", methods=["POST"]
)
@login_required
def delete_evidence(org_id: int, action_id: int, evidence_id: int) -> Response:
    org = member_org_or_404(org_id)
    item = _action_or_404(org, action_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        evidence.delete_evidence(item, evidence_id)
    except ServiceError:
        abort(404)
    flash(_("La pièce justificative est supprimée."), "success")
    return _back(org.id, item.id)


@bp.route("/o/<int:org_id>/plan/<int:action_id>/supprimer", methods=["POST"])
@login_required
def delete_action(org_id: int, action_id: int) -> Response:
    """Delete the action, its steps, notes and evidence."""
    org = member_org_or_404(org_id)
    item = _action_or_404(org, action_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    title = item.title
    evidence.delete_action(item)
    flash(_("L'action « %(title)s » est supprimée.", title=title), "success")
    return redirect(url_for("plans.plan", org_id=org.id))
