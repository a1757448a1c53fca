"""Helpers for the reminder tests: an SMTP server, a clock, actions and submissions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from assett.extensions import db
from assett.models import (
    NotificationLog,
    Organisation,
    PlanAction,
    Questionnaire,
    QuestionnaireVersion,
    Territory,
    User,
)

from . import factories
from .smtp import Received, SmtpServer, smtp_server

# A Wednesday, 07:00 in France: « today » is 10 March 2027 for the reminders.
NOW = datetime(2027, 3, 10, 6, 0, tzinfo=UTC)
TODAY = date(2027, 3, 10)


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


def make_action(
    organisation: Organisation,
    title: str = "Installer des compteurs divisionnaires",
    due_on: date | None = None,
    owner: User | None = None,
    status: str = "a_faire",
    completed_on: date | None = None,
) -> PlanAction:
    action = PlanAction(
        organisation_id=organisation.id,
        theme_key="energie",
        title=title,
        description="",
        improves=[],
        status=status,
        owner_id=owner.id if owner is not None else None,
        due_on=due_on,
        completed_on=completed_on,
    )
    db.session.add(action)
    db.session.commit()
    return action


def provisioned_version(territory: Territory, theme_key: str) -> QuestionnaireVersion:
    """The published version of a theme the territory got from the shipped questionnaires."""
    found = db.session.scalar(
        select(QuestionnaireVersion)
        .join(Questionnaire)
        .where(Questionnaire.territory_id == territory.id, Questionnaire.theme_key == theme_key)
        .where(QuestionnaireVersion.status == "published")
    )
    assert found is not None
    return found


def days(count: int) -> timedelta:
    return timedelta(days=count)


def submit(organisation: Organisation, version: Any, at: datetime) -> Any:
    return factories.make_assessment_row(organisation, version, submitted_at=at)


def text_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def html_of(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None
    return str(part.get_content())


def to(received: list[Received], address: str) -> list[EmailMessage]:
    return [item.message for item in received if item.rcpt_tos == [address]]


def log_keys(user: User) -> list[str]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(NotificationLog.subject_key)
            .where(NotificationLog.user_id == user.id)
            .order_by(NotificationLog.id)
        )
    )
