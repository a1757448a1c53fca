"""Forms of the auth blueprint; the password policy lives in passwords.password_problem."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import InputRequired

from ..forms import BaseForm
from ..services.accounts import NAME_MAX
from ..services.notifications import KIND_LABELS
from ..services.passwords import MIN_LENGTH
from ..validators import MaxLength, SingleLine

# Long enough for any pass phrase, short enough that hashing it costs nothing unusual.
PASSWORD_MAX = 1000

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
        validators=[InputRequired(EMAIL_REQUIRED), MaxLength(254)],
        render_kw={"autocomplete": autocomplete, "spellcheck": "false"},
    )


def _new_password_fields(label: LazyString) -> tuple[PasswordField, PasswordField]:
    password = PasswordField(
        label,
        validators=[InputRequired(_l("Choisissez un mot de passe.")), MaxLength(PASSWORD_MAX)],
        description=NEW_PASSWORD_HELP,
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Confirmation du mot de passe"),
        validators=[
            InputRequired(_l("Saisissez à nouveau le mot de passe.")),
            MaxLength(PASSWORD_MAX),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


def _name_field() -> StringField:
    return StringField(
        _l("Votre nom"),
        description=_l(
            "Prénom et nom, tels que les autres membres de votre organisation les verront."
        ),
        validators=[
            InputRequired(_l("Indiquez votre nom.")),
            SingleLine(_l("Le nom doit tenir sur une seule ligne.")),
            MaxLength(NAME_MAX),
        ],
        render_kw={"autocomplete": "name"},
    )


def _current_password_field() -> PasswordField:
    return PasswordField(
        _l("Mot de passe actuel"),
        validators=[
            InputRequired(_l("Indiquez votre mot de passe actuel.")),
            MaxLength(PASSWORD_MAX),
        ],
        render_kw={"autocomplete": "current-password"},
    )


class SignupForm(BaseForm):
    email = _email_field()


class SignupConfirmForm(BaseForm):
    display_name = _name_field()
    password, confirm = _new_password_fields(_l("Mot de passe"))


class LoginForm(BaseForm):
    email = _email_field("username")
    password = PasswordField(
        _l("Mot de passe"),
        validators=[InputRequired(PASSWORD_REQUIRED), MaxLength(PASSWORD_MAX)],
        render_kw={"autocomplete": "current-password"},
    )


class ForgotPasswordForm(BaseForm):
    email = _email_field()


class ResetPasswordForm(BaseForm):
    password, confirm = _new_password_fields(_l("Nouveau mot de passe"))


class ChangePasswordForm(BaseForm):
    current_password = _current_password_field()
    password, confirm = _new_password_fields(_l("Nouveau mot de passe"))


class DisplayNameForm(BaseForm):
    display_name = _name_field()


class ChangeEmailForm(BaseForm):
    # Named apart from the password form's fields: both are on the account page.
    new_email = EmailField(
        _l("Nouvelle adresse e-mail"),
        description=_l(
            "Un lien de confirmation y sera envoyé : votre adresse ne change qu'une fois ce "
            "lien ouvert."
        ),
        validators=[InputRequired(_l("Indiquez la nouvelle adresse e-mail.")), MaxLength(254)],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )
    email_password = _current_password_field()


class EmptyForm(BaseForm):
    """Only the CSRF token, for a page's single button."""


class NotificationsForm(BaseForm):
    """One checkbox per kind of reminder mail (every kind is on until turned off)."""

    action_due = BooleanField(KIND_LABELS["action_due"])
    action_overdue = BooleanField(KIND_LABELS["action_overdue"])
    reassessment = BooleanField(KIND_LABELS["reassessment"])
    weekly_digest = BooleanField(KIND_LABELS["weekly_digest"])
    synergy_news = BooleanField(KIND_LABELS["synergy_news"])
    synergy_next_step = BooleanField(KIND_LABELS["synergy_next_step"])
    event_reminder = BooleanField(KIND_LABELS["event_reminder"])
