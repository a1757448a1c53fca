"""Views of the auth blueprint: sign up, log in and out, password reset, account."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from ..access import territory_or_404
from ..extensions import limiter
from ..services import accounts
from ..services.errors import ServiceError
from ..services.sessions import end_session, start_session
from . import bp
from .forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, ResetPasswordForm, SignupForm

Page = str | tuple[str, int] | Response


def _rate_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def _too_many_attempts() -> str:
    return _("Trop de tentatives : réessayez dans quelques minutes.")


# Brute force is slowed down on every form that checks or sends a secret; GET stays free.
rate_limited = limiter.limit(_rate_limit, methods=["POST"], error_message=_too_many_attempts)


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
def signup(slug: str) -> Page:
    """Create an account on a territory, then log in."""
    territory = territory_or_404(slug)
    next_url = _next_url()
    if current_user.is_authenticated:
        return redirect(next_url or url_for("main.home"))
    form = SignupForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(form.email.data, form.password.data, form.confirm.data)
        except ServiceError as error:
            _add_error(form, error)
        else:
            start_session(user)
            flash(_("Votre compte est créé. Bienvenue !"), "success")
            return redirect(next_url or url_for("orgs.create", slug=territory.slug))
    return _render("auth/signup.html", form, territory=territory, next_url=next_url)


@bp.route("/connexion", methods=["GET", "POST"])
@rate_limited
def login() -> Page:
    """Log in with e-mail and password."""
    next_url = _next_url()
    if current_user.is_authenticated:
        return redirect(next_url or url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            start_session(user)
            return redirect(next_url or url_for("main.home"))
        form.form_errors.append(_("Adresse e-mail ou mot de passe incorrect."))
    return _render(
        "auth/login.html", form, next_url=next_url, signup_territory=accounts.signup_territory()
    )


@bp.post("/deconnexion")
def logout() -> Response:
    """End the server-side session, so the cookie is worthless even if copied."""
    if current_user.is_authenticated:
        end_session(current_user)
        flash(_("Vous êtes déconnecté."), "success")
    return redirect(url_for("main.index"))


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@rate_limited
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
@rate_limited
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
@rate_limited
@login_required
def account() -> Page:
    """The user's account: e-mail, password change, organisations and roles."""
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
    return _render(
        "auth/account.html",
        form,
        organisations=accounts.organisations_of(current_user),
        roles=accounts.territory_roles_of(current_user),
    )
