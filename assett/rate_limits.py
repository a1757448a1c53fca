"""Rate limits on the forms that check a secret or send an e-mail.

Logins count failures only, per account and per address, so that a workshop behind one office
address can log in together while guessing stays slow. Keys never hold an e-mail address: the
limiter logs them, and its storage (Redis) outlives a deleted account.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask import current_app, request
from flask_babel import gettext as _
from flask_limiter import RouteLimit
from flask_login import current_user
from werkzeug.wrappers import Response

from .extensions import limiter


def _setting(name: str) -> Callable[[], str]:
    return lambda: str(current_app.config[name])


def _too_many() -> str:
    return _("Trop de tentatives : réessayez dans quelques minutes.")


def email_key() -> str:
    """The submitted address, normalised and hashed."""
    address = (request.form.get("email") or "").strip().lower()
    return "email:" + hashlib.sha256(address.encode("utf-8")).hexdigest()[:32]


def address_key() -> str:
    """The client's IP address (the real one behind ASSETT_PROXIES trusted proxies)."""
    return "address:" + (request.remote_addr or "unknown")


def user_key() -> str:
    """The logged-in user, else the client's address."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return address_key()


def refused(response: Response) -> bool:
    """A form sent back with an error (wrong password, bad input): the attempt counts."""
    return response.status_code == 400


def _limit(
    setting: str,
    key: Callable[[], str],
    scope: str,
    failures_only: bool = False,
) -> RouteLimit:
    return limiter.limit(
        _setting(setting),
        key_func=key,
        methods=["POST"],
        scope=scope,
        deduct_when=refused if failures_only else None,
        error_message=_too_many,
    )


login_failures_per_account = _limit("LOGIN_ACCOUNT_RATE_LIMIT", email_key, "account", True)
login_failures_per_address = _limit("LOGIN_ADDRESS_RATE_LIMIT", address_key, "address", True)
password_failures_per_user = _limit("LOGIN_ACCOUNT_RATE_LIMIT", user_key, "user", True)
signups_per_address = _limit("SIGNUP_RATE_LIMIT", address_key, "address")
mails_per_recipient = _limit("MAIL_PER_RECIPIENT_RATE_LIMIT", email_key, "recipient")
resets_per_address = _limit("PASSWORD_RESET_RATE_LIMIT", address_key, "address")
invitations_per_user = _limit("INVITATION_RATE_LIMIT", user_key, "user")
# Each request mails two addresses, one of them typed by the user.
email_changes_per_user = _limit("EMAIL_CHANGE_RATE_LIMIT", user_key, "email-change")


def _too_many_lookups() -> str:
    return _("Trop de recherches de SIRET : réessayez dans une minute.")


def _lookup_refused(limit: object) -> Response:
    from flask import jsonify

    response = jsonify(error=_too_many_lookups())
    response.status_code = 429
    return response


def _not_a_fill() -> bool:
    return "fill_from_siret" not in request.form


# Each look-up may cost a call to the State's company search API: one budget per user for the
# JSON look-up and the forms' « Remplir depuis le SIRET » (saving a profile is not counted).
siret_lookups_per_user = limiter.shared_limit(
    _setting("SIRET_LOOKUP_RATE_LIMIT"),
    scope="siret-lookup",
    key_func=user_key,
    on_breach=_lookup_refused,
)
siret_fills_per_user = limiter.shared_limit(
    _setting("SIRET_LOOKUP_RATE_LIMIT"),
    scope="siret-lookup",
    key_func=user_key,
    methods=["POST"],
    exempt_when=_not_a_fill,
    error_message=_too_many_lookups,
)
