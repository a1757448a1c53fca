"""Campaign reminders: the throttle, the unsubscribe (at queueing and at delivery), the report."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select

from assett.extensions import db
from assett.models import Campaign, CampaignMail, CampaignOptOut, CampaignRecipient, OutboxMessage
from assett.models._base import utcnow
from assett.reporting.campaigns import report
from assett.services import campaigns as service
from assett.services.campaign_sending import (
    OPTED_OUT_ERROR,
    send_campaign,
    send_reminders,
)
from assett.services.outbox import deliver_due

from . import factories
from .smtp import Inbox, smtp_inbox  # noqa: F401 - the fixture
from .test_campaigns import csv_bytes, make_campaign


def _imported(world: factories.World, *rows: str, **fields: Any) -> Any:
    campaign = make_campaign(world, **fields)
    service.import_contacts(campaign, csv_bytes("nom;siret;e-mail", *rows), "l.csv")
    return campaign


def _token(campaign: Any, email: str) -> str:
    link = service.unsubscribe_url(
        campaign.territory_id, service.address_hash(campaign.territory_id, email)
    )
    return link.rsplit("/", 1)[1]


def test_a_reminder_waits_for_the_gap_and_stops_at_the_maximum(
    world: factories.World,
    smtp_inbox: Inbox,  # noqa: F811
) -> None:
    campaign = _imported(world, "Lenoir;;a@lenoir.fr", min_gap_days=7, max_mails=2)
    start = utcnow()
    assert send_campaign(campaign, start).queued == 1
    assert send_reminders(campaign, start + timedelta(days=6)).queued == 0
    assert send_reminders(campaign, start + timedelta(days=7)).queued == 1
    assert send_reminders(campaign, start + timedelta(days=30)).queued == 0  # 2 mails: the max
    received = smtp_inbox.server.wait_for(2)
    assert [r.message["Subject"].startswith("Rappel : ") for r in received] == [False, True]
    row = db.session.scalar(select(CampaignRecipient))
    assert row is not None and row.mail_count == 2  # noqa: PT018


def test_sending_twice_mails_nobody_twice(world: factories.World, smtp_inbox: Inbox) -> None:  # noqa: F811
    campaign = _imported(world, "Lenoir;;a@lenoir.fr")
    assert send_campaign(campaign).queued == 1
    assert send_campaign(campaign).queued == 0
    assert len(smtp_inbox.server.wait_for(1)) == 1


def test_the_one_click_post_unsubscribes_without_a_session(
    world: factories.World,
    client: Any,
    smtp_inbox: Inbox,  # noqa: F811
) -> None:
    campaign = _imported(world, "Lenoir;;a@lenoir.fr", "Pont;;b@pont.fr")
    send_campaign(campaign)
    smtp_inbox.server.wait_for(2)
    token = _token(campaign, "a@lenoir.fr")
    shown = client.get(f"/campagnes/desabonnement/{token}")
    assert shown.status_code == 200
    assert db.session.scalar(select(CampaignOptOut)) is None  # a GET changes nothing
    posted = client.post(
        f"/campagnes/desabonnement/{token}", data={"List-Unsubscribe": "One-Click"}
    )
    assert posted.status_code == 200
    assert service.is_opted_out(
        world.territory.id, service.address_hash(world.territory.id, "a@lenoir.fr")
    )
    result = send_reminders(campaign, utcnow() + timedelta(days=8))
    assert result.queued == 1  # only b@pont.fr
    received = smtp_inbox.server.wait_for(3)
    assert [r.rcpt_tos for r in received[2:]] == [["b@pont.fr"]]


def test_a_forged_unsubscribe_link_is_refused(world: factories.World, client: Any) -> None:
    assert client.get("/campagnes/desabonnement/abc.def").status_code == 400
    assert client.post("/campagnes/desabonnement/" + "x" * 600).status_code == 400


def test_an_address_unsubscribed_in_every_campaign_of_the_territory(
    world: factories.World,
    smtp_inbox: Inbox,  # noqa: F811
) -> None:
    first = _imported(world, "Lenoir;;a@lenoir.fr")
    service.unsubscribe(_token(first, "a@lenoir.fr"))
    second = _imported(world, "Lenoir;;a@lenoir.fr", name="Deuxième")
    assert send_campaign(second).queued == 0


def test_a_mail_queued_before_the_unsubscribe_is_not_delivered(
    app: Flask,
    world: factories.World,
    smtp_inbox: Inbox,  # noqa: F811
    tmp_path: Path,
) -> None:
    # A real queue that nobody consumes: the mails wait in the outbox, as behind a busy worker.
    app.config["QUEUE_URL"] = f"sqlite:///{tmp_path / 'jobs.db'}"
    campaign = _imported(world, "Lenoir;;a@lenoir.fr", "Pont;;b@pont.fr")
    send_campaign(campaign)
    service.unsubscribe(_token(campaign, "a@lenoir.fr"))
    app.config["QUEUE_URL"] = "immediate"
    assert deliver_due() == 1
    (received,) = smtp_inbox.server.wait_for(1)
    assert received.rcpt_tos == ["b@pont.fr"]
    stopped = db.session.scalar(
        select(OutboxMessage)
        .join(CampaignMail, CampaignMail.outbox_message_id == OutboxMessage.id)
        .where(OutboxMessage.status == "failed")
    )
    assert stopped is not None and stopped.last_error == OPTED_OUT_ERROR  # noqa: PT018
    assert stopped.recipient is None and stopped.body is None  # noqa: PT018


def test_the_report_follows_invitees_through_the_app(world: factories.World) -> None:
    version = factories.make_published_version(world.territory)
    campaign = _imported(
        world,
        "Lenoir;73282932000009;a@lenoir.fr",
        "Pont;;b@pont.fr",
        "Rien;;c@rien.fr",
    )
    send_campaign(campaign)
    # a@lenoir.fr: account, organisation by SIRET, one theme of one: all themes.
    lenoir = factories.make_user("a@lenoir.fr")
    org = factories.make_org(world.territory, "Lenoir", members=(lenoir,), siret="73282932000009")
    factories.make_assessment_row(org, version, lenoir)
    # b@pont.fr: account and organisation (membership), no theme.
    pont = factories.make_user("b@pont.fr")
    factories.make_org(world.territory, "Pont", members=(pont,))
    counts = {stage.key: stage.count for stage in report(campaign).stages}
    assert counts == {
        "invited": 3,
        "account": 2,
        "organisation": 2,
        "first_theme": 1,
        "all_themes": 1,
    }
    # The finished invitee is not reminded.
    later = utcnow() + timedelta(days=8)
    assert send_reminders(campaign, later).queued == 2


def test_the_report_page_shows_counts_and_a_chart_but_no_name(
    world: factories.World, login_as: Any
) -> None:
    campaign = _imported(world, "Lenoir;;a@lenoir.fr")
    send_campaign(campaign)
    page = login_as(world.animator).get(f"/t/demo/animation/campagnes/{campaign.id}/rapport")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'data-plotly="' in text
    assert "Lenoir" not in text and "a@lenoir.fr" not in text  # noqa: PT018


def test_a_campaign_of_another_territory_is_not_found(
    world: factories.World, login_as: Any
) -> None:
    campaign = _imported(world, "Lenoir;;a@lenoir.fr")
    foreign_admin = factories.make_user("admin.autre@example.org")
    factories.give_role(foreign_admin, world.other_territory, "animator")
    client = login_as(foreign_admin)
    assert client.get(f"/t/autre/animation/campagnes/{campaign.id}").status_code == 404
    assert client.post(f"/t/autre/animation/campagnes/{campaign.id}/envoyer").status_code == 404


def test_the_demo_campaign_invites_twenty_and_reminds_them(world: factories.World) -> None:
    from assett.demo_campaigns import seed_demo_campaigns

    assert seed_demo_campaigns(world.territory.id) == 40
    assert seed_demo_campaigns(world.territory.id) == 0
    counts = {
        stage.key: stage.count
        for stage in report(db.session.scalars(select(Campaign)).one()).stages
    }
    assert counts["invited"] == 20


def test_an_organisation_export_lists_its_campaign_mails_and_a_deleted_account_leaves(
    world: factories.World,
) -> None:
    from assett.services.data_rights import delete_account, export_data

    campaign = make_campaign(world, kind="relance")
    service.add_organisations(campaign, service.Selection())
    send_campaign(campaign)
    exported = export_data(world.org)["campaigns"]
    assert [(row["campaign"], row["email"], row["mails"]) for row in exported] == [
        ("Invitation 2027", "actrice@example.org", 1)
    ]
    delete_account(world.actor, {world.org.id: "keep"})
    emails = set(db.session.scalars(select(CampaignRecipient.email)))
    assert emails == {"autre.acteur@example.org"}
