"""The mail outbox against a real SMTP server (aiosmtpd); jobs run at once (QUEUE_URL=immediate).

The worker process itself is exercised in tests/test_jobs.py.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from assett.extensions import db
from assett.models import OutboxMessage
from assett.models._base import utcnow
from assett.services.mail import send_mail
from assett.services.outbox import deliver, deliver_due
from assett.services.unit_of_work import transaction

from . import factories
from .smtp import SmtpServer, smtp_server


@pytest.fixture
def smtp(app: Flask) -> Iterator[SmtpServer]:
    with smtp_server() as server:
        app.config.update(
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=server.port,
            SMTP_STARTTLS=False,
            MAIL_FROM="ASSETT <assett@demo.example>",
        )
        yield server


def outbox() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_reset_request_reaches_the_smtp_server_with_its_subject_recipient_and_link(
    client: FlaskClient, world: factories.World, smtp: SmtpServer
) -> None:
    client.post("/mot-de-passe-oublie", data={"email": "actrice@example.org"})

    [received] = smtp.wait_for(1)
    assert received.rcpt_tos == ["actrice@example.org"]
    assert received.message["To"] == "actrice@example.org"
    assert received.message["From"] == "ASSETT <assett@demo.example>"
    assert received.message["Subject"] == "Réinitialisation de votre mot de passe"
    body = received.message.get_content()
    assert re.search(r"http://localhost/reinitialiser/\S+", body)
    [row] = outbox()
    assert row.status == "sent"
    assert row.attempts == 1
    assert received.message["Message-ID"] == f"<outbox-{row.id}@demo.example>"
    # Once sent, the row keeps no address and no body (the link is a secret).
    assert row.recipient is None
    assert row.body is None
    assert row.recipient_label == f"compte n°{world.actor.id}"


def test_a_sign_up_confirmation_and_an_invitation_are_sent_too(
    client: FlaskClient, world: factories.World, smtp: SmtpServer, login_as
) -> None:  # type: ignore[no-untyped-def]
    client.post("/t/demo/inscription", data={"email": "nouvelle@example.org"})
    login_as(world.actor).post(f"/o/{world.org.id}/membres", data={"email": "collegue@example.org"})

    received = smtp.wait_for(2)
    by_recipient = {item.rcpt_tos[0]: item.message for item in received}
    assert by_recipient["nouvelle@example.org"]["Subject"] == "Création de votre compte"
    assert "/t/demo/inscription/" in by_recipient["nouvelle@example.org"].get_content()
    assert "/invitation/" in by_recipient["collegue@example.org"].get_content()


def test_a_line_break_in_a_subject_or_address_never_adds_a_header_or_a_recipient(
    app: Flask, smtp: SmtpServer
) -> None:
    send_mail(
        "victime@example.org\r\nBcc: espion@example.org",
        "Bonjour\r\nBcc: espion@example.org\nX-Injected: oui",
        "Corps\r\n.\r\nMAIL FROM:<x@y>\r\n",
    )

    [received] = smtp.wait_for(1)
    assert received.rcpt_tos == ["victime@example.org"]
    headers = {name.lower() for name in received.message.keys()}
    assert "bcc" not in headers
    assert "x-injected" not in headers
    assert received.message["Subject"] == "Bonjour Bcc: espion@example.org X-Injected: oui"


def test_a_rolled_back_change_sends_nothing(app: Flask, smtp: SmtpServer) -> None:
    def failing_change() -> None:
        with transaction():
            send_mail("quelquun@example.org", "Sujet", "Corps")
            raise RuntimeError("the business change fails")

    with pytest.raises(RuntimeError):
        failing_change()

    assert outbox() == []
    send_mail("quelquun@example.org", "Le suivant", "Corps")
    assert [item.message["Subject"] for item in smtp.wait_for(1)] == ["Le suivant"]


def test_a_message_is_never_sent_twice(app: Flask, smtp: SmtpServer) -> None:
    send_mail("quelquun@example.org", "Une seule fois", "Corps")
    smtp.wait_for(1)
    [row] = outbox()

    assert deliver(row.id) == "sent"
    assert deliver_due() == 0
    assert len(smtp.messages) == 1
    assert outbox()[0].attempts == 1


def test_a_temporary_refusal_is_retried_later_with_a_growing_delay(
    app: Flask, smtp: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="assett.mail")
    smtp.refusals = ["451 4.3.0 Try again later", "421 4.3.2 Busy"]
    before = utcnow()
    send_mail("quelquun@example.org", "Patience", "Le lien : https://exemple.org/x")

    [row] = outbox()
    assert row.status == "pending"
    assert row.attempts == 1
    assert row.last_error == "SMTPDataError (code 451)"
    first_delay = row.next_attempt_at - before
    assert timedelta(seconds=59) < first_delay < timedelta(seconds=62)
    assert "https://exemple.org/x" in caplog.text  # an admin can pass the link on at once
    assert deliver_due() == 0  # not due yet

    _make_due(row.id)
    assert deliver_due() == 0
    row = outbox()[0]
    assert row.attempts == 2
    assert timedelta(seconds=118) < row.next_attempt_at - utcnow() < timedelta(seconds=122)

    _make_due(row.id)
    assert deliver_due() == 1
    assert [item.message["Subject"] for item in smtp.wait_for(1)] == ["Patience"]
    row = outbox()[0]
    assert (row.status, row.attempts, row.body) == ("sent", 3, None)


def test_a_permanent_refusal_fails_at_once_and_logs_the_links_not_the_address(
    app: Flask, smtp: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="assett.mail")
    smtp.refusals = ["550 5.1.1 <inconnu@example.org>: no such user"]
    send_mail("inconnu@example.org", "Refusé", "Le lien : https://exemple.org/lien")

    [row] = outbox()
    assert (row.status, row.attempts, row.recipient, row.body) == ("failed", 1, None, None)
    assert row.last_error == "SMTPDataError (code 550)"
    assert "message abandonné" in caplog.text
    assert "https://exemple.org/lien" in caplog.text
    assert "inconnu@example.org" not in caplog.text
    assert smtp.messages == []


def test_after_the_last_attempt_a_message_is_given_up(app: Flask, smtp: SmtpServer) -> None:
    app.config["MAIL_MAX_ATTEMPTS"] = 2
    smtp.refusals = ["451 4.3.0 later", "451 4.3.0 later", "250 never reached"]
    send_mail("quelquun@example.org", "Abandon", "Corps")
    _make_due(outbox()[0].id)

    deliver_due()

    [row] = outbox()
    assert (row.status, row.attempts) == ("failed", 2)
    assert deliver_due() == 0
    assert smtp.messages == []


def test_a_message_interrupted_while_sending_is_marked_failed_and_not_sent_again(
    app: Flask, smtp: SmtpServer
) -> None:
    with transaction() as session:
        session.add(
            OutboxMessage(
                recipient="quelquun@example.org",
                recipient_label="adresse réf. x",
                subject="Interrompu",
                body="Corps",
                status="sending",
                attempts=1,
                claimed_at=utcnow() - timedelta(minutes=20),
            )
        )

    assert deliver_due() == 0

    [row] = outbox()
    assert row.status == "failed"
    assert "non renvoyé" in (row.last_error or "")
    assert smtp.messages == []


def test_without_smtp_the_message_is_logged_and_marked_so(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="assett.mail")
    send_mail("quelquun@example.org", "Sans SMTP", "Le lien : https://exemple.org/y")

    [row] = outbox()
    assert (row.status, row.body, row.recipient) == ("logged", None, None)
    assert "Sans SMTP" in caplog.text
    assert "https://exemple.org/y" in caplog.text
    assert "quelquun@example.org" not in caplog.text


def test_the_outbox_refuses_a_status_the_code_never_writes(app: Flask) -> None:
    from sqlalchemy.exc import IntegrityError

    db.session.add(
        OutboxMessage(recipient_label="x", subject="s", status="perdu", attempts=0)
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def _make_due(message_id: int) -> None:
    """Move the next attempt to now, as if the backoff delay had passed."""
    with transaction() as session:
        message = session.get(OutboxMessage, message_id)
        assert message is not None
        message.next_attempt_at = utcnow()


def test_the_platform_admin_sees_the_outbox_without_addresses(
    client: FlaskClient, world: factories.World, login_as  # type: ignore[no-untyped-def]
) -> None:
    client.post("/mot-de-passe-oublie", data={"email": "actrice@example.org"})
    send_mail("inconnue@example.org", "Bienvenue", "Corps")

    page = login_as(world.platform_admin).get("/plateforme/courriels")

    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Réinitialisation de votre mot de passe" in body
    assert f"compte n°{world.actor.id}" in body
    assert "Écrit dans le journal (SMTP non configuré) : 2" in body
    assert "@example.org" not in body


def test_a_sweep_delivers_every_due_message_even_after_one_is_refused(
    app: Flask, smtp: SmtpServer
) -> None:
    with transaction() as session:
        for index in range(4):
            session.add(
                OutboxMessage(
                    recipient=f"personne{index}@example.org",
                    recipient_label=f"adresse réf. {index}",
                    subject=f"Message {index}",
                    body="Corps",
                    status="pending",
                    attempts=0,
                )
            )
    smtp.refusals = ["550 5.1.1 no such user"]  # the first one, over the sweep's connection

    assert deliver_due() == 3

    assert [row.status for row in outbox()] == ["failed", "sent", "sent", "sent"]
    assert sorted(item.message["Subject"] for item in smtp.wait_for(3)) == [
        "Message 1",
        "Message 2",
        "Message 3",
    ]
