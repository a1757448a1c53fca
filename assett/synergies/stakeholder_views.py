"""The territory's stakeholder map, kept by its admins and animators: table and graph."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from ..access import require_territory_role
from ..charts import figure_json
from ..domain.collective import PARTICIPATIONS, STAKEHOLDER_KINDS
from ..models import Stakeholder
from ..services import stakeholders as service
from ..stakeholder_chart import Node, stakeholder_figure
from . import bp
from .collective_forms import DeleteForm, StakeholderForm
from .records import Records
from .views import Page

ROLES = ("animator", "admin")


def _translated(labels: dict[str, str]) -> dict[str, str]:
    return {key: _(label) for key, label in labels.items()}


@bp.get("/t/<slug>/animation/parties-prenantes")
@login_required
def stakeholders(slug: str) -> str:
    """The partners as a table, and as a graph around the territory."""
    territory = require_territory_role(slug, *ROLES)
    rows = service.stakeholders_of(territory)
    figure = stakeholder_figure(
        territory.name,
        [Node(s.name, s.kind, s.participation, s.role) for s in rows],
        _translated(STAKEHOLDER_KINDS),
        _translated(PARTICIPATIONS),
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


RECORDS: Records[Stakeholder] = Records(
    template="synergies/stakeholder_form.html",
    name="stakeholder",
    listing="synergies.stakeholders",
    find=service.stakeholder_of,
)


@bp.route("/t/<slug>/animation/parties-prenantes/nouvelle", methods=["GET", "POST"])
@login_required
def stakeholder_new(slug: str) -> Page:
    """Add a partner to the map."""
    territory = require_territory_role(slug, *ROLES)
    form = StakeholderForm()
    return RECORDS.form(
        territory,
        form,
        None,
        lambda: service.add_stakeholder(territory, _input(form)),
        lambda added: _("« %(name)s » est ajouté à la carte.", name=added.name),
    )


@bp.route("/t/<slug>/animation/parties-prenantes/<int:stakeholder_id>", methods=["GET", "POST"])
@login_required
def stakeholder_edit(slug: str, stakeholder_id: int) -> Page:
    """Change a partner's entry."""
    territory = require_territory_role(slug, *ROLES)
    stakeholder = RECORDS.one_or_404(territory, stakeholder_id)
    if request.method == "POST":
        form = StakeholderForm()
    else:
        form = StakeholderForm(data=vars(service.as_input(stakeholder)))
    return RECORDS.form(
        territory,
        form,
        stakeholder,
        lambda: service.update_stakeholder(stakeholder, _input(form)),
        _("La fiche est enregistrée."),
    )


@bp.post("/t/<slug>/animation/parties-prenantes/<int:stakeholder_id>/supprimer")
@login_required
def stakeholder_delete(slug: str, stakeholder_id: int) -> Response:
    """Remove a partner from the map."""
    territory = require_territory_role(slug, *ROLES)
    stakeholder = RECORDS.one_or_404(territory, stakeholder_id)
    return RECORDS.delete(
        territory,
        lambda: service.delete_stakeholder(stakeholder),
        _("« %(name)s » est retiré de la carte.", name=stakeholder.name),
    )
