"""Password hashing with argon2id, and the password policy."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _

MIN_LENGTH = 10


def _hasher() -> PasswordHasher:
    # Tests lower the cost through the config; production keeps argon2-cffi's defaults (RFC 9106).
    cost = current_app.config.get("ARGON2_PARAMETERS") or {}
    return PasswordHasher(**cost)


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Check a password against its hash."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=8)
def _dummy_hash(cost: tuple[tuple[str, int], ...]) -> str:
    parameters: dict[str, Any] = dict(cost)
    return PasswordHasher(**parameters).hash("assett-dummy-password")


def burn_verification_time(password: str) -> None:
    """Verify against a dummy hash, so an unknown address takes as long as a known one."""
    cost = current_app.config.get("ARGON2_PARAMETERS") or {}
    verify_password(_dummy_hash(tuple(sorted(cost.items()))), password)


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash uses outdated parameters."""
    return _hasher().check_needs_rehash(password_hash)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The list of common passwords shipped with the app, lower-cased."""
    text = resources.files("assett").joinpath("data/common-passwords.txt").read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def password_problem(password: str, email: str | None = None) -> str | None:
    """Return why a new password is refused, in French, or None if it is acceptable."""
    if len(password) < MIN_LENGTH:
        return str(
            _("Le mot de passe doit comporter au moins %(count)s caractères.", count=MIN_LENGTH)
        )
    lowered = password.lower()
    if lowered in common_passwords():
        return str(_("Ce mot de passe est trop courant : choisissez-en un autre."))
    if email and lowered == email.strip().lower():
        return str(_("Le mot de passe ne doit pas être votre adresse e-mail."))
    return None
