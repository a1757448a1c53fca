"""Configuration: defaults, then instance/config.py, then ASSETT_* environment variables."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# Environment variables read, with the config key each one sets.
ENV_KEYS: dict[str, str] = {
    "ASSETT_SECRET_KEY": "SECRET_KEY",
    "ASSETT_DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "ASSETT_REDIS_URL": "REDIS_URL",
    "ASSETT_RATELIMIT_STORAGE_URI": "RATELIMIT_STORAGE_URI",
    "ASSETT_QUEUE_URL": "QUEUE_URL",
    "ASSETT_SMTP_HOST": "SMTP_HOST",
    "ASSETT_SMTP_PORT": "SMTP_PORT",
    "ASSETT_SMTP_USER": "SMTP_USER",
    "ASSETT_SMTP_PASSWORD": "SMTP_PASSWORD",
    "ASSETT_SMTP_STARTTLS": "SMTP_STARTTLS",
    "ASSETT_MAIL_FROM": "MAIL_FROM",
    "ASSETT_SECURE_COOKIES": "SESSION_COOKIE_SECURE",
    "ASSETT_BASE_URL": "BASE_URL",
    "ASSETT_TRUSTED_HOSTS": "TRUSTED_HOSTS",
    "ASSETT_PROXIES": "PROXIES",
    "ASSETT_SESSION_IDLE_TIMEOUT": "SESSION_IDLE_TIMEOUT",
    "ASSETT_SESSION_MAX_AGE": "SESSION_MAX_AGE",
    "ASSETT_DEFAULT_TERRITORY": "DEFAULT_TERRITORY",
    "ASSETT_ACCOUNT_RETENTION_DAYS": "ACCOUNT_RETENTION_DAYS",
    "ASSETT_ACCOUNT_RETENTION_NOTICE_DAYS": "ACCOUNT_RETENTION_NOTICE_DAYS",
    "ASSETT_COMPANY_SEARCH_ENABLED": "COMPANY_SEARCH_ENABLED",
    "ASSETT_COMPANY_SEARCH_URL": "COMPANY_SEARCH_URL",
    "ASSETT_COMPANY_SEARCH_TIMEOUT": "COMPANY_SEARCH_TIMEOUT",
    "ASSETT_PROCONNECT_DISCOVERY_URL": "PROCONNECT_DISCOVERY_URL",
    "ASSETT_PROCONNECT_CLIENT_ID": "PROCONNECT_CLIENT_ID",
    "ASSETT_PROCONNECT_CLIENT_SECRET": "PROCONNECT_CLIENT_SECRET",
    "ASSETT_PROCONNECT_SCOPE": "PROCONNECT_SCOPE",
    "ASSETT_WARM_UP": "WARM_UP",
    "ASSETT_EXPORTS_AT_ONCE": "EXPORTS_AT_ONCE",
}

BOOL_KEYS = {"SESSION_COOKIE_SECURE", "SMTP_STARTTLS", "COMPANY_SEARCH_ENABLED", "WARM_UP"}
INT_KEYS = {
    "SMTP_PORT",
    "PROXIES",
    "SESSION_IDLE_TIMEOUT",
    "SESSION_MAX_AGE",
    "MAX_CONTENT_LENGTH",
    "EVIDENCE_MAX_CONTENT_LENGTH",
    "ACCOUNT_RETENTION_DAYS",
    "ACCOUNT_RETENTION_NOTICE_DAYS",
    "COMPANY_SEARCH_TIMEOUT",
    "EXPORTS_AT_ONCE",
}
LIST_KEYS = {"TRUSTED_HOSTS"}


def defaults(instance_path: str) -> dict[str, Any]:
    """Return the default settings, suited to a local SQLite install."""
    db_path = Path(instance_path) / "assett.db"
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "SESSION_COOKIE_NAME": "assett_session",
        "REMEMBER_COOKIE_HTTPONLY": True,
        # Server-side login sessions end after this many seconds without a request, and this
        # many seconds after login however active (a cookie left in a shared browser dies).
        "SESSION_IDLE_TIMEOUT": 8 * 3600,
        "SESSION_MAX_AGE": 30 * 24 * 3600,
        # A long questionnaire must never fail on an expired CSRF token.
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Paris",
        "RATELIMIT_STORAGE_URI": "memory://",
        # A sliding window: no burst of twice the limit across a window's edge.
        "RATELIMIT_STRATEGY": "moving-window",
        "RATELIMIT_HEADERS_ENABLED": True,
        # Failed logins only: per account, and per address (a workshop shares one address).
        "LOGIN_ACCOUNT_RATE_LIMIT": "5 per minute;20 per hour",
        "LOGIN_ADDRESS_RATE_LIMIT": "30 per minute;200 per hour",
        "SIGNUP_RATE_LIMIT": "30 per hour;100 per day",
        "PASSWORD_RESET_RATE_LIMIT": "20 per hour;100 per day",
        # Sign-up and reset e-mails sent to one address, so nobody can flood a mailbox.
        "MAIL_PER_RECIPIENT_RATE_LIMIT": "3 per hour;10 per day",
        "INVITATION_RATE_LIMIT": "30 per hour;100 per day",
        "EMAIL_CHANGE_RATE_LIMIT": "5 per hour;20 per day",
        "SIGNUP_LINK_MAX_AGE": 24 * 3600,
        "REDIS_URL": None,
        "SMTP_HOST": None,
        "SMTP_PORT": 587,
        "SMTP_USER": None,
        "SMTP_PASSWORD": None,
        "SMTP_STARTTLS": True,
        "MAIL_FROM": "assett@localhost",
        # Background jobs (assett/jobs.py): sqlite:///…, redis://… or immediate; unset means
        # Redis when REDIS_URL is set, else instance/jobs.db (immediate under tests).
        "QUEUE_URL": None,
        # Outbox delivery: attempts before giving up, first retry delay (doubled each time).
        "MAIL_MAX_ATTEMPTS": 6,
        "MAIL_RETRY_SECONDS": 60,
        # Reminder mails (services/reminders.py): the least days between two reminders of the
        # same thing to the same person, and how long after a due date or an anniversary
        # reminders go on.
        "NOTIFICATION_MIN_GAP_DAYS": 30,
        "NOTIFICATION_REPEAT_FOR_DAYS": 90,
        # Public address of the site, e.g. https://assett.example.fr: links in e-mails are built
        # on it, never on the request's Host header. Required outside debug and tests.
        "BASE_URL": None,
        # Host names accepted besides BASE_URL's; empty with no BASE_URL accepts any (debug).
        "TRUSTED_HOSTS": [],
        # Reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
        "PROXIES": 0,
        "PASSWORD_RESET_MAX_AGE": 3600,
        # A link confirming a new e-mail address works this many seconds, once.
        "EMAIL_CHANGE_MAX_AGE": 24 * 3600,
        "INVITATION_MAX_AGE_DAYS": 14,
        # Accounts without activity for this long are warned, then deleted after the notice.
        "ACCOUNT_RETENTION_DAYS": 730,
        "ACCOUNT_RETENTION_NOTICE_DAYS": 30,
        # Request bodies: 2 Mo, and 16 Mo on the evidence upload (files of 10 Mo at most, the
        # service refuses a larger one with a message; a body beyond 16 Mo gets the 413 page).
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "EVIDENCE_MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        "DEFAULT_TERRITORY": "demo",
        # The State's company search API (recherche-entreprises.api.gouv.fr) fills a profile
        # from its SIRET when the installation allows outbound calls; off by default, and the
        # territory's imported SIRENE establishments are looked up first anyway.
        "COMPANY_SEARCH_ENABLED": False,
        "COMPANY_SEARCH_URL": "https://recherche-entreprises.api.gouv.fr",
        "COMPANY_SEARCH_TIMEOUT": 3,
        # Requests a second for the whole process (the API allows about 7).
        "COMPANY_SEARCH_RATE": 6,
        "COMPANY_SEARCH_CACHE_SECONDS": 24 * 3600,
        # Look-ups of a SIRET from the profile forms, per user.
        "SIRET_LOOKUP_RATE_LIMIT": "30 per minute;300 per day",
        # ProConnect (OpenID Connect): shown on the login page only when all three are set.
        "PROCONNECT_DISCOVERY_URL": None,
        "PROCONNECT_CLIENT_ID": None,
        "PROCONNECT_CLIENT_SECRET": None,
        "PROCONNECT_SCOPE": "openid email given_name usual_name siret",
        # Seconds: calls to the provider; how long its discovery document and keys are kept.
        "PROCONNECT_TIMEOUT": 10,
        "PROCONNECT_CACHE_SECONDS": 3600,
        # Large exports (the organisations' list) running at once across every process: one
        # fewer than the gunicorn workers keeps a worker free for pages; 0 sets no limit. A slot
        # left by a killed process lapses after EXPORT_SLOT_SECONDS.
        "EXPORTS_AT_ONCE": 3,
        "EXPORT_SLOT_SECONDS": 600,
        "QUESTIONNAIRES_DIR": str(Path(__file__).resolve().parent.parent / "questionnaires"),
    }


def _parse(key: str, value: str) -> Any:
    if key in BOOL_KEYS:
        return value.strip().lower() in {"1", "true", "yes", "on"}
    if key in INT_KEYS:
        return int(value)
    if key in LIST_KEYS:
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


class ConfigurationError(RuntimeError):
    """A setting the app cannot start without is missing or malformed."""


def check_base_url(value: str | None, required: bool) -> str | None:
    """The public base URL, checked; ConfigurationError if it is missing where required."""
    if not value:
        if required:
            raise ConfigurationError(
                "ASSETT_BASE_URL n'est pas défini. Indiquez l'adresse publique du site, par "
                "exemple ASSETT_BASE_URL=https://assett.example.fr : les liens envoyés par "
                "e-mail (invitations, mots de passe oubliés) sont construits sur elle. "
                "En développement, lancez « python3 dev.py run » ou définissez FLASK_DEBUG=1."
            )
        return None
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.query:
        raise ConfigurationError(
            f"ASSETT_BASE_URL={value!r} n'est pas une adresse valide : attendu "
            "https://nom.de.domaine (http:// en local)."
        )
    return value.rstrip("/")


def trusted_hosts(base_url: str | None, extra: list[str]) -> list[str] | None:
    """The Host names the app answers: BASE_URL's and the extra ones; None accepts any."""
    hosts = list(extra)
    if base_url:
        hostname = urlsplit(base_url).hostname
        if hostname and hostname not in hosts:
            hosts.insert(0, hostname)
    return hosts or None


def from_environment(environ: os._Environ[str] | dict[str, str]) -> dict[str, Any]:
    """Read the ASSETT_* variables that are set."""
    settings: dict[str, Any] = {}
    for env_key, key in ENV_KEYS.items():
        if environ.get(env_key):
            try:
                settings[key] = _parse(key, environ[env_key])
            except ValueError:
                raise ConfigurationError(f"{env_key} doit être un nombre entier.") from None
    if settings.get("REDIS_URL") and "RATELIMIT_STORAGE_URI" not in settings:
        settings["RATELIMIT_STORAGE_URI"] = settings["REDIS_URL"]
    return settings


def instance_secret_key(instance_path: str) -> str:
    """Read the secret key kept in instance/, creating it on first run."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key
