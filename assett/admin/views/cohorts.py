"""Territory admin: cohorts, named groups of organisations the dashboard can filter on."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from ...access import require_territory_role
from ...models import Cohort, Territory
from ...services import cohorts as service
from ...services.errors import ServiceError
from .. import bp
from ..cohort_forms import CohortForm, EmptyForm, MemberForm
from .resources import admin_home_url

Page = str | tuple[str, int] | Response


def _cohort_or_404(territory: Territory, cohort_id: int) -> Cohort:
    cohort = service.cohort_or_none(territory, cohort_id)
    if cohort is None:
        abort(404)
    return cohort


def _status(form: CohortForm) -> int:
    return 400 if form.is_submitted() and (form.errors or form.form_errors) else 200


def _search_text() -> str:
    """The words searched for, without control characters (a NUL names no organisation)."""
    text = "".join(char for char in request.values.get("q", "") if char.isprintable())
    return " ".join(text.split())[:200]


@bp.get("/cohortes")
@login_required
def cohorts(slug: str) -> Page:
    """The territory's cohorts and their number of organisations."""
    territory = require_territory_role(slug, "admin")
    return render_template(
        "admin/cohorts/list.html",
        territory=territory,
        rows=service.cohorts_of(territory),
        admin_home=admin_home_url(territory),
    )


@bp.route("/cohortes/nouvelle", methods=["GET", "POST"])
@login_required
def cohort_new(slug: str) -> Page:
    """Create a cohort, then add its organisations."""
    territory = require_territory_role(slug, "admin")
    form = CohortForm()
    if form.validate_on_submit():
        try:
            cohort = service.create_cohort(
                territory, form.name.data or "", form.description.data or ""
            )
        except ServiceError as error:
            form.add_error(error)
        else:
            flash(
                _(
                    "La cohorte « %(name)s » est créée : ajoutez-y des organisations.",
                    name=cohort.name,
                ),
                "success",
            )
            return redirect(url_for("admin.cohort_edit", slug=slug, cohort_id=cohort.id))
    return render_template(
        "admin/cohorts/new.html",
        territory=territory,
        form=form,
        admin_home=admin_home_url(territory),
    ), _status(form)


@bp.route("/cohortes/<int:cohort_id>", methods=["GET", "POST"])
@login_required
def cohort_edit(slug: str, cohort_id: int) -> Page:
    """A cohort: rename it, see its organisations, search the territory's to add them."""
    territory = require_territory_role(slug, "admin")
    cohort = _cohort_or_404(territory, cohort_id)
    form = CohortForm(obj=cohort)
    if form.validate_on_submit():
        try:
            service.rename_cohort(cohort, form.name.data or "", form.description.data or "")
        except ServiceError as error:
            form.add_error(error)
        else:
            flash(_("La cohorte est enregistrée."), "success")
            return redirect(url_for("admin.cohort_edit", slug=slug, cohort_id=cohort.id))
    query = _search_text()
    return render_template(
        "admin/cohorts/edit.html",
        territory=territory,
        cohort=cohort,
        form=form,
        members=service.members(cohort),
        query=query,
        found=service.search_organisations(territory, query, cohort) if query else [],
        search_limit=service.SEARCH_LIMIT,
        admin_home=admin_home_url(territory),
        dashboard=url_for("dashboard.overview", slug=slug, cohort=cohort.id)
        if "dashboard.overview" in current_app.view_functions
        else None,
    ), _status(form)


def _back_to(slug: str, cohort: Cohort) -> Response:
    query = _search_text()
    return redirect(
        url_for("admin.cohort_edit", slug=slug, cohort_id=cohort.id, q=query or None) + "#membres"
    )


@bp.post("/cohortes/<int:cohort_id>/ajouter")
@login_required
def cohort_add_member(slug: str, cohort_id: int) -> Page:
    """Put an organisation of the territory in the cohort."""
    territory = require_territory_role(slug, "admin")
    cohort = _cohort_or_404(territory, cohort_id)
    form = MemberForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        organisation = service.add_member(cohort, form.organisation())
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(_("« %(name)s » fait partie de la cohorte.", name=organisation.name), "success")
    return _back_to(slug, cohort)


@bp.post("/cohortes/<int:cohort_id>/retirer")
@login_required
def cohort_remove_member(slug: str, cohort_id: int) -> Page:
    """Take an organisation out of the cohort."""
    territory = require_territory_role(slug, "admin")
    cohort = _cohort_or_404(territory, cohort_id)
    form = MemberForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        organisation = service.remove_member(cohort, form.organisation())
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(
            _("« %(name)s » ne fait plus partie de la cohorte.", name=organisation.name),
            "success",
        )
    return _back_to(slug, cohort)


@bp.route("/cohortes/<int:cohort_id>/supprimer", methods=["GET", "POST"])
@login_required
def cohort_delete(slug: str, cohort_id: int) -> Page:
    """Ask, then delete a cohort (its organisations stay)."""
    territory = require_territory_role(slug, "admin")
    cohort = _cohort_or_404(territory, cohort_id)
    form = EmptyForm()
    if form.validate_on_submit():
        name = cohort.name
        service.delete_cohort(cohort)
        flash(_("La cohorte « %(name)s » est supprimée.", name=name), "success")
        return redirect(url_for("admin.cohorts", slug=slug))
    return render_template(
        "admin/cohorts/delete.html",
        territory=territory,
        cohort=cohort,
        form=form,
        member_count=len(service.members(cohort)),
        admin_home=admin_home_url(territory),
    )
