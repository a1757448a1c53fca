"""A reminder turned off between its queueing and its delivery is not sent."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import select

from assett.extensions import db
from assett.models import OutboxMessage
from assett.services.campaign_sending import OPTED_OUT_ERROR
from assett.services.notification_mail import Mail, Section
from assett.services.notifications import send_notification, set_preferences
from assett.services.outbox import deliver_due

from . import factories
from .smtp import Inbox, smtp_inbox  # noqa: F401 - the fixture


def _mail(_subjects: object) -> Mail:
    return Mail(subject="Rappel", sections=(Section(paragraphs=("Texte",)),), reason="Membre")


def test_a_reminder_queued_then_turned_off_is_not_delivered(
    app: Flask,
    world: factories.World,
    smtp_inbox: Inbox,  # noqa: F811
    tmp_path: Path,
) -> None:
    # A real queue that nobody consumes: the mail waits in the outbox, as behind a busy worker.
    app.config["QUEUE_URL"] = f"sqlite:///{tmp_path / 'jobs.db'}"
    assert send_notification(world.actor, "reassessment", {"x:1": 1}, _mail)
    assert send_notification(world.other_actor, "reassessment", {"x:1": 1}, _mail)
    set_preferences(world.actor, {"action_due", "action_overdue", "weekly_digest"})
    app.config["QUEUE_URL"] = "immediate"
    assert deliver_due() == 1
    (received,) = smtp_inbox.server.wait_for(1)
    assert received.rcpt_tos == ["autre.acteur@example.org"]
    stopped = db.session.scalar(select(OutboxMessage).where(OutboxMessage.status == "failed"))
    assert stopped is not None
    assert stopped.last_error == OPTED_OUT_ERROR
    assert stopped.user_id == world.actor.id
