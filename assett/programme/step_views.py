"""The roadmap's steps: add, edit, change status, reorder, remove, attach documents."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ..access import require_territory_role
from ..admin.views._confirm import confirmation_page, confirmed
from ..admin.views._editor_helpers import direction
from ..clock import local_today
from ..models import Roadmap, RoadmapStep, Territory
from ..services import roadmap as roadmap_service
from ..services import roadmap_files
from ..services.errors import ServiceError
from ..uploads import allows_upload
from . import bp
from ._common import Page, admin_home, roadmap_or_404, roadmap_url, step_or_404
from .forms import DocumentFileForm, DocumentForm, StatusForm, StepForm, show_error

BASE = "/t/<slug>/admin/feuille-de-route/etapes"


def _values(form: StepForm) -> dict[str, Any]:
    return {name: form[name].data for name in roadmap_service.STEP_FIELDS}


def _render(
    territory: Territory,
    roadmap: Roadmap,
    form: StepForm,
    step: RoadmapStep | None,
    document_form: DocumentForm | None = None,
    file_form: DocumentFileForm | None = None,
) -> tuple[str, int]:
    refused = [f for f in (form, document_form, file_form) if f is not None and f.is_submitted()]
    status = 400 if any(f.errors or f.form_errors for f in refused) else 200
    return render_template(
        "programme/step_form.html",
        territory=territory,
        roadmap=roadmap,
        form=form,
        step=step,
        step_source=roadmap_service.step_sources(roadmap).get(step.title) if step else None,
        documents=roadmap_service.documents_of([step])[step.id] if step else [],
        document_form=document_form or DocumentForm(formdata=None, prefix="document"),
        file_form=file_form or DocumentFileForm(formdata=None, prefix="document-file"),
        admin_home=admin_home(territory),
    ), status


@bp.route(f"{BASE}/nouvelle", methods=["GET", "POST"])
@login_required
def step_new(slug: str) -> Page:
    """Add a step at the end of the roadmap."""
    territory = require_territory_role(slug, "admin")
    roadmap = roadmap_or_404(territory)
    form = StepForm()
    if form.validate_on_submit():
        try:
            step = roadmap_service.add_step(roadmap, _values(form))
        except ServiceError as error:
            show_error(form, error)
        else:
            flash(_("L'étape « %(title)s » est ajoutée.", title=step.title), "success")
            return redirect(roadmap_url(territory, step))
    return _render(territory, roadmap, form, None)


@bp.route(f"{BASE}/<int:step_id>", methods=["GET", "POST"])
@login_required
def step_edit(slug: str, step_id: int) -> Page:
    """Edit a step: wording, status, owner, dates, notes; its documents below."""
    territory = require_territory_role(slug, "admin")
    roadmap = roadmap_or_404(territory)
    step = step_or_404(territory, step_id)
    form = StepForm(obj=step)
    if form.validate_on_submit():
        try:
            roadmap_service.update_step(step, _values(form))
        except ServiceError as error:
            show_error(form, error)
        else:
            flash(_("L'étape est enregistrée."), "success")
            return redirect(roadmap_url(territory, step))
    return _render(territory, roadmap, form, step)


@bp.post(f"{BASE}/<int:step_id>/statut")
@login_required
def step_status(slug: str, step_id: int) -> Page:
    """Change a step's status from the list (a step done gets today as its end date)."""
    territory = require_territory_role(slug, "admin")
    step = step_or_404(territory, step_id)
    form = StatusForm()
    if not form.validate_on_submit():
        abort(400)
    roadmap_service.set_status(step, form.status.data or "", local_today())
    flash(_("Le statut de l'étape « %(title)s » est enregistré.", title=step.title), "success")
    return redirect(roadmap_url(territory, step))


@bp.post(f"{BASE}/<int:step_id>/deplacer")
@login_required
def step_move(slug: str, step_id: int) -> Page:
    """Move a step up or down."""
    territory = require_territory_role(slug, "admin")
    roadmap = roadmap_or_404(territory)
    step = step_or_404(territory, step_id)
    roadmap_service.move_step(roadmap, step, -1 if direction() == "up" else 1)
    return redirect(roadmap_url(territory, step))


@bp.post(f"{BASE}/<int:step_id>/supprimer")
@login_required
def step_delete(slug: str, step_id: int) -> Page:
    """Remove a step and its documents (after a confirmation)."""
    territory = require_territory_role(slug, "admin")
    step = step_or_404(territory, step_id)
    if not confirmed():
        return confirmation_page(
            territory,
            title=_("Supprimer l'étape « %(title)s » ?", title=step.title),
            consequences=[
                _(
                    "Ses notes et ses documents seront supprimés. Pour la garder trace, "
                    "passez-la plutôt au statut « Abandonné »."
                )
            ],
            button=_("Supprimer l'étape"),
            cancel_url=roadmap_url(territory, step),
        )
    roadmap_service.delete_step(step)
    flash(_("L'étape est supprimée."), "success")
    return redirect(roadmap_url(territory))


@bp.post(f"{BASE}/<int:step_id>/documents")
@login_required
def document_add(slug: str, step_id: int) -> Page:
    """Attach a link to the step."""
    territory = require_territory_role(slug, "admin")
    roadmap = roadmap_or_404(territory)
    step = step_or_404(territory, step_id)
    form = DocumentForm(prefix="document")
    if form.validate_on_submit():
        try:
            roadmap_service.add_document(
                step, current_user, form.title.data or "", form.url.data or ""
            )
        except ServiceError as error:
            show_error(form, error)
        else:
            flash(_("Le document est ajouté à l'étape."), "success")
            return redirect(url_for_step(territory, step))
    return _render(territory, roadmap, StepForm(obj=step, formdata=None), step, form)


@bp.post(f"{BASE}/<int:step_id>/documents/fichier")
@allows_upload("EVIDENCE_MAX_CONTENT_LENGTH")
@login_required
def document_file_add(slug: str, step_id: int) -> Page:
    """Attach a file to the step: refused with a message naming the field if not accepted."""
    territory = require_territory_role(slug, "admin")
    roadmap = roadmap_or_404(territory)
    step = step_or_404(territory, step_id)
    form = DocumentFileForm(prefix="document-file")
    if form.validate_on_submit():
        upload = form.file.data
        if upload is None or not getattr(upload, "filename", None):
            form.file.errors = [*form.file.errors, _("Choisissez un fichier à déposer.")]
        else:
            try:
                roadmap_files.add_document_file(
                    step, current_user, upload.filename, upload.read(), form.title.data or ""
                )
            except ServiceError as error:
                field = form.title if error.field == "title" else form.file
                field.errors = [*field.errors, error.message]
            else:
                flash(_("Le fichier est ajouté à l'étape."), "success")
                return redirect(url_for_step(territory, step))
    return _render(territory, roadmap, StepForm(obj=step, formdata=None), step, file_form=form)


@bp.get(f"{BASE}/<int:step_id>/documents/<int:document_id>")
@login_required
def document_download(slug: str, step_id: int, document_id: int) -> Response:
    """A step's file, always as an attachment of its checked type: never shown inline."""
    territory = require_territory_role(slug, "admin")
    step = step_or_404(territory, step_id)
    found = roadmap_files.document_file(step, document_id)
    if found is None:
        abort(404)
    document, data = found
    response = Response(data, mimetype=document.content_type)
    response.headers.set("Content-Disposition", "attachment", filename=document.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def url_for_step(territory: Territory, step: RoadmapStep) -> str:
    """The step's page, at its documents."""
    return url_for("programme.step_edit", slug=territory.slug, step_id=step.id, _anchor="documents")


@bp.post(f"{BASE}/<int:step_id>/documents/<int:document_id>/supprimer")
@login_required
def document_delete(slug: str, step_id: int, document_id: int) -> Page:
    """Remove a document of the step."""
    territory = require_territory_role(slug, "admin")
    step = step_or_404(territory, step_id)
    if not roadmap_service.delete_document(step, document_id):
        abort(404)
    flash(_("Le document est retiré de l'étape."), "success")
    return redirect(url_for_step(territory, step))
