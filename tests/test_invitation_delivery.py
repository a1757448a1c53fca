"""A new invitation says what becomes of its e-mail: on its way, or only in the server log."""

from __future__ import annotations

import html
import logging
import re
from typing import Any

import pytest
from sqlalchemy import select

from assett.extensions import db
from assett.models import OutboxMessage

from . import factories
from .smtp import Inbox, smtp_inbox  # noqa: F401 - the fixture

LINK = re.compile(r'value="(http[^"]+/invitation/[^"]+)"')


def _text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_without_smtp_the_page_says_no_mail_left_and_the_link_is_in_the_log(
    login_as: Any, world: factories.World, caplog: pytest.LogCaptureFixture
) -> None:
    client = login_as(world.actor)

    with caplog.at_level(logging.WARNING, logger="assett.mail"):
        response = client.post(f"/o/{world.org.id}/membres", data={"email": "collegue@example.org"})

    text = _text(response)
    link = LINK.search(response.get_data(as_text=True))
    assert link is not None
    assert "Aucun e-mail n'a été envoyé à collegue@example.org" in text
    assert "l'envoi d'e-mails n'est pas configuré sur ce serveur" in text
    assert "Il a aussi été écrit dans le journal du serveur." in text
    assert "part par e-mail" not in text
    assert html.unescape(link.group(1)) in caplog.text


def test_with_smtp_the_invitation_is_mailed_and_the_page_says_so(
    login_as: Any,
    world: factories.World,
    smtp_inbox: Inbox,  # noqa: F811
) -> None:
    client = login_as(world.actor)

    response = client.post(f"/o/{world.org.id}/membres", data={"email": "collegue@example.org"})

    text = _text(response)
    link = LINK.search(response.get_data(as_text=True))
    assert link is not None
    assert "L'invitation part par e-mail à collegue@example.org." in text
    assert "journal du serveur" not in text
    [mail] = smtp_inbox.to("collegue@example.org")
    assert mail["Subject"] == "Invitation à rejoindre Boulangerie Durand"
    assert html.unescape(link.group(1)) in Inbox.body(mail)


def test_when_the_smtp_server_refuses_the_message_waits_in_the_outbox(
    app: Any, login_as: Any, world: factories.World
) -> None:
    # Nothing listens on this port: the connection is refused.
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=5699, SMTP_STARTTLS=False)
    client = login_as(world.actor)

    response = client.post(f"/o/{world.org.id}/membres", data={"email": "collegue@example.org"})

    assert response.status_code == 200
    assert LINK.search(response.get_data(as_text=True)) is not None
    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert message.recipient == "collegue@example.org"
    assert message.status == "pending"
    assert message.attempts == 1


def test_a_link_without_an_address_is_just_ready(login_as: Any, world: factories.World) -> None:
    text = _text(login_as(world.actor).post(f"/o/{world.org.id}/membres", data={"email": ""}))

    assert "Le lien d'invitation est prêt." in text
    assert "e-mail" not in text.split("Le lien d'invitation est prêt.")[1].split("</div>")[0]


def test_a_territory_role_invitation_sent_by_smtp_says_so(
    login_as: Any,
    world: factories.World,
    smtp_inbox: Inbox,  # noqa: F811
) -> None:
    client = login_as(world.platform_admin)

    response = client.post(
        f"/plateforme/territoires/{world.other_territory.id}/roles",
        data={"email": "elue@caux.example.fr", "role": "animator"},
    )

    assert "L'invitation part par e-mail à elue@caux.example.fr." in _text(response)
    assert len(smtp_inbox.to("elue@caux.example.fr")) == 1


def test_a_territory_role_invitation_without_smtp_says_where_the_link_is(
    login_as: Any, world: factories.World
) -> None:
    client = login_as(world.platform_admin)

    response = client.post(
        f"/plateforme/territoires/{world.other_territory.id}/roles",
        data={"email": "elue@caux.example.fr", "role": "animator"},
    )

    text = _text(response)
    assert "Aucun e-mail n'a été envoyé à elue@caux.example.fr" in text
    assert "journal du serveur" in text
