"""Outgoing e-mail: SMTP when configured, otherwise the message goes to the server log."""

from __future__ import annotations

import logging
import smtplib
import ssl
import unicodedata
from email.message import EmailMessage

from flask import current_app, url_for

logger = logging.getLogger("assett.mail")

TIMEOUT_SECONDS = 15


def absolute_url(endpoint: str, **values: str) -> str:
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


def send_mail(to: str, subject: str, body: str) -> None:
    """Send an e-mail; without SMTP_HOST (or if sending fails) log it so an admin can relay it."""
    config = current_app.config
    host = config.get("SMTP_HOST")
    if not host:
        logger.warning(
            "E-mail non envoyé (SMTP non configuré). Destinataire : %s\nObjet : %s\n\n%s",
            to,
            subject,
            body,
        )
        return
    message = build_message(to, subject, body)
    port = int(config.get("SMTP_PORT") or 587)
    try:
        _deliver(message, host, port)
    except (smtplib.SMTPException, OSError):
        # Never a 500 for the user: the message stays readable in the log.
        logger.exception(
            "Échec de l'envoi SMTP via %s:%s. Destinataire : %s\nObjet : %s\n\n%s",
            host,
            port,
            to,
            subject,
            body,
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
