"""Forms of the auth blueprint; the password policy lives in passwords.password_problem."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import InputRequired, Length

from ..services.passwords import MIN_LENGTH

EMAIL_REQUIRED = _l("Indiquez votre adresse e-mail.")
PASSWORD_REQUIRED = _l("Indiquez votre mot de passe.")
NEW_PASSWORD_HELP = _l(
    "Au moins %(count)s caractères ; évitez les mots de passe courants. "
    "Une phrase de plusieurs mots est facile à retenir et difficile à deviner.",
    count=MIN_LENGTH,
)


def _email_field(autocomplete: str = "email") -> EmailField:
    return EmailField(
        _l("Adresse e-mail"),
        validators=[InputRequired(EMAIL_REQUIRED), Length(max=254)],
        render_kw={"autocomplete": autocomplete, "spellcheck": "false"},
    )


def _new_password_fields(label: LazyString) -> tuple[PasswordField, PasswordField]:
    password = PasswordField(
        label,
        validators=[InputRequired(_l("Choisissez un mot de passe."))],
        description=NEW_PASSWORD_HELP,
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Confirmation du mot de passe"),
        validators=[InputRequired(_l("Saisissez à nouveau le mot de passe."))],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


class SignupForm(FlaskForm):
    email = _email_field()


class SignupConfirmForm(FlaskForm):
    password, confirm = _new_password_fields(_l("Mot de passe"))


class LoginForm(FlaskForm):
    email = _email_field("username")
    password = PasswordField(
        _l("Mot de passe"),
        validators=[InputRequired(PASSWORD_REQUIRED)],
        render_kw={"autocomplete": "current-password"},
    )


class ForgotPasswordForm(FlaskForm):
    email = _email_field()


class ResetPasswordForm(FlaskForm):
    password, confirm = _new_password_fields(_l("Nouveau mot de passe"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Mot de passe actuel"),
        validators=[InputRequired(_l("Indiquez votre mot de passe actuel."))],
        render_kw={"autocomplete": "current-password"},
    )
    password, confirm = _new_password_fields(_l("Nouveau mot de passe"))
