"""Outgoing e-mail: queued in the outbox, then SMTP when configured, otherwise the server log.

The log never holds an e-mail address, nor a body (a body may quote one): it names the
recipient by account number, or by a keyed hash for an address with no account, and keeps the
subject and the links, so an administrator can still relay a link. Logs are kept longer than a
deleted account, and an address there would outlive the deletion.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import smtplib
import ssl
import unicodedata
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from email.message import EmailMessage
from typing import Any, Literal

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from sqlalchemy import func, select

logger = logging.getLogger("assett.mail")

TIMEOUT_SECONDS = 15
LINK = re.compile(r"https?://\S+")
# Headers a queued message may add to the ones every message has.
EXTRA_HEADERS = frozenset({"list-unsubscribe", "list-unsubscribe-post", "auto-submitted"})
MAX_HEADER_LINE = 998

# What a caller can say of a message it just queued: the worker will hand it to the SMTP
# server, or, with no SMTP configured, write its subject and links to the log.
Delivery = Literal["queued", "not_configured"]


@contextmanager
def written_for(address: str, fallback: str | None = "fr") -> Iterator[None]:
    """Write the mail built inside in its recipient's language.

    The language the account chose with the header's switch; for an address with no account
    (or an account that never chose), `fallback`: French, or None for the page's own language
    when the recipient is the person asking (sign-up, password reset).
    """
    from ..extensions import db
    from ..models import User

    normalised = address.strip().lower()
    language = db.session.scalar(select(User.language).where(func.lower(User.email) == normalised))
    chosen = language or fallback
    if chosen is None:
        yield
        return
    with force_locale(chosen):
        yield


def absolute_url(endpoint: str, **values: Any) -> str:
    """A link for an e-mail, on the configured BASE_URL: never on the request's Host header."""
    base = current_app.config.get("BASE_URL")
    if base:
        if has_request_context():
            return str(base).rstrip("/") + url_for(endpoint, **values)
        # In the worker there is no request: build the path from the URL map alone.
        anchor = values.pop("_anchor", None)
        path = current_app.url_map.bind("localhost", script_name="/").build(endpoint, values)
        return str(base).rstrip("/") + path + (f"#{anchor}" if anchor else "")
    # Only in debug and tests, where BASE_URL may be unset.
    return url_for(endpoint, _external=True, **values)


def header_text(value: str) -> str:
    """One line of text for a header: line breaks and control characters become spaces."""
    # Names typed by users end up in subjects; a line break there would start a new header.
    cleaned = "".join(" " if unicodedata.category(char)[0] in "CZ" else char for char in value)
    return " ".join(cleaned.split())


def build_message(
    to: str,
    subject: str,
    body: str,
    message_id: str | None = None,
    html: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> EmailMessage:
    """A UTF-8 message from the configured sender (text, and HTML when given); every header
    is one line."""
    message = EmailMessage()
    message["From"] = header_text(current_app.config["MAIL_FROM"])
    message["To"] = header_text(to)
    message["Subject"] = header_text(subject)
    if message_id:
        message["Message-ID"] = header_text(message_id)
    for name, value in (headers or {}).items():
        if name.lower() in EXTRA_HEADERS:
            message[name] = header_text(value)
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    # Headers are written on one line up to SMTP's limit: the default policy folds a long
    # List-Unsubscribe URL into encoded words, which no mail client would open.
    message.policy = message.policy.clone(max_line_length=MAX_HEADER_LINE)
    return message


def recipient_reference(address: str) -> str:
    """How logs name a recipient: the account number, or a keyed hash of the address."""
    from ..extensions import db
    from ..models import User

    normalised = address.strip().lower()
    user_id = db.session.scalar(select(User.id).where(func.lower(User.email) == normalised))
    if user_id is not None:
        return f"compte n°{user_id}"
    key = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    digest = hmac.new(key, normalised.encode("utf-8"), hashlib.sha256).hexdigest()[:16]
    return f"adresse réf. {digest}"


def log_summary(recipient_label: str, subject: str, body: str) -> tuple[str, str, str]:
    """What the log may say of a message: who by reference, the subject, the links."""
    links = "\n".join(LINK.findall(body)) or "(aucun lien)"
    return recipient_label, header_text(subject), links


def send_mail(
    to: str,
    subject: str,
    body: str,
    html: str | None = None,
    headers: Mapping[str, str] | None = None,
    user_id: int | None = None,
    notification_kind: str | None = None,
) -> Delivery:
    """Queue an e-mail in the outbox, in the caller's transaction (or a transaction of its own).

    A worker delivers it once the transaction has committed: over SMTP when SMTP_HOST is set,
    otherwise (or if it is refused for good) its subject and links go to the log for an admin.
    """
    from .outbox import queue_mail

    queue_mail(
        to,
        subject,
        body,
        html=html,
        headers=headers,
        user_id=user_id,
        notification_kind=notification_kind,
    )
    return "queued" if smtp_configured() else "not_configured"


def smtp_configured() -> bool:
    """Whether mail goes out over SMTP (otherwise it is written to the log)."""
    return bool(current_app.config.get("SMTP_HOST"))


def deliver_now(message: EmailMessage) -> None:
    """Hand one message to the configured SMTP server; raises smtplib's errors and OSError."""
    with SmtpSession() as smtp:
        smtp.send(message)


class SmtpSession:
    """One connection to the configured SMTP server, opened at the first message and reused
    for the next ones (a sweep of the outbox); closed after an error, reopened at the next."""

    def __init__(self) -> None:
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def send(self, message: EmailMessage) -> None:
        """Send one message; raises smtplib's errors and OSError (the connection is closed)."""
        try:
            if self._smtp is None:
                self._smtp = _connect()
            self._smtp.send_message(message)
        except (smtplib.SMTPException, OSError):
            self.close()
            raise

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            with smtp:  # QUIT, then close the socket whatever the answer
                pass
        except (smtplib.SMTPException, OSError):
            pass


def _connect() -> smtplib.SMTP:
    config = current_app.config
    host = str(config["SMTP_HOST"])
    port = int(config.get("SMTP_PORT") or 587)
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if port == 465:  # implicit TLS
        smtp = smtplib.SMTP_SSL(host, port, timeout=TIMEOUT_SECONDS, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=TIMEOUT_SECONDS)
    try:
        if port != 465 and config.get("SMTP_STARTTLS"):
            smtp.starttls(context=context)
        if config.get("SMTP_USER"):
            smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
    except BaseException:
        smtp.close()
        raise
    return smtp
