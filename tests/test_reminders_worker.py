"""The daily reminder job in a real worker process (`flask worker`, SQLite queue), real SMTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from assett import jobs
from assett.extensions import db
from assett.models import NotificationLog
from assett.models._base import utcnow
from assett.services.notifications import enabled_kinds
from assett.services.reminders import local_today
from assett.tasks import send_notifications

from . import factories
from .notifying import make_action, text_of
from .smtp import smtp_server
from .test_jobs import queue, worker

__all__ = ["queue"]

pytestmark = pytest.mark.real_commits


def test_the_worker_sends_a_due_reminder_whose_unsubscribe_link_works(
    app: Flask, queue: str
) -> None:
    world = factories.make_world()
    action = make_action(
        world.org, due_on=local_today(utcnow()) + timedelta(days=3), owner=world.actor
    )

    with smtp_server() as smtp:
        environment = {
            "ASSETT_SMTP_HOST": "127.0.0.1",
            "ASSETT_SMTP_PORT": str(smtp.port),
            "ASSETT_SMTP_STARTTLS": "0",
            "ASSETT_MAIL_FROM": "assett@demo.example",
        }
        with worker(app, queue, **environment):
            jobs.for_app(app)
            send_notifications()  # what the scheduler enqueues each day
            [received] = smtp.wait_for(1, timeout=60)

    assert received.rcpt_tos == ["actrice@example.org"]
    header = received.message["List-Unsubscribe"]
    assert header.startswith("<http://localhost/desabonnement/")
    assert f"http://localhost/o/{world.org.id}/plan/{action.id}" in text_of(received.message)
    db.session.rollback()  # the worker wrote since this session's snapshot began
    assert db.session.scalars(select(NotificationLog.subject_key)).all() == [
        f"plan_action:{action.id}:due"
    ]

    path = header.removeprefix("<http://localhost").removesuffix(">")
    response = app.test_client().post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "action_due" not in enabled_kinds(world.actor.id)
