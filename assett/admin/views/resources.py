"""Territory admin: the resource base (list, add, edit, delete, reach and openings)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from ...access import require_territory_role
from ...clock import local_today
from ...models import Resource, Territory
from ...services import national_library, resource_base
from ...services.errors import ServiceError
from ...services.resources import OFFER_TYPE_LABELS
from .. import bp
from ..resource_forms import ResourceForm, resource_form
from ._confirm import confirmation_page, confirmed

Page = str | tuple[str, int] | Response

REACHED_NAMES_SHOWN = 200


def admin_home_url(territory: Territory) -> str | None:
    """The admin home page's address, once that page exists."""
    if "admin.home" in current_app.view_functions:
        return url_for("admin.home", slug=territory.slug)
    return None


def _resource_or_404(territory: Territory, resource_id: int) -> Resource:
    resource = resource_base.territory_resource_or_none(territory, resource_id)
    if resource is None:
        abort(404)
    return resource


def _labels(territory: Territory) -> dict[str, dict[str, str]]:
    return {
        "themes": {c.key: c.label for c in resource_base.theme_choices(territory)},
        "levels": {c.key: c.label for c in resource_base.level_choices(territory)},
        "needs": {c.key: c.label for c in resource_base.need_choices()},
        "types": {key: str(label) for key, label in OFFER_TYPE_LABELS.items()},
    }


def _render_form(
    territory: Territory, form: ResourceForm, resource: Resource | None = None, **context: object
) -> tuple[str, int]:
    status = 400 if form.is_submitted() and (form.errors or form.form_errors) else 200
    return (
        render_template(
            "admin/resources/form.html",
            territory=territory,
            form=form,
            resource=resource,
            providers=resource_base.PROVIDER_SUGGESTIONS,
            admin_home=admin_home_url(territory),
            **context,
        ),
        status,
    )


@bp.get("/ressources")
@login_required
def resources(slug: str) -> Page:
    """The territory's resources with their reach in openings."""
    territory = require_territory_role(slug, "admin")
    return render_template(
        "admin/resources/list.html",
        territory=territory,
        resources=resource_base.territory_resources(territory),
        opens=resource_base.open_counts(territory),
        origins=national_library.origins(territory, "resource"),
        labels=_labels(territory),
        admin_home=admin_home_url(territory),
        today=local_today(),
    )


@bp.route("/ressources/nouvelle", methods=["GET", "POST"])
@login_required
def resource_new(slug: str) -> Page:
    """Add a resource."""
    territory = require_territory_role(slug, "admin")
    form = resource_form(territory)
    if form.validate_on_submit():
        try:
            resource = resource_base.create_resource(territory, form.values())
        except ServiceError as error:
            form.add_error(error)
        else:
            flash(_("La ressource « %(title)s » est ajoutée.", title=resource.title), "success")
            return redirect(url_for("admin.resources", slug=territory.slug))
    return _render_form(territory, form)


@bp.route("/ressources/<int:resource_id>", methods=["GET", "POST"])
@login_required
def resource_edit(slug: str, resource_id: int) -> Page:
    """Edit a resource; see which organisations it reaches today and how many opened it."""
    territory = require_territory_role(slug, "admin")
    resource = _resource_or_404(territory, resource_id)
    form = resource_form(territory, resource)
    if form.validate_on_submit():
        try:
            resource_base.update_resource(resource, form.values())
        except ServiceError as error:
            form.add_error(error)
        else:
            flash(_("La ressource est enregistrée."), "success")
            return redirect(
                url_for("admin.resource_edit", slug=territory.slug, resource_id=resource.id)
            )
    reached = resource_base.organisations_reached(resource)
    # Being reached reveals a band: only organisations that share their results are named.
    named = [org for org in reached if org.sharing != "private"]
    return _render_form(
        territory,
        form,
        resource,
        reached=named[:REACHED_NAMES_SHOWN],
        reached_count=len(reached),
        reached_private=len(reached) - len(named),
        opened_count=resource_base.opened_by_count(resource),
    )


@bp.post("/ressources/<int:resource_id>/supprimer")
@login_required
def resource_delete(slug: str, resource_id: int) -> Page:
    """Delete a resource."""
    territory = require_territory_role(slug, "admin")
    resource = _resource_or_404(territory, resource_id)
    title = resource.title
    if not confirmed():
        return confirmation_page(
            territory,
            title=_("Supprimer la ressource « %(title)s » ?", title=title),
            consequences=[
                _(
                    "Elle disparaîtra du catalogue et des recommandations des organisations ; "
                    "cette suppression est définitive."
                )
            ],
            button=_("Supprimer la ressource"),
            cancel_url=url_for("admin.resources", slug=territory.slug),
        )
    resource_base.delete_resource(resource)
    flash(_("La ressource « %(title)s » est supprimée.", title=title), "success")
    return redirect(url_for("admin.resources", slug=territory.slug))
