"""Reminder mails: each user's choices, one-click unsubscribe links, and sending with a gap.

- A user receives every kind (NOTIFICATION_KINDS) until turning it off in « Mon compte » or
  through the link of a mail; a turned-off kind is a `NotificationOptOut` row.
- Every reminder carries a signed link (its own salt; user id and kind, no expiry) given in
  the body and in the `List-Unsubscribe` header with `List-Unsubscribe-Post` (RFC 8058): a
  POST to it turns that kind off without logging in.
- `send_notification` writes, in one transaction, a `NotificationLog` row per subject
  (« plan_action:42:due ») and the outbox message; a subject sent to that user less than
  `NOTIFICATION_MIN_GAP_DAYS` ago is left out, and a mail left with nothing is not sent.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime, timedelta
from typing import TypeVar

from flask import current_app
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select

from ..domain.notifications import NOTIFICATION_KINDS
from ..extensions import db
from ..models import NotificationLog, NotificationOptOut, User
from ..models._base import utcnow
from .errors import ServiceError
from .mail import absolute_url, send_mail, written_for
from .notification_mail import Mail, html_part, text_part
from .unit_of_work import transaction

UNSUBSCRIBE_SALT = "assett.notifications.unsubscribe"
DEFAULT_MIN_GAP_DAYS = 30
DEFAULT_REPEAT_FOR_DAYS = 90

KIND_LABELS: Mapping[str, LazyString] = {
    "action_due": _l("Une action de mon plan arrive à échéance dans 7 jours"),
    "action_overdue": _l("Une action de mon plan a dépassé son échéance"),
    "reassessment": _l("Il est temps de refaire l'auto-évaluation d'un thème"),
    "weekly_digest": _l("Résumé hebdomadaire du réseau (animation d'un territoire)"),
    "synergy_news": _l("Une synergie de mon organisation est créée ou change d'étape"),
    "synergy_next_step": _l("La prochaine étape d'une synergie suivie arrive (animation)"),
    "event_reminder": _l("Rappel la veille d'un atelier ou d'un événement où je suis inscrit"),
}

T = TypeVar("T")


def min_gap() -> timedelta:
    """The least time between two reminders of the same subject to the same user."""
    days = current_app.config.get("NOTIFICATION_MIN_GAP_DAYS", DEFAULT_MIN_GAP_DAYS)
    return timedelta(days=int(days))


def repeat_for_days() -> int:
    """How long after a due date or an anniversary reminders go on (then they stop)."""
    return int(current_app.config.get("NOTIFICATION_REPEAT_FOR_DAYS", DEFAULT_REPEAT_FOR_DAYS))


# --- Choices -----------------------------------------------------------------------------------


def enabled_kinds(user_id: int) -> set[str]:
    """The kinds of mail the user receives."""
    off = set(
        db.session.scalars(
            select(NotificationOptOut.kind).where(NotificationOptOut.user_id == user_id)
        )
    )
    return set(NOTIFICATION_KINDS) - off


def set_preferences(user: User, enabled: Collection[str]) -> None:
    """Receive exactly the given kinds (unknown kinds are refused, naming the field)."""
    unknown = set(enabled) - set(NOTIFICATION_KINDS)
    if unknown:
        raise ServiceError(_("Type de notification inconnu."), field="kinds")
    with transaction() as session:
        session.execute(delete(NotificationOptOut).where(NotificationOptOut.user_id == user.id))
        for kind in NOTIFICATION_KINDS:
            if kind not in enabled:
                session.add(NotificationOptOut(user_id=user.id, kind=kind))


def _turn_off(user_id: int, kind: str) -> None:
    with transaction() as session:
        exists = session.get(NotificationOptOut, (user_id, kind))
        if exists is None:
            session.add(NotificationOptOut(user_id=user_id, kind=kind))


# --- Unsubscribe links -------------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def make_unsubscribe_token(user_id: int, kind: str) -> str:
    """A signed token naming the user and the kind of mail to turn off."""
    return str(_serializer().dumps([user_id, kind]))


def unsubscribe_url(user_id: int, kind: str) -> str:
    """The one-click unsubscribe link, on BASE_URL."""
    return absolute_url("auth.unsubscribe", token=make_unsubscribe_token(user_id, kind))


def read_unsubscribe_token(token: str) -> tuple[User, str]:
    """The user and kind a token names; ServiceError if it is forged, altered or stale."""
    invalid = ServiceError(_("Ce lien de désabonnement n'est pas valide."))
    try:
        data = _serializer().loads(token)
    except BadSignature as error:
        raise invalid from error
    if (
        not isinstance(data, list)
        or len(data) != 2
        or not isinstance(data[0], int)
        or isinstance(data[0], bool)
        or data[1] not in NOTIFICATION_KINDS
    ):
        raise invalid
    user = db.session.get(User, data[0]) if 0 < data[0] < 2**63 else None
    if user is None:  # the account was deleted since
        raise invalid
    return user, str(data[1])


def unsubscribe(token: str) -> tuple[User, str]:
    """Turn off the kind a token names (doing it twice changes nothing)."""
    user, kind = read_unsubscribe_token(token)
    _turn_off(user.id, kind)
    return user, kind


# --- Sending -----------------------------------------------------------------------------------


def send_notification(
    user: User,
    kind: str,
    subjects: Mapping[str, T],
    compose: Callable[[Sequence[T]], Mail],
    now: datetime | None = None,
) -> bool:
    """Mail the user about the subjects not sent within the gap; return whether a mail left.

    `subjects` maps a subject key to what the mail says of it; `compose` writes the mail
    from those that remain. The log rows and the outbox message commit together.
    """
    now = now or utcnow()
    with transaction() as session:
        # One run at a time per user: two workers never both pass the gap check (PostgreSQL;
        # SQLite's write lock, taken when the transaction begins, does it already).
        session.execute(select(User.id).where(User.id == user.id).with_for_update())
        if kind not in enabled_kinds(user.id):
            return False
        recent = set(
            session.scalars(
                select(NotificationLog.subject_key).where(
                    NotificationLog.user_id == user.id,
                    NotificationLog.subject_key.in_(list(subjects)),
                    NotificationLog.sent_at > now - min_gap(),
                )
            )
        )
        remaining = {key: value for key, value in subjects.items() if key not in recent}
        if not remaining:
            return False
        for key in remaining:
            session.add(NotificationLog(user_id=user.id, kind=kind, subject_key=key, sent_at=now))
        with written_for(user.email):
            mail = compose(list(remaining.values()))
            unsubscribe = unsubscribe_url(user.id, kind)
            settings = absolute_url("auth.account", _anchor="notifications")
            send_mail(
                user.email,
                mail.subject,
                text_part(mail, unsubscribe, settings),
                html=html_part(mail, unsubscribe, settings),
                headers={
                    "List-Unsubscribe": f"<{unsubscribe}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                    "Auto-Submitted": "auto-generated",
                },
                user_id=user.id,
                notification_kind=kind,
            )
    return True
