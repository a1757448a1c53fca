"""Views of the platform blueprint: territories and their staff."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from ..access import platform_admin_required
from ..models import Territory
from ..rate_limits import invitations_per_user
from ..services import invitations
from ..services import platform as platform_service
from ..services.errors import ServiceError
from ..services.invitations import role_label
from . import bp
from .forms import AppointForm, EditTerritoryForm, NewTerritoryForm, TerritoryForm

Page = str | tuple[str, int] | Response


def _territory_or_404(territory_id: int) -> Territory:
    territory = platform_service.territory_or_none(territory_id)
    if territory is None:
        abort(404)
    return territory


def _uploaded(form: TerritoryForm) -> bytes | None:
    upload = form.logo.data
    if not isinstance(upload, FileStorage) or not upload.filename:
        return None
    # One byte past the limit is enough to refuse a file that is too big.
    data: bytes = upload.stream.read(platform_service.LOGO_MAX_BYTES + 1)
    return data


def _fields(form: TerritoryForm) -> dict[str, Any]:
    return {
        "name": form.name.data,
        "main_colour": form.main_colour.data,
        "contact_email": form.contact_email.data,
        "welcome_text": form.welcome_text.data,
    }


def _status(form: TerritoryForm | AppointForm) -> int:
    return 400 if form.is_submitted() and (form.errors or form.form_errors) else 200


@bp.get("/plateforme/")
@platform_admin_required
def index() -> Page:
    """The territories of the installation."""
    return render_template("platform/index.html", rows=platform_service.territory_rows())


@bp.route("/plateforme/territoires/nouveau", methods=["GET", "POST"])
@platform_admin_required
def territory_new() -> Page:
    """Create a territory: it starts with its own copy of the default questionnaires and
    resources."""
    form = NewTerritoryForm()
    if form.validate_on_submit():
        try:
            territory = platform_service.create_branded_territory(
                form.slug.data or "", _fields(form), _uploaded(form)
            )
        except ServiceError as error:
            form.add_error(error)
        else:
            flash(
                _(
                    "Le territoire « %(name)s » est créé avec les questionnaires et les ressources "
                    "par défaut. Nommez maintenant ses administrateurs.",
                    name=territory.name,
                ),
                "success",
            )
            return redirect(url_for("platform.territory_roles", territory_id=territory.id))
    return render_template("platform/territory_form.html", form=form, territory=None), _status(form)


@bp.route("/plateforme/territoires/<int:territory_id>", methods=["GET", "POST"])
@platform_admin_required
def territory_edit(territory_id: int) -> Page:
    """Change a territory's branding, or close it."""
    territory = _territory_or_404(territory_id)
    form = EditTerritoryForm(obj=territory)
    if form.validate_on_submit():
        fields = _fields(form)
        fields["is_active"] = bool(form.is_active.data)
        fields["reassessment_months"] = form.reassessment_months.data
        try:
            platform_service.update_territory(
                territory, fields, _uploaded(form), remove_logo=bool(form.remove_logo.data)
            )
        except ServiceError as error:
            form.add_error(error)
        else:
            flash(_("Le territoire est enregistré."), "success")
            return redirect(url_for("platform.territory_edit", territory_id=territory.id))
    return render_template("platform/territory_form.html", form=form, territory=territory), _status(
        form
    )


@bp.route("/plateforme/territoires/<int:territory_id>/roles", methods=["GET", "POST"])
@platform_admin_required
@invitations_per_user
def territory_roles(territory_id: int) -> Page:
    """The territory's admins and animators; invite one by e-mail."""
    territory = _territory_or_404(territory_id)
    form = AppointForm()
    new_link = None
    if form.validate_on_submit():
        try:
            new_link = invitations.invite_to_role(
                territory, form.role.data or "", current_user, form.email.data or ""
            )
        except ServiceError as error:
            form.add_error(error)
        else:
            form = AppointForm(formdata=None)
    return render_template(
        "platform/roles.html",
        territory=territory,
        form=form,
        new_link=new_link,
        staff=platform_service.staff_of(territory),
        pending=platform_service.pending_role_invitations(territory),
        role_label=role_label,
    ), _status(form)


@bp.post("/plateforme/territoires/<int:territory_id>/roles/<int:role_id>/retirer")
@platform_admin_required
def role_remove(territory_id: int, role_id: int) -> Page:
    """Withdraw a role."""
    territory = _territory_or_404(territory_id)
    try:
        role, email = platform_service.remove_role(territory, role_id)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(
            _("%(email)s n'est plus %(role)s du territoire.", email=email, role=role_label(role)),
            "success",
        )
    return redirect(url_for("platform.territory_roles", territory_id=territory.id))
