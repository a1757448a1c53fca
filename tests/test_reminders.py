"""Reminder mails for actions and reassessment, received by a real SMTP server (aiosmtpd).

The clock is passed in (`run_notifications(now)`); jobs run at once (QUEUE_URL=immediate).
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import select

from assett.extensions import db
from assett.jobs import huey
from assett.models import Membership, User
from assett.services.notifications import set_preferences
from assett.services.reminders import run_notifications
from assett.tasks import send_notifications

from . import factories
from .notifying import (
    NOW,
    TODAY,
    days,
    html_of,
    log_keys,
    make_action,
    provisioned_version,
    smtp,
    submit,
    text_of,
    to,
)
from .smtp import SmtpServer

__all__ = ["smtp"]


def test_an_action_due_in_seven_days_reminds_its_owner_once_with_a_one_click_unsubscribe(
    world: factories.World, smtp: SmtpServer
) -> None:
    action = make_action(world.org, due_on=TODAY + days(7), owner=world.actor)

    assert run_notifications(NOW)["action_due"] == 1
    [received] = smtp.wait_for(1)
    message = received.message
    assert received.rcpt_tos == ["actrice@example.org"]
    assert message["Subject"] == "Une action de « Boulangerie Durand » arrive à échéance"
    unsubscribe = re.fullmatch(
        r"<(http://localhost/desabonnement/[\w.-]+)>", message["List-Unsubscribe"]
    )
    assert unsubscribe is not None
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Each header is written on one physical line, the URL unencoded.
    raw_lines = received.raw.decode("ascii", "replace").splitlines()
    assert f"List-Unsubscribe: <{unsubscribe[1]}>" in raw_lines
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in raw_lines
    text, html = text_of(message), html_of(message)
    for part in (text, html):
        assert "Installer des compteurs divisionnaires" in part
        assert "17 mars 2027" in part
        assert f"/o/{world.org.id}/plan/{action.id}" in part
        assert unsubscribe[1] in part
    assert "Bonjour," in text
    assert log_keys(world.actor) == [f"plan_action:{action.id}:due"]

    # The next days, still due within 7 days: not reminded again within the gap.
    for later in (1, 3, 6):
        assert run_notifications(NOW + days(later))["action_due"] == 0
    assert len(smtp.messages) == 1


def test_an_overdue_action_is_reminded_again_only_after_the_minimum_gap(
    app: Flask, world: factories.World, smtp: SmtpServer
) -> None:
    app.config["NOTIFICATION_MIN_GAP_DAYS"] = 14
    action = make_action(world.org, due_on=TODAY - days(1), owner=world.actor, status="en_cours")

    assert run_notifications(NOW)["action_overdue"] == 1
    assert run_notifications(NOW + days(13))["action_overdue"] == 0
    assert run_notifications(NOW + days(14) + days(1))["action_overdue"] == 1

    received = smtp.wait_for(2)
    assert [item.message["Subject"] for item in received] == [
        "Une action de « Boulangerie Durand » a dépassé son échéance"
    ] * 2
    assert log_keys(world.actor) == [f"plan_action:{action.id}:overdue"] * 2


def test_an_action_without_owner_reminds_every_member_in_one_mail_per_member(
    world: factories.World, smtp: SmtpServer
) -> None:
    colleague = factories.make_user("collegue@example.org")
    db.session.add(Membership(user_id=colleague.id, organisation_id=world.org.id))
    db.session.commit()
    make_action(world.org, "Première action", due_on=TODAY + days(2))
    make_action(world.org, "Seconde action", due_on=TODAY + days(5))

    assert run_notifications(NOW)["action_due"] == 2
    received = smtp.wait_for(2)
    for address in ("actrice@example.org", "collegue@example.org"):
        [message] = to(received, address)
        assert message["Subject"] == "2 actions de « Boulangerie Durand » arrivent à échéance"
        assert "Première action" in text_of(message)
        assert "Seconde action" in text_of(message)


def test_an_owner_who_left_the_organisation_is_replaced_by_its_members(
    world: factories.World, smtp: SmtpServer
) -> None:
    make_action(world.org, due_on=TODAY + days(3), owner=world.other_actor)  # not a member

    run_notifications(NOW)

    assert [item.rcpt_tos for item in smtp.wait_for(1)] == [["actrice@example.org"]]


def test_done_paused_abandoned_far_or_other_territory_actions_are_not_reminded(
    world: factories.World, smtp: SmtpServer
) -> None:
    make_action(world.org, "Réalisée", due_on=TODAY + days(3), status="realisee")
    make_action(world.org, "En pause", due_on=TODAY - days(3), status="en_pause")
    make_action(world.org, "Lointaine", due_on=TODAY + days(8))
    make_action(world.org, "Aujourd'hui", due_on=TODAY)
    make_action(world.org, "Trop ancienne", due_on=TODAY - days(91))
    make_action(world.org, "Sans échéance")
    world.territory.is_active = False
    make_action(world.org, "Territoire fermé", due_on=TODAY + days(2))

    assert run_notifications(NOW) == {
        "action_due": 0,
        "action_overdue": 0,
        "reassessment": 0,
        "weekly_digest": 0,
        "synergy_next_step": 0,
    }
    world.territory.is_active = True
    db.session.commit()
    assert run_notifications(NOW)["action_due"] == 1  # only « Territoire fermé », now open
    [received] = smtp.wait_for(1)
    assert "Territoire fermé" in text_of(received.message)
    assert "Lointaine" not in text_of(received.message)


def test_a_user_who_opted_out_of_a_kind_gets_none_of_it_and_still_gets_the_others(
    world: factories.World, smtp: SmtpServer
) -> None:
    set_preferences(world.actor, {"action_overdue", "reassessment", "weekly_digest"})
    make_action(world.org, "Bientôt", due_on=TODAY + days(7), owner=world.actor)
    make_action(world.org, "En retard", due_on=TODAY - days(2), owner=world.actor)

    counts = run_notifications(NOW)

    assert counts["action_due"] == 0
    assert counts["action_overdue"] == 1
    [received] = smtp.wait_for(1)
    assert "En retard" in text_of(received.message)
    assert "Bientôt" not in text_of(received.message)
    assert all(":due" not in key for key in log_keys(world.actor))


def test_a_theme_is_due_for_reassessment_after_the_territorys_delay(
    world: factories.World, smtp: SmtpServer
) -> None:
    version = factories.make_published_version(world.territory)
    colleague = factories.make_user("collegue@example.org")
    db.session.add(Membership(user_id=colleague.id, organisation_id=world.org.id))
    assessment = submit(world.org, version, NOW - days(200))  # about 6 and a half months
    submit(world.other_org, version, NOW - days(100))

    assert run_notifications(NOW)["reassessment"] == 0  # 12 months by default
    world.territory.reassessment_months = 6
    db.session.commit()

    assert run_notifications(NOW)["reassessment"] == 2  # both members of the first org
    received = smtp.wait_for(2)
    assert sorted(item.rcpt_tos[0] for item in received) == [
        "actrice@example.org",
        "collegue@example.org",
    ]
    message = received[0].message
    assert (
        message["Subject"] == "« Boulangerie Durand » : le moment de refaire votre auto-évaluation"
    )
    assert "Énergie : dernière auto-évaluation le 22 août 2026" in text_of(message)
    assert "6 mois" in html_of(message)
    assert log_keys(world.actor) == [f"assessment:{assessment.id}:reassessment"]
    assert run_notifications(NOW + days(1))["reassessment"] == 0


def test_a_new_submission_ends_the_reassessment_reminders(
    world: factories.World, smtp: SmtpServer
) -> None:
    version = factories.make_published_version(world.territory)
    submit(world.org, version, NOW - days(400))
    submit(world.org, version, NOW - days(10))

    assert run_notifications(NOW)["reassessment"] == 0


def test_the_links_are_built_on_the_base_url_in_the_worker(
    app: Flask, world: factories.World, smtp: SmtpServer
) -> None:
    app.config["BASE_URL"] = "https://assett.example.fr"
    make_action(world.org, due_on=TODAY + days(7), owner=world.actor)

    run_notifications(NOW)  # in an app context, with no request, as in the worker

    [received] = smtp.wait_for(1)
    assert received.message["List-Unsubscribe"].startswith(
        "<https://assett.example.fr/desabonnement/"
    )
    assert f"https://assett.example.fr/o/{world.org.id}/plan" in text_of(received.message)
    assert "https://assett.example.fr/compte#notifications" in text_of(received.message)


def test_the_daily_job_is_a_periodic_task_of_the_worker(
    world: factories.World, smtp: SmtpServer
) -> None:
    from datetime import datetime

    names = {task.name for task in huey.read_periodic(datetime(2027, 3, 10, 6, 0))}
    assert "send_notifications" in names
    assert "send_notifications" not in {
        task.name for task in huey.read_periodic(datetime(2027, 3, 10, 7, 0))
    }
    send_notifications.call_local()  # with the real clock: nothing due, nothing sent
    assert smtp.messages == []
    assert isinstance(world.actor, User)


@pytest.mark.parametrize(
    ("typed", "stored", "status"),
    [
        ("6", 6, 302),
        ("", 12, 302),  # empty: unchanged
        ("0", 12, 400),
        ("61", 12, 400),
        ("douze", 12, 400),
        ("²", 12, 400),
        ("-3", 12, 400),
    ],
)
def test_the_platform_admin_sets_the_territorys_reassessment_delay(
    world: factories.World, login_as, typed: str, stored: int, status: int
) -> None:  # type: ignore[no-untyped-def]
    client = login_as(world.platform_admin)
    url = f"/plateforme/territoires/{world.territory.id}"
    assert 'value="12"' in client.get(url).get_data(as_text=True)

    response = client.post(
        url,
        data={
            "name": "Territoire de démonstration",
            "main_colour": "#1b6b4f",
            "is_active": "y",
            "reassessment_months": typed,
        },
    )

    assert response.status_code == status
    if status == 400:
        assert "Indiquez un nombre entier de mois, de 1 à 60." in response.get_data(as_text=True)
    db.session.refresh(world.territory)
    assert world.territory.reassessment_months == stored


def test_deleting_an_account_removes_its_choices_and_reminder_log(
    world: factories.World, smtp: SmtpServer
) -> None:
    from sqlalchemy import func

    from assett.models import NotificationLog, NotificationOptOut
    from assett.services.data_rights import delete_account

    make_action(world.org, due_on=TODAY + days(7), owner=world.actor)
    run_notifications(NOW)
    set_preferences(world.actor, set())
    delete_account(world.actor, {world.org.id: "delete"})

    for model in (NotificationLog, NotificationOptOut):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0


def test_user_text_is_escaped_in_the_html_part_and_the_outbox_keeps_nothing_once_sent(
    world: factories.World, smtp: SmtpServer
) -> None:

    from assett.models import OutboxMessage

    make_action(world.org, '<img src=x onerror="alert(1)">', due_on=TODAY + days(4))

    run_notifications(NOW)

    [received] = smtp.wait_for(1)
    html = html_of(received.message)
    assert "<img" not in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html
    assert '<img src=x onerror="alert(1)">' in text_of(received.message)
    db.session.expire_all()
    [row] = db.session.scalars(select(OutboxMessage)).all()
    assert (row.status, row.body, row.html_body, row.headers) == ("sent", None, None, None)


def test_reminders_name_catalogue_actions_and_themes_in_the_recipients_language(
    world: factories.World, smtp: SmtpServer
) -> None:
    from assett.services import plans

    factories.provision_defaults(world.territory)
    world.actor.language = "en"
    item = plans.add_from_catalogue(world.org, "indicateurs_dechets", world.actor)
    item.due_on, item.owner_id = TODAY + days(7), world.actor.id
    own = make_action(world.org, "Réparer la chaudière", due_on=TODAY + days(7), owner=world.actor)
    energy = provisioned_version(world.territory, "energie")
    submit(world.org, energy, NOW - days(400))
    db.session.commit()

    counts = run_notifications(NOW)

    assert (counts["action_due"], counts["reassessment"]) == (1, 1)
    received = {item.message["Subject"]: text_of(item.message) for item in smtp.wait_for(2)}
    due = received['2 actions of "Boulangerie Durand" are coming due']
    assert '"Track waste indicators every quarter": due on 17 March 2027' in due
    assert "Suivre des indicateurs" not in due
    assert f'"{own.title}": due on 17 March 2027' in due  # typed: as written
    [reassess] = [text for subject, text in received.items() if "self-assessment" in subject]
    assert "Energy: last self-assessment on" in reassess
    assert "Énergie" not in reassess
