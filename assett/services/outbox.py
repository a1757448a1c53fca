"""The mail outbox: queue a message with the change that causes it; a job delivers it once.

- `queue_mail` adds a row in the caller's transaction and, once that transaction commits,
  enqueues its delivery. A rolled-back change sends nothing.
- `deliver` claims the row with one conditional UPDATE (pending and due → sending), so two
  workers never both send it; a message that was being sent when its worker died stays
  « sending » and is then marked failed, never sent again (better a lost mail than a double).
- A temporary failure (connection, 4xx) is retried with an exponential backoff, up to
  `MAIL_MAX_ATTEMPTS`; a permanent one (5xx) fails at once. `deliver_due`, run every minute
  by the worker, delivers what is due, whatever happened to the enqueued jobs.
- Once a message is sent, logged or given up, its address and body are erased: the row keeps
  the subject, the recipient's reference (« compte n°12 »), the dates and the error.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Mapping
from datetime import timedelta
from email.utils import parseaddr
from typing import Any

from flask import current_app
from sqlalchemy import Select, func, select, update

from ..domain.text import N_
from ..extensions import db
from ..models import NotificationOptOut, OutboxMessage
from ..models._base import utcnow
from .mail import (
    SmtpSession,
    build_message,
    deliver_now,
    header_text,
    log_summary,
    recipient_reference,
    smtp_configured,
)
from .mail import logger as mail_logger
from .unit_of_work import after_commit, transaction

logger = logging.getLogger("assett.outbox")

DEFAULT_MAX_ATTEMPTS = 6
DEFAULT_RETRY_SECONDS = 60
MAX_RETRY_SECONDS = 6 * 3600
# A worker that claimed a message longer ago than this died while sending it.
SENDING_TIMEOUT = timedelta(minutes=15)
# Kept in French in the row (a stored fact); the outbox page shows it in its own language.
INTERRUPTED = N_("Envoi interrompu : non renvoyé, car il a peut-être déjà été reçu.")
SWEEP_BATCH = 500
# Messages claimed, sent, then recorded together by a sweep.
CLAIM_BATCH = 20


def queue_mail(
    to: str,
    subject: str,
    body: str,
    html: str | None = None,
    headers: Mapping[str, str] | None = None,
    user_id: int | None = None,
    notification_kind: str | None = None,
) -> OutboxMessage:
    """Add a message to the outbox in the open transaction (or one of its own).

    A reminder names its account and kind: if the user turns that kind off before delivery,
    it is not sent.
    """
    with transaction() as session:
        message = OutboxMessage(
            recipient=header_text(to)[:320],
            recipient_label=recipient_reference(to),
            subject=header_text(subject)[:300],
            body=body,
            html_body=html,
            headers=dict(headers) if headers else None,
            user_id=user_id,
            notification_kind=notification_kind,
            status="pending",
            attempts=0,
            next_attempt_at=utcnow(),
        )
        session.add(message)
        session.flush()
        message_id = message.id
        after_commit(lambda: enqueue_delivery(message_id))
    return message


def enqueue_delivery(message_id: int, delay: float | None = None) -> None:
    """Ask the worker to deliver a message; if the queue is down, the minute sweep will."""
    from ..jobs import enqueue
    from ..tasks import deliver_mail

    try:
        enqueue(deliver_mail, message_id, delay=delay)
    except Exception as error:  # noqa: BLE001  (the row is committed: the sweep delivers it)
        logger.warning(
            "Message n°%s non mis en file (%s) ; il partira au prochain passage.",
            message_id,
            type(error).__name__,
        )


def deliver(message_id: int, smtp: SmtpSession | None = None) -> str:
    """Deliver one due message if no other worker has it; return its status afterwards."""
    claimed = _claim(select(OutboxMessage.id).where(OutboxMessage.id == message_id))
    if not claimed:
        status = db.session.scalar(
            select(OutboxMessage.status).where(OutboxMessage.id == message_id)
        )
        db.session.rollback()  # end the read
        return status or "missing"
    return _deliver_claimed(claimed, smtp)[message_id]


def deliver_due(limit: int = SWEEP_BATCH) -> int:
    """Deliver the due messages (the worker runs this every minute); return how many left.

    Messages are claimed and recorded by batches of CLAIM_BATCH (two commits per batch, not
    per message) and sent over one SMTP connection. A worker that dies mid-batch leaves its
    claimed messages « sending »: they are marked failed later, never sent twice.
    """
    _give_up_interrupted()
    delivered = 0
    tried = 0
    with SmtpSession() as smtp:
        while tried < limit:
            due = (
                select(OutboxMessage.id)
                .where(
                    OutboxMessage.status == "pending",
                    OutboxMessage.next_attempt_at <= utcnow(),
                )
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                .limit(min(CLAIM_BATCH, limit - tried))
            )
            claimed = _claim(due)
            if not claimed:
                break
            tried += len(claimed)
            outcomes = _deliver_claimed(claimed, smtp)
            delivered += sum(status in {"sent", "logged"} for status in outcomes.values())
    return delivered


def _claim(ids: Select[Any]) -> list[_Outgoing]:
    """Mark the due pending messages among `ids` as being sent, by this worker only."""
    now = utcnow()
    with transaction() as session:
        claimed = session.scalars(
            update(OutboxMessage)
            .where(
                OutboxMessage.id.in_(ids.scalar_subquery()),
                OutboxMessage.status == "pending",
                OutboxMessage.next_attempt_at <= now,
            )
            .values(status="sending", claimed_at=now, attempts=OutboxMessage.attempts + 1)
            .returning(OutboxMessage.id),
            execution_options={"synchronize_session": False},
        ).all()
        if not claimed:
            return []
        rows = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.id.in_(claimed))
            .order_by(OutboxMessage.id)
            .execution_options(populate_existing=True)
        ).all()
        return [_Outgoing(row) for row in rows]


def _deliver_claimed(claimed: list[_Outgoing], smtp: SmtpSession | None) -> dict[int, str]:
    """Send the claimed messages, then record every outcome in one transaction."""
    from .campaign_sending import OPTED_OUT_ERROR, suppressed_messages

    # A reminder whose kind, or a campaign mail whose address, was turned off after it was
    # queued is not sent.
    ids = [data.id for data in claimed]
    blocked = suppressed_messages(ids) | _turned_off(ids)
    outcomes = {
        data.id: ("failed", OPTED_OUT_ERROR, 0.0) if data.id in blocked else _send(data, smtp)
        for data in claimed
    }
    retries: list[tuple[int, float]] = []
    with transaction() as session:
        rows = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.id.in_(list(outcomes)))
            .execution_options(populate_existing=True)
        ).all()
        for message in rows:  # one deleted meanwhile (by an admin) has nothing to record
            status, error, retry_in = outcomes[message.id]
            message.status = status
            message.last_error = error
            if status == "pending":
                message.next_attempt_at = utcnow() + timedelta(seconds=retry_in)
                retries.append((message.id, retry_in))
            else:
                message.finished_at = utcnow()
                message.recipient = None
                message.body = None
                message.html_body = None
                message.headers = None
    for message_id, retry_in in retries:
        enqueue_delivery(message_id, delay=retry_in + 1)
    return {message_id: outcome[0] for message_id, outcome in outcomes.items()}


def _turned_off(message_ids: list[int]) -> set[int]:
    """Of these messages, the reminders whose user has turned their kind off since."""
    return set(
        db.session.scalars(
            select(OutboxMessage.id)
            .join(
                NotificationOptOut,
                (NotificationOptOut.user_id == OutboxMessage.user_id)
                & (NotificationOptOut.kind == OutboxMessage.notification_kind),
            )
            .where(OutboxMessage.id.in_(message_ids))
        )
    )


def _give_up_interrupted() -> None:
    with transaction() as session:
        session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.status == "sending",
                OutboxMessage.claimed_at < utcnow() - SENDING_TIMEOUT,
            )
            .values(
                status="failed",
                finished_at=utcnow(),
                recipient=None,
                body=None,
                html_body=None,
                headers=None,
                last_error=INTERRUPTED,
            )
            .execution_options(synchronize_session=False)
        )


class _Outgoing:
    """What delivery needs of a row, read inside the claim's transaction."""

    def __init__(self, message: OutboxMessage) -> None:
        self.id = message.id
        self.recipient = message.recipient or ""
        self.label = message.recipient_label
        self.subject = message.subject
        self.body = message.body or ""
        self.html = message.html_body
        self.headers = dict(message.headers or {})
        self.attempts = message.attempts


def _send(data: _Outgoing, smtp: SmtpSession | None) -> tuple[str, str | None, float]:
    """Send or log the message: (status, error for the admin, seconds before a retry)."""
    if not smtp_configured():
        mail_logger.warning(
            "E-mail non envoyé (SMTP non configuré). Destinataire : %s\nObjet : %s\nLiens :\n%s",
            *log_summary(data.label, data.subject, data.body),
        )
        return "logged", None, 0
    message = build_message(
        data.recipient,
        data.subject,
        data.body,
        _message_id(data.id),
        html=data.html,
        headers=data.headers,
    )
    try:
        if smtp is None:
            deliver_now(message)
        else:
            smtp.send(message)
    except (smtplib.SMTPException, OSError) as error:
        return _failure(data, error)
    return "sent", None, 0


def _failure(data: _Outgoing, error: Exception) -> tuple[str, str | None, float]:
    config = current_app.config
    reason = _describe(error)
    permanent = _is_permanent(error)
    max_attempts = int(config.get("MAIL_MAX_ATTEMPTS") or DEFAULT_MAX_ATTEMPTS)
    summary = log_summary(data.label, data.subject, data.body)
    if not permanent and data.attempts < max_attempts:
        base = float(config.get("MAIL_RETRY_SECONDS") or DEFAULT_RETRY_SECONDS)
        delay = min(base * 2 ** (data.attempts - 1), MAX_RETRY_SECONDS)
        # The links are logged at every failure, so that an administrator can pass one on
        # at once. No traceback and no error text: SMTP errors quote the refused addresses.
        mail_logger.warning(
            "Échec de l'envoi SMTP (%s), essai %s/%s, nouvel essai dans %s s. "
            "Destinataire : %s\nObjet : %s\nLiens :\n%s",
            reason,
            data.attempts,
            max_attempts,
            int(delay),
            *summary,
        )
        return "pending", reason, delay
    mail_logger.error(
        "Échec de l'envoi SMTP (%s), message abandonné. Destinataire : %s\nObjet : %s\nLiens :\n%s",
        reason,
        *summary,
    )
    return "failed", reason, 0


def _is_permanent(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return 500 <= error.smtp_code < 600
    return False


def _describe(error: Exception) -> str:
    """The error for the admin's list, without the server's text (it may quote an address)."""
    code = getattr(error, "smtp_code", None)
    return f"{type(error).__name__}" + (f" (code {code})" if code else "")


def _message_id(message_id: int) -> str:
    """A Message-ID unique to the row: a receiving server can tell a duplicate."""
    address = parseaddr(str(current_app.config.get("MAIL_FROM") or ""))[1]
    domain = address.rpartition("@")[2] or "assett.localhost"
    return f"<outbox-{message_id}@{domain}>"


def message_counts() -> dict[str, int]:
    """How many messages are in each status (for the platform admin and the health check)."""
    rows: Any = db.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    ).all()
    return {status: int(count) for status, count in rows}


def recent_messages(limit: int = 100) -> list[OutboxMessage]:
    """The latest messages, newest first (subject, reference, status, attempts, error)."""
    return list(
        db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit))
    )
