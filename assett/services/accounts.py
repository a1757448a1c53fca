"""User accounts: sign-up, authentication, password changes and reset links."""

from __future__ import annotations

import hashlib
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..domain.content_language import CONTENT_LANGUAGES
from ..extensions import db
from ..models import Membership, Organisation, Territory, TerritoryRole, User
from ..models._base import utcnow
from . import passwords
from .errors import ServiceError
from .mail import absolute_url, send_mail, written_for
from .sessions import end_all_sessions, end_other_sessions
from .unit_of_work import transaction

RESET_SALT = "assett.password-reset"
SIGNUP_SALT = "assett.signup"
NAME_MAX = 120  # User.display_name is String(120)


def normalise_email(value: str) -> str:
    """Check an address's syntax (no DNS look-up) and return it lower-cased."""
    try:
        result = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError:
        raise ServiceError(
            _("Adresse e-mail invalide : vérifiez-la (exemple : nom@domaine.fr)."), "email"
        ) from None
    return result.normalized.lower()


def find_user_by_email(email: str) -> User | None:
    """The user with this address, whatever its case."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def clean_display_name(value: str | None) -> str:
    """The name as kept: trimmed, inner spaces collapsed; ServiceError if empty or too long."""
    name = " ".join((value or "").split())
    if not name:
        raise ServiceError(_("Indiquez votre nom."), "display_name")
    if len(name) > NAME_MAX:
        raise ServiceError(
            _("Le nom ne doit pas dépasser %(max)s caractères.", max=NAME_MAX), "display_name"
        )
    return name


def check_new_password(password: str, confirm: str | None, email: str, field: str) -> None:
    """Refuse a new password that breaks the policy or differs from its confirmation."""
    problem = passwords.password_problem(password, email)
    if problem:
        raise ServiceError(problem, field)
    if confirm is not None and password != confirm:
        raise ServiceError(_("Les deux mots de passe ne sont pas identiques."), "confirm")


def create_user(
    email: str,
    password: str,
    confirm: str | None = None,
    *,
    is_platform_admin: bool = False,
    display_name: str | None = None,
    language: str | None = None,
) -> User:
    """Create an account after checking the address, its uniqueness and the password policy."""
    address = normalise_email(email)
    if display_name is not None:
        display_name = clean_display_name(display_name)
    check_new_password(password, confirm, address, "password")
    if find_user_by_email(address) is not None:
        raise ServiceError(_("Un compte existe déjà avec cette adresse e-mail."), "email")
    try:
        with transaction() as session:
            user = User(
                email=address,
                password_hash=passwords.hash_password(password),
                is_platform_admin=is_platform_admin,
                display_name=display_name,
                language=language if language in CONTENT_LANGUAGES else None,
            )
            session.add(user)
    except IntegrityError:  # two sign-ups with the same address at the same moment
        raise ServiceError(_("Un compte existe déjà avec cette adresse e-mail."), "email") from None
    return user


def set_language(user: User, language: str) -> None:
    """Keep the language the person reads ASSETT in: the e-mails sent to them use it."""
    if language not in CONTENT_LANGUAGES:
        raise ServiceError(_("Langue inconnue."), "langue")
    if user.language != language:
        with transaction():
            user.language = language


def make_platform_admin(email: str, password: str | None = None) -> tuple[User, bool]:
    """Create a platform admin, or promote an existing user; return (user, created)."""
    user = find_user_by_email(email)
    if user is None:
        if password is None:
            raise ServiceError(
                _("Un mot de passe est nécessaire pour créer le compte."), "password"
            )
        return create_user(email, password, is_platform_admin=True), True
    with transaction():
        if password is not None:
            check_new_password(password, None, user.email, "password")
            _set_password(user, password)
        user.is_platform_admin = True
    return user, False


def authenticate(email: str, password: str) -> User | None:
    """The user if the credentials are right; an unknown address costs the same time."""
    user = find_user_by_email(email) if email.strip() else None
    if user is None:
        passwords.burn_verification_time(password)
        return None
    if not passwords.verify_password(user.password_hash, password):
        return None
    if passwords.needs_rehash(user.password_hash):
        with transaction():
            user.password_hash = passwords.hash_password(password)
    return user


def _set_password(user: User, password: str) -> None:
    user.password_hash = passwords.hash_password(password)
    user.password_changed_at = utcnow()


def change_password(user: User, current: str, new: str, confirm: str) -> None:
    """Change a password (the current one is required) and end the user's other sessions."""
    if not passwords.verify_password(user.password_hash, current):
        raise ServiceError(_("Le mot de passe actuel est incorrect."), "current_password")
    check_new_password(new, confirm, user.email, "password")
    with transaction():
        _set_password(user, new)
        end_other_sessions(user)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _fingerprint(user: User) -> str:
    # Changes with the password hash, so a link works once and dies when the password changes.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:20]


def _signed_data(
    serializer: URLSafeTimedSerializer, token: str, max_age_setting: str, expired: str
) -> Any:
    """What a signed link carries; None if forged; ServiceError with `expired` if too old."""
    try:
        return serializer.loads(token, max_age=current_app.config[max_age_setting])
    except SignatureExpired:
        raise ServiceError(expired) from None
    except BadSignature:
        return None


def make_reset_token(user: User) -> str:
    """A signed, time-limited, single-use token to reset this user's password."""
    return _serializer().dumps({"u": user.id, "f": _fingerprint(user)})


def user_for_reset_token(token: str) -> User:
    """The user a reset token was made for; ServiceError if it expired, was used or is invalid."""
    data = _signed_data(
        _serializer(),
        token,
        "PASSWORD_RESET_MAX_AGE",
        _("Ce lien de réinitialisation a expiré. Demandez-en un nouveau."),
    )
    user = None
    if isinstance(data, dict) and isinstance(data.get("u"), int):
        user = db.session.get(User, data["u"])
    if user is None or data.get("f") != _fingerprint(user):
        raise ServiceError(
            _(
                "Ce lien de réinitialisation n'est pas valide ou a déjà été utilisé. "
                "Demandez-en un nouveau."
            )
        )
    return user


def reset_password(token: str, new: str, confirm: str) -> User:
    """Set a new password from a reset link, then end every session of the user."""
    user = user_for_reset_token(token)
    check_new_password(new, confirm, user.email, "password")
    with transaction():
        _set_password(user, new)
        end_all_sessions(user)
    return user


def _duration(seconds: int) -> str:
    if seconds >= 7200:
        return str(_("%(count)s heures", count=seconds // 3600))
    return str(_("%(count)s minutes", count=max(1, seconds // 60)))


def _signup_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SIGNUP_SALT)


def make_signup_token(address: str, next_url: str | None = None) -> str:
    """A signed, time-limited token proving that whoever holds it reads this mailbox."""
    return _signup_serializer().dumps({"e": address, "n": next_url or ""})


def signup_from_token(token: str) -> tuple[str, str | None]:
    """The address and next link of a sign-up token; ServiceError if expired, used or invalid."""
    data = _signed_data(
        _signup_serializer(),
        token,
        "SIGNUP_LINK_MAX_AGE",
        _("Ce lien de création de compte a expiré. Recommencez l'inscription."),
    )
    if not isinstance(data, dict) or not isinstance(data.get("e"), str):
        raise ServiceError(
            _(
                "Ce lien de création de compte n'est pas valide. "
                "Vérifiez qu'il a été copié en entier."
            )
        )
    if find_user_by_email(data["e"]) is not None:
        raise ServiceError(
            _(
                "Le compte de cette adresse existe déjà : connectez-vous, ou demandez un "
                "nouveau mot de passe si vous l'avez oublié."
            )
        )
    return data["e"], data.get("n") or None


def request_signup(email: str, territory: Territory, next_url: str | None = None) -> str:
    """Mail a link to finish signing up, or tell an existing owner; answer the same either way."""
    address = normalise_email(email)
    user = find_user_by_email(address)
    if user is None:
        link = absolute_url(
            "auth.signup_confirm", slug=territory.slug, token=make_signup_token(address, next_url)
        )
        body = _(
            "Bonjour,\n\n"
            "Pour terminer la création de votre compte ASSETT (territoire « %(territory)s »), "
            "ouvrez ce lien et choisissez votre mot de passe (valable %(validity)s) :\n\n"
            "%(link)s\n\n"
            "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : "
            "aucun compte n'est créé sans ce lien.\n",
            territory=territory.name,
            validity=_duration(current_app.config["SIGNUP_LINK_MAX_AGE"]),
            link=link,
        )
        send_mail(address, _("Création de votre compte"), body)
        return address
    with written_for(user.email, fallback=None):
        body = _(
            "Bonjour,\n\n"
            "Une création de compte ASSETT a été demandée avec votre adresse, qui a déjà un "
            "compte. Connectez-vous :\n\n%(login)s\n\n"
            "Mot de passe oublié ? Choisissez-en un nouveau avec ce lien (valable %(validity)s, "
            "une seule fois) :\n\n%(reset)s\n\n"
            "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.\n",
            login=absolute_url("auth.login"),
            reset=absolute_url("auth.reset_password", token=make_reset_token(user)),
            validity=_duration(current_app.config["PASSWORD_RESET_MAX_AGE"]),
        )
        send_mail(user.email, _("Vous avez déjà un compte"), body)
    return address


def send_reset_link(email: str) -> None:
    """E-mail a reset link if an account has this address; say nothing either way."""
    user = find_user_by_email(email) if email.strip() else None
    if user is None:
        return
    with written_for(user.email, fallback=None):
        link = absolute_url("auth.reset_password", token=make_reset_token(user))
        validity = _duration(current_app.config["PASSWORD_RESET_MAX_AGE"])
        body = _(
            "Bonjour,\n\n"
            "Une réinitialisation du mot de passe de votre compte ASSETT a été demandée.\n"
            "Pour choisir un nouveau mot de passe, ouvrez ce lien (valable %(validity)s, "
            "une seule fois) :\n\n%(link)s\n\n"
            "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : "
            "votre mot de passe reste inchangé.\n",
            validity=validity,
            link=link,
        )
        send_mail(user.email, _("Réinitialisation de votre mot de passe"), body)


def organisations_of(user: User) -> list[Organisation]:
    """The organisations the user belongs to, by name."""
    return list(
        db.session.scalars(
            select(Organisation)
            .join(Membership, Membership.organisation_id == Organisation.id)
            .where(Membership.user_id == user.id)
            .order_by(Organisation.name)
        )
    )


def territory_roles_of(user: User) -> list[TerritoryRole]:
    """The user's roles on territories, by territory name."""
    return list(
        db.session.scalars(
            select(TerritoryRole)
            .join(Territory, Territory.id == TerritoryRole.territory_id)
            .where(TerritoryRole.user_id == user.id)
            .order_by(Territory.name, TerritoryRole.role)
        )
    )


def signup_territory() -> Territory | None:
    """The territory a visitor without an invitation signs up on, if there is an obvious one."""
    active = select(Territory).where(Territory.is_active.is_(True))
    default: Territory | None = db.session.scalar(
        active.where(Territory.slug == current_app.config.get("DEFAULT_TERRITORY"))
    )
    if default is not None:
        return default
    territories = db.session.scalars(active.limit(2)).all()
    return territories[0] if len(territories) == 1 else None
