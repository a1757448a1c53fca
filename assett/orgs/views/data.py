"""Data rights: export an organisation's data, delete one's account."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required, logout_user
from werkzeug.wrappers import Response

from ...access import member_org_or_404
from ...models._base import utcnow
from ...rate_limits import password_failures_per_user
from ...services import data_export_files, data_rights
from ...services.errors import ServiceError
from ...services.organisations import organisations_left_without_members
from ...services.passwords import verify_password
from .. import bp
from ..forms import delete_account_form
from ._helpers import me, show_errors

Page = str | Response | tuple[str, int]

EXPORT_TYPES = {"json": "application/json", "zip": "application/zip"}


@bp.get("/o/<int:org_id>/export.<fmt>")
@login_required
def export(org_id: int, fmt: str) -> Response:
    """Download all of the organisation's data as JSON or as a ZIP of CSV files."""
    organisation = member_org_or_404(org_id)
    if fmt not in EXPORT_TYPES:
        abort(404)
    body: str | bytes = (
        data_rights.export_json(organisation)
        if fmt == "json"
        else data_export_files.export_zip(organisation)
    )
    filename = f"assett-organisation-{organisation.id}-{utcnow():%Y-%m-%d}.{fmt}"
    response = Response(body, mimetype=EXPORT_TYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/compte/supprimer", methods=["GET", "POST"])
@login_required
@password_failures_per_user
def delete_account() -> Page:
    """Delete one's account after confirming the password; say what becomes of orphaned orgs."""
    user = me()
    orphaned = organisations_left_without_members(user)
    form = delete_account_form(orphaned)
    if form.validate_on_submit():
        if not verify_password(user.password_hash, form.password.data or ""):
            show_errors(form, ServiceError(_("Le mot de passe est incorrect."), "password"))
        else:
            decisions = {o.id: form[f"org_{o.id}"].data for o in orphaned}
            try:
                data_rights.delete_account(user, decisions)
            except ServiceError as error:
                show_errors(form, error)
            else:
                logout_user()
                flash(_("Votre compte est supprimé. Merci d'avoir utilisé l'outil."), "success")
                return redirect(url_for("main.index"))
    status = 400 if form.is_submitted() else 200
    return render_template("orgs/delete_account.html", form=form, orphaned=orphaned), status
