"""Collective actions (« actions vitrines »): the animators' pages and the public listing."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from ..access import require_territory_role, territory_or_404
from ..domain.collective import STATUSES, THEMES, figures_text
from ..domain.flows import format_figure
from ..models import CollectiveAction
from ..services import collective_actions as service
from . import bp
from .collective_forms import CollectiveActionForm, DeleteForm
from .records import Records
from .views import Page

ROLES = ("animator", "admin")


@bp.get("/t/<slug>/animation/actions-collectives")
@login_required
def collective_actions(slug: str) -> str:
    """The territory's collective actions, with every participant."""
    territory = require_territory_role(slug, *ROLES)
    actions = service.actions_of(territory)
    return render_template(
        "synergies/collective_actions.html",
        territory=territory,
        actions=actions,
        participants=service.participants([a.id for a in actions]),
        themes=THEMES,
        statuses=STATUSES,
        format_figure=format_figure,
        delete_form=DeleteForm(),
        filters=None,
        active="synergies.collective_actions",
    )


def _input(form: CollectiveActionForm) -> service.ActionInput:
    return service.ActionInput(
        title=form.title.data or "",
        theme=form.theme.data or "",
        status=form.status.data or "",
        description=form.description.data or "",
        started_on=form.started_on.data,
        ended_on=form.ended_on.data,
        results=form.results.data or "",
        figures=form.figures.data or "",
        participants=form.participants.data or "",
        is_public=bool(form.is_public.data),
    )


RECORDS: Records[CollectiveAction] = Records(
    template="synergies/collective_action_form.html",
    name="action",
    listing="synergies.collective_actions",
    find=service.action_of,
)


@bp.route("/t/<slug>/animation/actions-collectives/nouvelle", methods=["GET", "POST"])
@login_required
def collective_action_new(slug: str) -> Page:
    """Start a collective action."""
    territory = require_territory_role(slug, *ROLES)
    form = CollectiveActionForm()
    return RECORDS.form(
        territory,
        form,
        None,
        lambda: service.add_action(territory, _input(form)),
        lambda action: _("L'action « %(title)s » est enregistrée.", title=action.title),
    )


@bp.route("/t/<slug>/animation/actions-collectives/<int:collective_id>", methods=["GET", "POST"])
@login_required
def collective_action_edit(slug: str, collective_id: int) -> Page:
    """Change an action: status, participants, results."""
    territory = require_territory_role(slug, *ROLES)
    action = RECORDS.one_or_404(territory, collective_id)
    if request.method == "POST":
        form = CollectiveActionForm()
    else:
        people = service.participants([action.id])[action.id]
        form = CollectiveActionForm(
            data={
                "title": action.title,
                "theme": action.theme,
                "status": action.status,
                "description": action.description,
                "started_on": action.started_on,
                "ended_on": action.ended_on,
                "results": action.results,
                "figures": figures_text(action.figures),
                "participants": service.participants_text(people),
                "is_public": action.is_public,
            }
        )
    return RECORDS.form(
        territory,
        form,
        action,
        lambda: service.update_action(territory, action, _input(form)),
        _("L'action est enregistrée."),
    )


@bp.post("/t/<slug>/animation/actions-collectives/<int:collective_id>/supprimer")
@login_required
def collective_action_delete(slug: str, collective_id: int) -> Response:
    """Delete an action."""
    territory = require_territory_role(slug, *ROLES)
    action = RECORDS.one_or_404(territory, collective_id)
    return RECORDS.delete(
        territory,
        lambda: service.delete_action(action),
        _("L'action « %(title)s » est supprimée.", title=action.title),
    )


@bp.get("/t/<slug>/actions-collectives")
def public_collective_actions(slug: str) -> str:
    """The territory's public collective actions: public participants named, others counted."""
    territory = territory_or_404(slug)
    return render_template(
        "synergies/public_actions.html",
        territory=territory,
        actions=service.public_actions(territory),
        themes=THEMES,
        statuses=STATUSES,
        format_figure=format_figure,
    )
