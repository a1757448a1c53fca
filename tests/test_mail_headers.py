"""User-supplied text never breaks a mail header: names with line breaks give one-line headers."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from assett.extensions import db
from assett.services.mail import build_message, header_text

from . import factories
from .smtp import Inbox, smtp_inbox  # noqa: F401 - the fixture

# Every character that starts a new line somewhere: mail parsers, Python's splitlines, Unicode.
BREAKS = ["\r\n", "\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


def test_an_invitation_for_an_organisation_named_with_line_breaks_arrives_with_one_subject_line(
    login_as: Any,
    world: factories.World,
    smtp_inbox: Inbox,  # noqa: F811
) -> None:
    # Forms refuse such names today; rows written before, or by the CLI, may still hold them.
    world.org.name = "Boulangerie\r\nBcc: espion@example.org\nX-Faux: 1\u2028Durand\u2029"
    world.actor.display_name = "Claire\r\nBcc: espion@example.org\u2028Durand"
    db.session.commit()
    client = login_as(world.actor)

    response = client.post(f"/o/{world.org.id}/membres", data={"email": "collegue@example.org"})

    assert response.status_code == 200
    [mail] = smtp_inbox.messages
    assert mail["Subject"] == (
        "Invitation à rejoindre Boulangerie Bcc: espion@example.org X-Faux: 1 Durand"
    )
    assert mail["Bcc"] is None
    assert mail["X-Faux"] is None
    assert mail.get_all("To") == ["collegue@example.org"]
    assert [key for key in mail if key.lower() not in {"from", "to", "subject", "message-id"}] == [
        "Content-Type",
        "Content-Transfer-Encoding",
        "MIME-Version",
    ]
    assert "/invitation/" in Inbox.body(mail)


@pytest.mark.parametrize("line_break", BREAKS, ids=[f"U+{ord(b[-1]):04X}" for b in BREAKS])
def test_every_kind_of_line_break_becomes_a_space_in_a_header(app: Flask, line_break: str) -> None:
    subject = f"Invitation à rejoindre Atelier{line_break}Bcc: espion@example.org"

    with app.app_context():
        message = build_message("collegue@example.org", subject, "Corps.")

    assert header_text(subject) == "Invitation à rejoindre Atelier Bcc: espion@example.org"
    raw = message.as_bytes()
    headers = raw.split(b"\n\n", 1)[0].decode("ascii")
    assert "\nBcc:" not in headers
    assert message["Subject"] == "Invitation à rejoindre Atelier Bcc: espion@example.org"
