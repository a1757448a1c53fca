"""Public-sector obligations: the accessibility statement, the register, account retention."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import exists, func, select

from ..clock import local_today
from ..domain.legal import (
    DEFAULT_TEXTS,
    SECURITY_MEASURES,
    STATEMENT_TEXT_FIELDS,
    Controller,
    Cookie,
    Phrase,
    Purpose,
    Statement,
    cookies,
    purposes,
    register_markdown,
    statement_problems,
)
from ..extensions import db
from ..models import PlatformSetting, User, UserSession
from ..models._base import utcnow
from .data_rights import delete_account
from .errors import ServiceError
from .mail import absolute_url, send_mail, written_for
from .organisations import organisations_left_without_members
from .unit_of_work import transaction

STATEMENT = "accessibility"
CONTROLLER = "controller"
DEFAULT_RETENTION_DAYS = 730
DEFAULT_NOTICE_DAYS = 30


def _data(key: str) -> dict[str, Any]:
    row = db.session.get(PlatformSetting, key)
    return dict(row.data) if row is not None else {}


def _save(key: str, data: dict[str, Any], user: User) -> None:
    with transaction() as session:
        row = session.get(PlatformSetting, key)
        if row is None:
            row = PlatformSetting(key=key, data={})
            session.add(row)
        row.data = data
        row.updated_at = utcnow()
        row.updated_by_id = user.id


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def statement() -> Statement:
    """The accessibility statement as last saved (defaults before the first save)."""
    data = _data(STATEMENT)
    known = {field.name for field in dataclasses.fields(Statement)}
    values = {name: value for name, value in data.items() if name in known}
    for name in ("audit_date", "updated_on"):
        values[name] = _day(values.get(name))
    return Statement(**values)


def save_statement(values: Mapping[str, Any], user: User) -> Statement:
    """Check and save the statement; ServiceError names the first field at fault."""
    cleaned: dict[str, Any] = {
        name: (values.get(name) or "").strip() for name in STATEMENT_TEXT_FIELDS
    }
    cleaned["rate"] = values.get("rate")
    cleaned["audit_date"] = values.get("audit_date")
    problems = statement_problems({**cleaned, "today": local_today()})
    if problems:
        field, message = next(iter(problems.items()))
        raise ServiceError(translated(message), field)
    data = {
        **cleaned,
        "audit_date": cleaned["audit_date"].isoformat() if cleaned["audit_date"] else None,
        "updated_on": local_today().isoformat(),
    }
    _save(STATEMENT, data, user)
    current_app.extensions.pop("assett_accessibility_mention", None)
    return statement()


MENTION_SECONDS = 60  # how long a process shows the footer's mention before reading it again


def footer_mention() -> str:
    """The statement's conformity (« totalement », « partiellement », « non »), for the footer.

    Read at most once a minute per process, since every page shows it: a change made in
    another process shows here within the minute, in this one at once.
    """
    kept = current_app.extensions.get("assett_accessibility_mention")
    now = time.monotonic()
    if kept is None or kept[1] < now:
        kept = (statement().conformity, now + MENTION_SECONDS)
        current_app.extensions["assett_accessibility_mention"] = kept
    return str(kept[0])


def controller() -> Controller:
    """Who answers for the processing, as the platform admin filled it."""
    data = _data(CONTROLLER)
    return Controller(**{k: str(data.get(k) or "") for k in ("name", "address", "dpo", "host")})


def save_controller(values: Mapping[str, Any], user: User) -> None:
    _save(
        CONTROLLER,
        {name: (values.get(name) or "").strip() for name in ("name", "address", "dpo", "host")},
        user,
    )


def retention_days() -> tuple[int, int]:
    """(days without activity before the warning, days between warning and deletion)."""
    config = current_app.config
    return (
        int(config.get("ACCOUNT_RETENTION_DAYS") or DEFAULT_RETENTION_DAYS),
        int(config.get("ACCOUNT_RETENTION_NOTICE_DAYS") or DEFAULT_NOTICE_DAYS),
    )


def _proconnect() -> bool:
    """Whether the installation offers ProConnect (its three settings are set)."""
    config = current_app.config
    keys = ("PROCONNECT_DISCOVERY_URL", "PROCONNECT_CLIENT_ID", "PROCONNECT_CLIENT_SECRET")
    return all(config.get(key) for key in keys)


def privacy_purposes() -> list[Purpose]:
    return purposes(*retention_days(), proconnect=_proconnect())


def privacy_cookies(language_cookie: str, language_days: int) -> list[Cookie]:
    config = current_app.config
    idle_hours = int(config.get("SESSION_IDLE_TIMEOUT") or 0) / 3600
    return cookies(
        str(config.get("SESSION_COOKIE_NAME") or "session"),
        idle_hours,
        proconnect=_proconnect(),
        language_cookie=language_cookie,
        language_days=language_days,
    )


def translated(phrase: Phrase, number: Callable[[str], str] = str) -> str:
    """A phrase of the domain in the current language; `number` rewrites its values (French
    numbers) for that language."""
    return "".join(
        _(msgid, **{name: number(value) for name, value in values.items()}) if values else _(msgid)
        for msgid, values in phrase.parts
    )


def statement_text(value: str) -> str:
    """A statement's text as shown: the application's default texts in the page's language,
    what the platform admin typed as typed."""
    return _(value) if value in DEFAULT_TEXTS else value


def register_document(today: date | None = None) -> str:
    """The processing register's entry for this installation (Markdown)."""
    return register_markdown(
        controller(), privacy_purposes(), SECURITY_MEASURES, today or local_today()
    )


# Retention: accounts inactive for too long are warned, then deleted


def _last_active() -> Any:
    """A user's last sign of life: creation, last login, a session's last request."""
    seen = (
        select(func.max(UserSession.last_seen_at))
        .where(UserSession.user_id == User.id)
        .scalar_subquery()
    )
    return func.coalesce(seen, User.last_login_at, User.created_at)


def _inactive_since(cutoff: datetime) -> Any:
    recent_session = exists().where(
        UserSession.user_id == User.id, UserSession.last_seen_at >= cutoff
    )
    return (
        func.coalesce(User.last_login_at, User.created_at) < cutoff,
        User.created_at < cutoff,
        ~recent_session,
        User.is_platform_admin.is_(False),  # the installation keeps someone who can run it
    )


def apply_retention(now: datetime | None = None) -> tuple[int, int]:
    """Warn the accounts inactive for the retention period; delete those warned long enough
    ago that did not come back. Returns (warned, deleted)."""
    now = now or utcnow()
    idle_days, notice_days = retention_days()
    cutoff = now - timedelta(days=idle_days)
    warned = deleted = 0
    to_warn = db.session.scalars(
        select(User).where(*_inactive_since(cutoff), User.retention_warned_at.is_(None))
    ).all()
    for user in to_warn:
        _warn(user, now, notice_days)
        warned += 1
    to_delete = db.session.scalars(
        select(User).where(
            User.retention_warned_at.is_not(None),
            User.retention_warned_at <= now - timedelta(days=notice_days),
            *_inactive_since(cutoff),
        )
    ).all()
    for user in to_delete:
        # Organisations are the members' shared data, not this person's: they are kept.
        decisions = {org.id: "keep" for org in organisations_left_without_members(user)}
        delete_account(user, decisions)
        deleted += 1
    # An account that came back is warned afresh if it goes quiet again.
    with transaction() as session:
        for user in session.scalars(
            select(User).where(
                User.retention_warned_at.is_not(None),
                _last_active() > User.retention_warned_at,
            )
        ):
            user.retention_warned_at = None
    return warned, deleted


def _warn(user: User, now: datetime, notice_days: int) -> None:
    with written_for(user.email):
        _write_warning(user, now, notice_days)


def _write_warning(user: User, now: datetime, notice_days: int) -> None:
    deadline = (now + timedelta(days=notice_days)).strftime("%d/%m/%Y")
    body = _(
        "Bonjour,\n\n"
        "Votre compte ASSETT n'a pas été utilisé depuis longtemps. Conformément à notre "
        "politique de conservation des données, il sera supprimé le %(deadline)s.\n\n"
        "Pour le garder, il suffit de vous connecter avant cette date :\n%(login)s\n\n"
        "Les données des organisations dont vous êtes membre ne sont pas supprimées avec "
        "votre compte. Ce que nous conservons et pourquoi : %(privacy)s\n",
        deadline=deadline,
        login=absolute_url("auth.login"),
        privacy=absolute_url("legal.privacy"),
    )
    with transaction():
        user.retention_warned_at = now
        send_mail(user.email, _("Votre compte ASSETT sera supprimé le %(d)s", d=deadline), body)


def check_rate(text: str) -> float | None:
    """A conformity rate typed by a person: « 87,5 » or « 87.5 » (empty: no audit)."""
    text = (text or "").strip().replace(",", ".").removesuffix("%").strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise ServiceError(_("Le taux est un nombre, par exemple 87,5."), "rate") from None
