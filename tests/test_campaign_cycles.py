"""The yearly review cycle: set by the territory, reminded at its start, compared year on year."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime
from typing import Any

import pytest

from assett.domain.campaigns import current_cycle, cycle_window, needs_cycle_reminder
from assett.extensions import db
from assett.reporting.cycles import compare
from assett.services import cycles

from . import factories
from .smtp import Inbox, smtp_inbox  # noqa: F401 - the fixture

START = datetime(2027, 3, 2, 6, 10, tzinfo=UTC)


def test_a_cycle_across_the_new_year_ends_the_next_year() -> None:
    window = cycle_window(2027, 11, 2)
    assert (window.start, window.end) == (date(2027, 11, 1), date(2028, 2, 29))
    assert current_cycle(date(2027, 2, 1), 3, 6).year == 2026
    assert needs_cycle_reminder(date(2027, 2, 28), cycle_window(2027, 3, 6))
    assert not needs_cycle_reminder(date(2027, 3, 1), cycle_window(2027, 3, 6))


def test_the_animator_sets_the_period_and_sees_it(world: factories.World, login_as: Any) -> None:
    client = login_as(world.animator)
    response = client.post(
        "/t/demo/animation/campagnes/cycle", data={"start_month": "3", "end_month": "6"}
    )
    assert response.status_code == 302
    db.session.refresh(world.territory)
    assert (world.territory.cycle_start_month, world.territory.cycle_end_month) == (3, 6)
    page = html.unescape(client.get("/t/demo/animation/campagnes/").get_data(as_text=True))
    assert "campagne" in page and "mars–juin" in page  # noqa: PT018


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"start_month": "3", "end_month": ""}, "le mois de début et le mois de fin"),
        ({"start_month": "13", "end_month": "6"}, "Choisissez des mois"),
    ],
)
def test_a_half_or_bad_period_is_refused(
    world: factories.World, login_as: Any, data: dict[str, str], message: str
) -> None:
    client = login_as(world.animator)
    response = client.post("/t/demo/animation/campagnes/cycle", data=data, follow_redirects=True)
    assert message in html.unescape(response.get_data(as_text=True))
    db.session.refresh(world.territory)
    assert world.territory.cycle_start_month is None


def test_organisations_not_assessed_since_the_start_are_reminded_once(
    world: factories.World,
    smtp_inbox: Inbox,  # noqa: F811
) -> None:
    version = factories.make_published_version(world.territory)
    factories.make_assessment_row(
        world.other_org,
        version,
        world.other_actor,
        submitted_at=datetime(2027, 3, 1, 9, tzinfo=UTC),
    )
    factories.make_assessment_row(
        world.org, version, world.actor, submitted_at=datetime(2026, 4, 1, 9, tzinfo=UTC)
    )
    cycles.set_cycle(world.territory, 3, 6)
    assert cycles.remind_cycle_start(START) == 1
    (received,) = smtp_inbox.server.wait_for(1)
    assert received.rcpt_tos == ["actrice@example.org"]
    assert "campagne 2027 : mars–juin" in received.message["Subject"]
    assert cycles.remind_cycle_start(START.replace(day=5)) == 0  # once per cycle
    assert cycles.remind_cycle_start(START.replace(month=5)) == 0  # only at its start


def test_the_comparison_withholds_figures_over_fewer_than_five(world: factories.World) -> None:
    version = factories.make_published_version(world.territory)
    orgs = [world.org, world.other_org] + [
        factories.make_org(world.territory, f"Organisation {n}") for n in range(4)
    ]
    for index, org in enumerate(orgs):
        factories.make_assessment_row(
            org, version, score=2.0, submitted_at=datetime(2026, 4, 1, tzinfo=UTC)
        )
        if index < 4:
            factories.make_assessment_row(
                org, version, score=3.0, submitted_at=datetime(2027, 4, 1, tzinfo=UTC)
            )
    this, previous, paired = compare(
        world.territory.id, cycle_window(2027, 3, 6), cycle_window(2026, 3, 6)
    )
    assert (previous.participants, previous.mean_score) == (6, 2.0)
    assert (this.participants, this.mean_score) == (None, None)  # 4 organisations
    assert (paired.organisations, paired.mean_change) == (None, None)
