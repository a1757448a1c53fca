"""The territory admin's roadmap page and the yearly self-evaluation of the programme."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from ..access import require_territory_role
from ..admin.views._confirm import confirmation_page, confirmed
from ..auth.forms import EmptyForm
from ..clock import local_today
from ..content_text import content_locale, content_plain
from ..domain.content_language import localize_definition
from ..services import programme_evaluation as evaluation_service
from ..services import roadmap as roadmap_service
from ..services.errors import ServiceError
from . import bp
from ._common import Page, admin_home, roadmap_url
from .forms import STATUS_CHOICES, RoadmapForm, StatusForm, show_error

BASE = "/t/<slug>/admin/feuille-de-route"


def _roadmap_form() -> RoadmapForm:
    form = RoadmapForm()
    form.template.choices = [
        SelectChoice(
            template.key,
            _(
                "%(title)s (%(num)s étapes)",
                title=content_plain(template, "title"),
                num=len(template.steps),
            ),
        )
        for template in roadmap_service.templates()
    ] + [SelectChoice("", _("Feuille de route vierge"))]
    return form


@bp.route(f"{BASE}/", methods=["GET", "POST"])
@login_required
def roadmap(slug: str) -> Page:
    """The roadmap: its steps with status, dates and owner; or the form to start one."""
    territory = require_territory_role(slug, "admin")
    current = roadmap_service.roadmap_of(territory)
    form = _roadmap_form()
    if current is None and form.validate_on_submit():
        try:
            roadmap_service.create_roadmap(
                territory, form.template.data or None, form.started_on.data, form.title.data or ""
            )
        except ServiceError as error:
            show_error(form, error)
        else:
            flash(_("La feuille de route est créée."), "success")
            return redirect(roadmap_url(territory))
    steps = roadmap_service.steps_of(current) if current is not None else []
    source = roadmap_service.template_or_none(current.template_key) if current else None
    status = 400 if form.is_submitted() and (form.errors or form.form_errors) else 200
    return render_template(
        "programme/roadmap.html",
        territory=territory,
        roadmap=current,
        steps=steps,
        documents=roadmap_service.documents_of(steps),
        progress=roadmap_service.progress_of(steps, local_today()),
        today=local_today(),
        form=form,
        templates=roadmap_service.templates(),
        source=source,
        step_sources=roadmap_service.step_sources(current),
        status_form=StatusForm(formdata=None),
        status_labels={c.value: c.label for c in STATUS_CHOICES},
        admin_home=admin_home(territory),
    ), status


@bp.post(f"{BASE}/supprimer")
@login_required
def roadmap_delete(slug: str) -> Page:
    """Remove the roadmap with its steps and documents, to start another."""
    territory = require_territory_role(slug, "admin")
    if not confirmed():
        return confirmation_page(
            territory,
            title=_("Supprimer la feuille de route ?"),
            consequences=[_("Ses étapes, leurs notes et leurs documents seront supprimés.")],
            button=_("Supprimer la feuille de route"),
            cancel_url=roadmap_url(territory),
        )
    roadmap_service.delete_roadmap(territory)
    flash(_("La feuille de route est supprimée."), "success")
    return redirect(roadmap_url(territory))


@bp.route("/t/<slug>/admin/auto-evaluation", methods=["GET", "POST"])
@login_required
def self_evaluation(slug: str) -> Page:
    """This year's self-evaluation of the programme, and the scores of past years."""
    territory = require_territory_role(slug, "admin")
    year = local_today().year
    existing = evaluation_service.evaluation_for(territory, year)
    form = EmptyForm()
    problems: dict[str, str] = {}
    answers: dict[str, object] = dict(existing.answers) if existing else {}
    if form.validate_on_submit():
        posted = {key: request.form.get(key) for key in request.form if key != "csrf_token"}
        try:
            evaluation_service.save_evaluation(territory, current_user, year, posted)
        except evaluation_service.EvaluationErrors as error:
            problems = dict(error.problems)
            answers = {key: value for key, value in posted.items() if value}
        else:
            flash(_("L'auto-évaluation %(year)s est enregistrée.", year=year), "success")
            return redirect(url_for("programme.self_evaluation", slug=slug, _anchor="historique"))
    history = evaluation_service.history(territory)
    definition = localize_definition(evaluation_service.definition(), content_locale())
    levels = {band.key: band.label for band in definition.bands}
    return render_template(
        "programme/self_evaluation.html",
        territory=territory,
        definition=definition,
        year=year,
        existing=existing,
        answers=answers,
        problems=problems,
        form=form,
        history=[(row, evaluation_service.result_of(row)) for row in history],
        band_label=levels.get,
        admin_home=admin_home(territory),
    ), (400 if problems else 200)
