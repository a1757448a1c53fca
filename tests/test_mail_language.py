"""E-mails are written in their recipient's language, whoever's page sent them."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import refresh

from assett.extensions import db
from assett.models import User
from assett.services import event_registrations as registrations
from assett.services.events import cancel_event

from . import factories
from .events_helpers import make_event
from .smtp import Inbox, smtp_inbox
from .test_auth import choose_password, signup_path

__all__ = ["smtp_inbox"]


def test_the_switch_keeps_an_accounts_language(world: factories.World, login_as) -> None:
    client = login_as(world.actor)

    client.post("/langue", data={"langue": "en", "next": "/mon-espace"})
    db.session.expire_all()
    assert db.session.get(User, world.actor.id).language == "en"

    client.post("/langue", data={"langue": "fr", "next": "/mon-espace"})
    db.session.expire_all()
    assert db.session.get(User, world.actor.id).language == "fr"


def test_an_account_created_on_an_english_page_reads_english(
    client: FlaskClient, world: factories.World, caplog: pytest.LogCaptureFixture
) -> None:
    client.set_cookie("langue", "en")
    path = signup_path(client, "camille@example.org", caplog)

    choose_password(client, path)

    user = db.session.query(User).filter_by(email="camille@example.org").one()
    assert user.language == "en"


def test_each_recipient_reads_the_mail_in_their_language_whatever_the_senders_page(
    app: Flask, world: factories.World, smtp_inbox: Inbox
) -> None:
    world.other_actor.language = "en"
    db.session.commit()
    event = make_event(world.territory, world.animator, capacity=5)
    registrations.register(event, world.actor, world.org.id)
    registrations.register(event, world.other_actor, world.other_org.id)

    # The animator cancels from an English page: each person still reads their own language.
    with app.test_request_context(headers={"Cookie": "langue=en"}):
        refresh()
        cancel_event(event)

    smtp_inbox.server.wait_for(4)
    subjects = {(m["To"], m["Subject"]) for m in smtp_inbox.messages}
    assert subjects == {
        ("actrice@example.org", "Inscription confirmée : Atelier chaleur fatale"),
        ("autre.acteur@example.org", "Registration confirmed: Atelier chaleur fatale"),
        ("actrice@example.org", "Événement annulé : Atelier chaleur fatale"),
        ("autre.acteur@example.org", "Event cancelled: Atelier chaleur fatale"),
    }
    english_body = smtp_inbox.body(smtp_inbox.to("autre.acteur@example.org")[-1])
    assert "This event has been cancelled by the network animation team." in english_body
    assert "Cet événement est annulé" not in english_body
