"""The campaign report counts days in the territory's time (Europe/Paris), not in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime

from assett.reporting.campaigns import report
from assett.services import campaigns as service
from assett.services.campaign_sending import send_campaign

from . import factories
from .test_campaigns import csv_bytes, make_campaign


def _invited_days(world: factories.World, sent_at: datetime) -> tuple[tuple[date, int], ...]:
    campaign = make_campaign(world)
    service.import_contacts(campaign, csv_bytes("nom;e-mail", "Lenoir;a@lenoir.fr"), "l.csv")
    send_campaign(campaign, sent_at)
    stages = {stage.key: stage for stage in report(campaign).stages}
    return stages["invited"].by_day


def test_a_mail_sent_at_half_past_eleven_utc_in_winter_counts_on_the_next_local_day(
    world: factories.World,
) -> None:
    sent_at = datetime(2027, 3, 10, 23, 30, tzinfo=UTC)  # 00:30 in Paris (UTC+1)
    assert _invited_days(world, sent_at) == ((date(2027, 3, 11), 1),)


def test_a_mail_sent_at_half_past_ten_utc_in_summer_counts_on_the_next_local_day(
    world: factories.World,
) -> None:
    sent_at = datetime(2027, 6, 10, 22, 30, tzinfo=UTC)  # 00:30 in Paris (UTC+2)
    assert _invited_days(world, sent_at) == ((date(2027, 6, 11), 1),)


def test_a_mail_sent_in_the_local_evening_stays_on_its_day(world: factories.World) -> None:
    sent_at = datetime(2027, 6, 10, 21, 30, tzinfo=UTC)  # 23:30 in Paris
    assert _invited_days(world, sent_at) == ((date(2027, 6, 10), 1),)
