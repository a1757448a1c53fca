"""The territory's stakeholder map, kept by its admins and animators: table and graph."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from ..access import require_territory_role
from ..charts import figure_json
from ..domain.collective import PARTICIPATIONS, STAKEHOLDER_KINDS
from ..forms import save_posted
from ..models import Stakeholder, Territory
from ..services import stakeholders as service
from ..stakeholder_chart import Node, stakeholder_figure
from . import bp
from .collective_forms import DeleteForm, StakeholderForm
from .views import Page

ROLES = ("animator", "admin")


@bp.get("/t/<slug>/animation/parties-prenantes")
@login_required
def stakeholders(slug: str) -> str:
    """The partners as a table, and as a graph around the territory."""
    territory = require_territory_role(slug, *ROLES)
    rows = service.stakeholders_of(territory)
    figure = stakeholder_figure(
        territory.name,
        [Node(s.name, s.kind, s.participation, s.role) for s in rows],
        STAKEHOLDER_KINDS,
        PARTICIPATIONS,
        _("Les parties prenantes autour du territoire"),
    )
    return render_template(
        "synergies/stakeholders.html",
        territory=territory,
        stakeholders=rows,
        figure_json=figure_json(figure) if rows else None,
        kinds=STAKEHOLDER_KINDS,
        participations=PARTICIPATIONS,
        delete_form=DeleteForm(),
        filters=None,
        active="synergies.stakeholders",
    )


def _input(form: StakeholderForm) -> service.StakeholderInput:
    return service.StakeholderInput(
        name=form.name.data or "",
        kind=form.kind.data or "",
        participation=form.participation.data or "",
        role=form.role.data or "",
        skills=form.skills.data or "",
        notes=form.notes.data or "",
    )


def _form_page(
    territory: Territory, form: StakeholderForm, stakeholder: Stakeholder | None, status: int
) -> Page:
    page = render_template(
        "synergies/stakeholder_form.html",
        territory=territory,
        form=form,
        stakeholder=stakeholder,
        filters=None,
        active="synergies.stakeholders",
    )
    return (page, status) if status != 200 else page


@bp.route("/t/<slug>/animation/parties-prenantes/nouvelle", methods=["GET", "POST"])
@login_required
def stakeholder_new(slug: str) -> Page:
    """Add a partner to the map."""
    territory = require_territory_role(slug, *ROLES)
    form = StakeholderForm()
    if request.method == "POST":
        saved = save_posted(
            form,
            lambda: service.add_stakeholder(territory, _input(form)),
            to=url_for("synergies.stakeholders", slug=territory.slug),
            message=lambda added: _("« %(name)s » est ajouté à la carte.", name=added.name),
        )
        return saved or _form_page(territory, form, None, 400)
    return _form_page(territory, form, None, 200)


def _stakeholder_or_404(territory: Territory, stakeholder_id: int) -> Stakeholder:
    found = service.stakeholder_of(territory, stakeholder_id)
    if found is None:
        abort(404)
    return found


@bp.route("/t/<slug>/animation/parties-prenantes/<int:stakeholder_id>", methods=["GET", "POST"])
@login_required
def stakeholder_edit(slug: str, stakeholder_id: int) -> Page:
    """Change a partner's entry."""
    territory = require_territory_role(slug, *ROLES)
    stakeholder = _stakeholder_or_404(territory, stakeholder_id)
    if request.method == "POST":
        form = StakeholderForm()
        saved = save_posted(
            form,
            lambda: service.update_stakeholder(stakeholder, _input(form)),
            to=url_for("synergies.stakeholders", slug=territory.slug),
            message=_("La fiche est enregistrée."),
        )
        return saved or _form_page(territory, form, stakeholder, 400)
    form = StakeholderForm(data=vars(service.as_input(stakeholder)))
    return _form_page(territory, form, stakeholder, 200)


@bp.post("/t/<slug>/animation/parties-prenantes/<int:stakeholder_id>/supprimer")
@login_required
def stakeholder_delete(slug: str, stakeholder_id: int) -> Response:
    """Remove a partner from the map."""
    territory = require_territory_role(slug, *ROLES)
    stakeholder = _stakeholder_or_404(territory, stakeholder_id)
    if not DeleteForm().validate_on_submit():
        abort(400)
    name = stakeholder.name
    service.delete_stakeholder(stakeholder)
    flash(_("« %(name)s » est retiré de la carte.", name=name), "success")
    return redirect(url_for("synergies.stakeholders", slug=territory.slug))
