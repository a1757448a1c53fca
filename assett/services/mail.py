"""Outgoing e-mail: SMTP when configured, otherwise the message goes to the server log.

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
from email.message import EmailMessage
from typing import Any

from flask import current_app, url_for
from sqlalchemy import func, select

logger = logging.getLogger("assett.mail")

TIMEOUT_SECONDS = 15
LINK = re.compile(r"https?://\S+")


def absolute_url(endpoint: str, **values: Any) -> str:
    """A link for an e-mail, on the configured BASE_URL: never on the request's Host header."""
    base = current_app.config.get("BASE_URL")
    if base:
        return str(base).rstrip("/") + url_for(endpoint, **values)
    # Only in debug and tests, where BASE_URL may be unset.
    return url_for(endpoint, _external=True, **values)


def header_text(value: str) -> str:
    """One line of text for a header: line breaks and control characters become spaces."""
    # Names typed by users end up in subjects; a line break there would start a new header.
    cleaned = "".join(" " if unicodedata.category(char)[0] in "CZ" else char for char in value)
    return " ".join(cleaned.split())


def build_message(to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text UTF-8 message from the configured sender."""
    message = EmailMessage()
    message["From"] = header_text(current_app.config["MAIL_FROM"])
    message["To"] = header_text(to)
    message["Subject"] = header_text(subject)
    message.set_content(body)
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


def _log_summary(to: str, subject: str, body: str) -> tuple[str, str, str]:
    links = "\n".join(LINK.findall(body)) or "(aucun lien)"
    return recipient_reference(to), header_text(subject), links


def send_mail(to: str, subject: str, body: str) -> None:
    """Send an e-mail; without SMTP_HOST (or if sending fails) log its links for an admin."""
    config = current_app.config
    host = config.get("SMTP_HOST")
    if not host:
        logger.warning(
            "E-mail non envoyé (SMTP non configuré). Destinataire : %s\nObjet : %s\nLiens :\n%s",
            *_log_summary(to, subject, body),
        )
        return
    message = build_message(to, subject, body)
    port = int(config.get("SMTP_PORT") or 587)
    try:
        _deliver(message, host, port)
    except (smtplib.SMTPException, OSError) as error:
        # Never a 500 for the user. No traceback: SMTP errors quote the refused addresses.
        logger.error(
            "Échec de l'envoi SMTP via %s:%s (%s). Destinataire : %s\nObjet : %s\nLiens :\n%s",
            host,
            port,
            type(error).__name__,
            *_log_summary(to, subject, body),
        )


def _deliver(message: EmailMessage, host: str, port: int) -> None:
    config = current_app.config
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if port == 465:  # implicit TLS
        smtp = smtplib.SMTP_SSL(host, port, timeout=TIMEOUT_SECONDS, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=TIMEOUT_SECONDS)
    with smtp:
        if port != 465 and config.get("SMTP_STARTTLS"):
            smtp.starttls(context=context)
        if config.get("SMTP_USER"):
            smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
        smtp.send_message(message)
