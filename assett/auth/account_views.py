"""« Mon compte »: the page, the name, and the e-mail address changed through a mailed link."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from .. import rate_limits as limits
from ..models import User
from ..services import account_changes, accounts
from ..services.errors import ServiceError
from . import bp
from .forms import ChangeEmailForm, ChangePasswordForm, DisplayNameForm, EmptyForm
from .notification_views import notifications_form, shown_kinds

Page = str | tuple[str, int] | Response

# The service names the fields of its own vocabulary; the e-mail form names them apart.
EMAIL_FORM_FIELDS = {"email": "new_email", "current_password": "email_password"}


def add_error(form: FlaskForm, error: ServiceError, renamed: dict[str, str] | None = None) -> None:
    """Show a service's refusal next to its field, or at the top of the form."""
    name = (renamed or {}).get(error.field or "", error.field)
    if name and name in form:
        form[name].errors = [*form[name].errors, error.message]
    else:
        form.form_errors.append(error.message)


def _me() -> User:
    return current_user._get_current_object()  # type: ignore[attr-defined,no-any-return]


def account_page(
    password_form: ChangePasswordForm | None = None,
    name_form: DisplayNameForm | None = None,
    email_form: ChangeEmailForm | None = None,
) -> tuple[str, int]:
    """The account page; 400 when the form just posted was refused."""
    submitted = [form for form in (password_form, name_form, email_form) if form is not None]
    refused = any(form.errors or form.form_errors for form in submitted)
    user = _me()
    page = render_template(
        "auth/account.html",
        form=password_form or ChangePasswordForm(formdata=None),
        name_form=name_form or DisplayNameForm(formdata=None, display_name=user.display_name),
        email_form=email_form or ChangeEmailForm(formdata=None),
        organisations=accounts.organisations_of(user),
        roles=accounts.territory_roles_of(user),
        notification_form=notifications_form(user),
        notification_kinds=shown_kinds(user),
    )
    return page, 400 if refused else 200


@bp.post("/compte/nom")
@login_required
def account_name() -> Page:
    """Change the name shown to the other members of the user's organisations."""
    form = DisplayNameForm()
    if form.validate_on_submit():
        try:
            account_changes.set_display_name(_me(), form.display_name.data)
        except ServiceError as error:
            add_error(form, error)
        else:
            flash(_("Votre nom est enregistré."), "success")
            return redirect(url_for("auth.account"))
    return account_page(name_form=form)


@bp.post("/compte/adresse")
@limits.password_failures_per_user
@limits.email_changes_per_user
@login_required
def account_email() -> Page:
    """Ask to change the address: a link goes to the new one, a notice to the current one."""
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            address = account_changes.request_email_change(
                _me(), form.new_email.data, form.email_password.data
            )
        except ServiceError as error:
            add_error(form, error, EMAIL_FORM_FIELDS)
        else:
            flash(
                _(
                    "Un e-mail vient d'être envoyé à %(address)s : ouvrez le lien qu'il "
                    "contient pour confirmer la nouvelle adresse. D'ici là, votre adresse "
                    "reste %(current)s.",
                    address=address,
                    current=_me().email,
                ),
                "success",
            )
            return redirect(url_for("auth.account"))
    return account_page(email_form=form)


@bp.route("/compte/adresse/<token>", methods=["GET", "POST"])
def confirm_email_change(token: str) -> Page:
    """The mailed link: a page with one button (a mail scanner's visit changes nothing)."""
    try:
        change = account_changes.email_change_from_token(token)
    except ServiceError as error:
        return render_template("auth/email_change_invalid.html", message=error.message), 400
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            account_changes.confirm_email_change(token)
        except ServiceError as error:
            return render_template("auth/email_change_invalid.html", message=error.message), 400
        flash(
            _(
                "Votre adresse e-mail est désormais %(address)s : utilisez-la pour vous connecter.",
                address=change.new_address,
            ),
            "success",
        )
        return redirect(url_for("auth.account" if current_user.is_authenticated else "auth.login"))
    return render_template(
        "auth/email_change_confirm.html", form=form, new_address=change.new_address
    )
