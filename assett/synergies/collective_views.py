"""Collective actions (« actions vitrines »): the animators' pages and the public listing."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from ..access import require_territory_role, territory_or_404
from ..domain.collective import STATUSES, THEMES, figures_text
from ..domain.flows import format_figure
from ..forms import save_posted
from ..models import CollectiveAction, Territory
from ..services import collective_actions as service
from . import bp
from .collective_forms import CollectiveActionForm, DeleteForm
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


def _form_page(
    territory: Territory, form: CollectiveActionForm, action: CollectiveAction | None, status: int
) -> Page:
    page = render_template(
        "synergies/collective_action_form.html",
        territory=territory,
        form=form,
        action=action,
        filters=None,
        active="synergies.collective_actions",
    )
    return (page, status) if status != 200 else page


@bp.route("/t/<slug>/animation/actions-collectives/nouvelle", methods=["GET", "POST"])
@login_required
def collective_action_new(slug: str) -> Page:
    """Start a collective action."""
    territory = require_territory_role(slug, *ROLES)
    form = CollectiveActionForm()
    if request.method == "POST":
        saved = save_posted(
            form,
            lambda: service.add_action(territory, _input(form)),
            to=url_for("synergies.collective_actions", slug=territory.slug),
            message=lambda action: _("L'action « %(title)s » est enregistrée.", title=action.title),
        )
        return saved or _form_page(territory, form, None, 400)
    return _form_page(territory, form, None, 200)


def _action_or_404(territory: Territory, action_id: int) -> CollectiveAction:
    action = service.action_of(territory, action_id)
    if action is None:
        abort(404)
    return action


@bp.route("/t/<slug>/animation/actions-collectives/<int:collective_id>", methods=["GET", "POST"])
@login_required
def collective_action_edit(slug: str, collective_id: int) -> Page:
    """Change an action: status, participants, results."""
    territory = require_territory_role(slug, *ROLES)
    action = _action_or_404(territory, collective_id)
    if request.method == "POST":
        form = CollectiveActionForm()
        saved = save_posted(
            form,
            lambda: service.update_action(territory, action, _input(form)),
            to=url_for("synergies.collective_actions", slug=territory.slug),
            message=_("L'action est enregistrée."),
        )
        return saved or _form_page(territory, form, action, 400)
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
    return _form_page(territory, form, action, 200)


@bp.post("/t/<slug>/animation/actions-collectives/<int:collective_id>/supprimer")
@login_required
def collective_action_delete(slug: str, collective_id: int) -> Response:
    """Delete an action."""
    territory = require_territory_role(slug, *ROLES)
    action = _action_or_404(territory, collective_id)
    if not DeleteForm().validate_on_submit():
        abort(400)
    title = action.title
    service.delete_action(action)
    flash(_("L'action « %(title)s » est supprimée.", title=title), "success")
    return redirect(url_for("synergies.collective_actions", slug=territory.slug))


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
