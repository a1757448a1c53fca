"""Views of the auth blueprint: sign up, log in and out, password reset, account."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from .. import rate_limits as limits
from ..access import territory_or_404
from ..i18n import language as page_language
from ..models import User
from ..services import accounts, oidc_client
from ..services.errors import ServiceError
from ..services.mail import absolute_url
from ..services.sessions import end_session, start_session
from . import bp
from .account_views import account_page
from .forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    ResetPasswordForm,
    SignupConfirmForm,
    SignupForm,
)

Page = str | tuple[str, int] | Response

# Session keys of a ProConnect login: the ID token (the provider's logout needs it as a hint)
# and the state of a logout sent to the provider.
ID_TOKEN_KEY = "proconnect_id_token"  # noqa: S105 - a session key, not a secret
LOGOUT_STATE_KEY = "proconnect_logout_state"


def _log_in(user: User) -> None:
    """Open the session and give the browser a new CSRF token (one seen before login dies)."""
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    session.pop(field, None)
    g.pop(field, None)
    start_session(user)


def safe_next(target: str | None) -> str | None:
    """The target if it is a relative path on this site, else None (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(ord(char) < 32 or char == "\\" for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def _next_url() -> str | None:
    return safe_next(request.values.get("next"))


def _add_error(form: FlaskForm, error: ServiceError) -> None:
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, error.message]
    else:
        form.form_errors.append(error.message)


def _render(template: str, form: FlaskForm, **context: object) -> tuple[str, int]:
    status = 400 if form.is_submitted() and (form.errors or form.form_errors) else 200
    return render_template(template, form=form, **context), status


@bp.route("/t/<slug>/inscription", methods=["GET", "POST"])
@limits.signups_per_address
@limits.mails_per_recipient
def signup(slug: str) -> Page:
    """Ask for an e-mail address; the link sent there finishes the sign-up."""
    territory = territory_or_404(slug)
    next_url = _next_url()
    if current_user.is_authenticated:
        return redirect(next_url or url_for("main.home"))
    form = SignupForm()
    if form.validate_on_submit():
        try:
            # The answer is the same whether the address has an account or not: its owner is
            # told by e-mail, so the form cannot be used to find out who is registered.
            address = accounts.request_signup(form.email.data, territory, next_url)
        except ServiceError as error:
            _add_error(form, error)
        else:
            return render_template("auth/signup_sent.html", territory=territory, address=address)
    return _render(
        "auth/signup.html",
        form,
        territory=territory,
        next_url=next_url,
        proconnect=oidc_client.settings_from(current_app.config) is not None,
    )


@bp.route("/t/<slug>/inscription/<token>", methods=["GET", "POST"])
@limits.signups_per_address
def signup_confirm(slug: str, token: str) -> Page:
    """Choose a password from the e-mailed link: the account is created and logged in."""
    territory = territory_or_404(slug)
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    try:
        address, next_url = accounts.signup_from_token(token)
    except ServiceError as error:
        return render_template(
            "auth/signup_invalid.html", territory=territory, message=error.message
        ), 400
    form = SignupConfirmForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                address,
                form.password.data,
                form.confirm.data,
                display_name=form.display_name.data,
                language=page_language(),
            )
        except ServiceError as error:
            _add_error(form, error)
        else:
            _log_in(user)
            flash(_("Votre compte est créé. Bienvenue !"), "success")
            return redirect(safe_next(next_url) or url_for("orgs.create", slug=territory.slug))
    return _render("auth/signup_confirm.html", form, territory=territory, address=address)


@bp.route("/connexion", methods=["GET", "POST"])
@limits.login_failures_per_account
@limits.login_failures_per_address
def login() -> Page:
    """Log in with e-mail and password."""
    next_url = _next_url()
    if current_user.is_authenticated:
        return redirect(next_url or url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            _log_in(user)
            return redirect(next_url or url_for("main.home"))
        form.form_errors.append(_("Adresse e-mail ou mot de passe incorrect."))
    return _render(
        "auth/login.html",
        form,
        next_url=next_url,
        signup_territory=accounts.signup_territory(),
        proconnect=oidc_client.settings_from(current_app.config) is not None,
    )


@bp.post("/deconnexion")
def logout() -> Response:
    """End the server-side session, so the cookie is worthless even if copied; after a
    ProConnect login, end the provider's session too."""
    id_token = session.pop(ID_TOKEN_KEY, None)
    if current_user.is_authenticated:
        end_session(current_user)
        flash(_("Vous êtes déconnecté."), "success")
    settings = oidc_client.settings_from(current_app.config)
    if isinstance(id_token, str) and settings is not None:
        state = secrets.token_urlsafe(24)
        url = oidc_client.end_session_url(
            settings, id_token, absolute_url("auth.proconnect_logged_out"), state
        )
        if url is not None:
            session[LOGOUT_STATE_KEY] = state
            return redirect(url)
    return redirect(url_for("main.index"))


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@limits.resets_per_address
@limits.mails_per_recipient
def forgot_password() -> Page:
    """Ask for a reset link; the answer never tells whether the address has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        accounts.send_reset_link(form.email.data)
        flash(
            _(
                "Si un compte existe avec cette adresse, un e-mail contenant un lien pour "
                "choisir un nouveau mot de passe vient d'être envoyé."
            ),
            "success",
        )
        return redirect(url_for("auth.login"))
    return _render("auth/forgot_password.html", form)


@bp.route("/reinitialiser/<token>", methods=["GET", "POST"])
@limits.resets_per_address
def reset_password(token: str) -> Page:
    """Choose a new password from an e-mailed link; every session of the account ends."""
    try:
        accounts.user_for_reset_token(token)
    except ServiceError as error:
        return render_template("auth/reset_invalid.html", message=error.message), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(token, form.password.data, form.confirm.data)
        except ServiceError as error:
            if error.field is None:
                return render_template("auth/reset_invalid.html", message=error.message), 400
            _add_error(form, error)
        else:
            if current_user.is_authenticated:
                logout_user()
            flash(
                _(
                    "Votre mot de passe a été modifié et toutes vos sessions ont été fermées. "
                    "Connectez-vous avec votre nouveau mot de passe."
                ),
                "success",
            )
            return redirect(url_for("auth.login"))
    return _render("auth/reset_password.html", form)


@bp.route("/compte", methods=["GET", "POST"])
@limits.password_failures_per_user
@login_required
def account() -> Page:
    """The user's account: name, e-mail, password change, organisations and roles."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(
                current_user, form.current_password.data, form.password.data, form.confirm.data
            )
        except ServiceError as error:
            _add_error(form, error)
        else:
            flash(
                _("Votre mot de passe a été modifié. Vos autres sessions ont été fermées."),
                "success",
            )
            return redirect(url_for("auth.account"))
    return account_page(password_form=form if form.is_submitted() else None)
