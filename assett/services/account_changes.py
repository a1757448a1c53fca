"""Changes a user makes to their own account: their name, and their e-mail address by link."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import User
from . import passwords
from .accounts import (
    _duration,
    _signed_data,
    clean_display_name,
    find_user_by_email,
    normalise_email,
)
from .errors import ServiceError
from .mail import absolute_url, send_mail, written_for
from .unit_of_work import transaction

EMAIL_CHANGE_SALT = "assett.email-change"


def set_display_name(user: User, value: str | None) -> None:
    """Change the name the user's organisations see in their members list."""
    name = clean_display_name(value)
    with transaction():
        user.display_name = name


# The e-mail address: a link sent to the new address proves it is read by the account's owner.


def _email_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=EMAIL_CHANGE_SALT)


def _account_fingerprint(user: User) -> str:
    # Changes with the address and the password: a used link, a link made before another
    # change, or one made before a password reset no longer works.
    material = f"{user.email.lower()}\n{user.password_hash}"
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:24]


def make_email_change_token(user: User, new_address: str) -> str:
    """A signed, time-limited, single-use token to move this account to `new_address`."""
    return _email_serializer().dumps(
        {"u": user.id, "e": new_address, "f": _account_fingerprint(user)}
    )


def request_email_change(user: User, new_email: str, current_password: str) -> str:
    """Check the password, then mail a confirmation link to the new address; return it.

    The answer is the same whether another account has the new address or not (as sign-up
    answers): that account's owner is told by e-mail instead, and no link is sent.
    """
    if not passwords.verify_password(user.password_hash, current_password):
        raise ServiceError(_("Le mot de passe actuel est incorrect."), "current_password")
    address = normalise_email(new_email)
    if address == user.email.lower():
        raise ServiceError(_("C'est déjà l'adresse de votre compte."), "email")
    validity = _duration(current_app.config["EMAIL_CHANGE_MAX_AGE"])
    with transaction():
        if find_user_by_email(address) is None:
            link = absolute_url(
                "auth.confirm_email_change", token=make_email_change_token(user, address)
            )
            body = _(
                "Bonjour,\n\n"
                "Vous avez demandé que votre compte ASSETT utilise désormais cette adresse "
                "e-mail. Pour confirmer, ouvrez ce lien (valable %(validity)s, une seule "
                "fois) :\n\n%(link)s\n\n"
                "Tant que ce lien n'est pas ouvert, votre compte garde son adresse actuelle. "
                "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.\n",
                validity=validity,
                link=link,
            )
            send_mail(address, _("Confirmez votre nouvelle adresse e-mail"), body)
        else:
            with written_for(address, fallback=None):
                body = _(
                    "Bonjour,\n\n"
                    "Quelqu'un a demandé qu'un autre compte ASSETT utilise cette adresse e-mail. "
                    "Elle est déjà celle de votre compte : une adresse ne sert qu'à un seul "
                    "compte, "
                    "la demande n'a donc pas abouti et votre compte n'a pas changé.\n\n"
                    "Si c'est vous, avec un second compte : changez d'abord l'adresse de ce compte-"
                    "ci, ou supprimez-le, puis recommencez.\n",
                )
                send_mail(address, _("Cette adresse a déjà un compte"), body)
        with written_for(user.email, fallback=None):
            notice = _(
                "Bonjour,\n\n"
                "Un changement d'adresse e-mail a été demandé pour votre compte ASSETT, vers "
                "l'adresse %(address)s. L'adresse ne change que si le lien envoyé à cette "
                "nouvelle adresse est ouvert ; jusque-là, rien ne change.\n\n"
                "Si vous n'êtes pas à l'origine de cette demande, changez votre mot de passe : "
                "%(account)s\n",
                address=address,
                account=absolute_url("auth.account"),
            )
            send_mail(user.email, _("Changement d'adresse e-mail demandé"), notice)
    return address


@dataclass(frozen=True)
class EmailChange:
    """What a valid confirmation link asks: this account, to this address."""

    user: User
    new_address: str


def email_change_from_token(token: str) -> EmailChange:
    """The change a link asks for; ServiceError if it expired, was used or is invalid."""
    data = _signed_data(
        _email_serializer(),
        token,
        "EMAIL_CHANGE_MAX_AGE",
        _(
            "Ce lien de confirmation a expiré. Demandez à nouveau le changement d'adresse "
            "depuis « Mon compte »."
        ),
    )
    user = None
    if isinstance(data, dict) and isinstance(data.get("u"), int):
        user = db.session.get(User, data["u"])
    if (
        user is None
        or not isinstance(data.get("e"), str)
        or data.get("f") != _account_fingerprint(user)
    ):
        raise ServiceError(
            _(
                "Ce lien de confirmation n'est pas valide ou a déjà été utilisé. "
                "Demandez à nouveau le changement d'adresse depuis « Mon compte »."
            )
        )
    return EmailChange(user, data["e"])


def confirm_email_change(token: str) -> EmailChange:
    """Move the account to the new address of a valid link; tell the old address."""
    change = email_change_from_token(token)
    user, address = change.user, change.new_address
    taken = _(
        "L'adresse %(address)s est déjà celle d'un autre compte : elle ne peut pas servir "
        "à deux comptes. Votre adresse n'a pas changé.",
        address=address,
    )
    if find_user_by_email(address) is not None:
        raise ServiceError(taken)
    old_address = user.email
    try:
        with transaction():
            user.email = address
            with written_for(address, fallback=None):
                body = _(
                    "Bonjour,\n\n"
                    "L'adresse e-mail de votre compte ASSETT est désormais %(address)s : "
                    "utilisez-la pour vous connecter. Ce message est le dernier envoyé à "
                    "cette adresse-ci.\n\n"
                    "Si vous n'êtes pas à l'origine de ce changement, répondez à ce message ou "
                    "contactez l'équipe de votre territoire.\n",
                    address=address,
                )
                send_mail(old_address, _("Adresse e-mail modifiée"), body)
    except IntegrityError:  # another account took the address at the same moment
        raise ServiceError(taken) from None
    return change
