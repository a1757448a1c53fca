"""The animators' weekly digest: last week's submissions and completed actions, privately."""

from __future__ import annotations

from datetime import UTC, date, datetime

from assett.models import Organisation
from assett.services.reminders import run_notifications

from . import factories
from .notifying import (
    NOW,
    html_of,
    log_keys,
    make_action,
    provisioned_version,
    smtp,
    submit,
    text_of,
)
from .smtp import SmtpServer

__all__ = ["smtp"]

# NOW is Wednesday 10 March 2027: the digest covers Monday 1 to Sunday 7 March.
LAST_WEEK = datetime(2027, 3, 3, 10, 0, tzinfo=UTC)


def orgs(world: factories.World, count: int, sharing: str, prefix: str) -> list[Organisation]:
    return [
        factories.make_org(world.territory, f"{prefix} {index}", sharing=sharing)
        for index in range(1, count + 1)
    ]


def test_the_digest_names_only_sharing_organisations_and_withholds_a_small_count(
    world: factories.World, smtp: SmtpServer
) -> None:
    version = factories.make_published_version(world.territory)
    sharing = factories.make_org(world.territory, "Menuiserie Partage", sharing="animators")
    private = orgs(world, 2, "private", "Secrète")
    for organisation in (sharing, *private):
        submit(organisation, version, LAST_WEEK)
    make_action(private[0], "Action privée", status="realisee", completed_on=date(2027, 3, 2))
    make_action(sharing, "Action partagée", status="realisee", completed_on=date(2027, 3, 5))
    submit(world.foreign_org, version, LAST_WEEK)  # another territory

    assert run_notifications(NOW)["weekly_digest"] == 1
    [received] = smtp.wait_for(1)
    assert received.rcpt_tos == ["animateur@example.org"]
    message = received.message
    assert message["Subject"] == "Territoire de démonstration : la semaine du réseau"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    for part in (text_of(message), html_of(message)):
        assert "du 1 mars 2027 au 7 mars 2027" in part
        assert "Menuiserie Partage : Énergie" in part
        assert "Menuiserie Partage : Action partagée" in part
        assert "Secrète" not in part
        assert "Action privée" not in part
        assert "Scierie" not in part
        assert "Nombre non communiqué" in part
        assert "par 3 organisations" not in part
        assert "par 2 organisations" not in part
    assert log_keys(world.animator) == [f"weekly_digest:territory:{world.territory.id}:2027-W09"]


def test_the_digest_counts_when_neither_the_count_nor_the_unnamed_part_is_small(
    world: factories.World, smtp: SmtpServer
) -> None:
    version = factories.make_published_version(world.territory)
    for organisation in orgs(world, 6, "private", "Membre"):
        submit(organisation, version, LAST_WEEK)

    run_notifications(NOW)

    [received] = smtp.wait_for(1)
    text = text_of(received.message)
    assert "6 auto-évaluations envoyées par 6 organisations." in text
    assert "Membre" not in text
    assert "Aucune action réalisée cette semaine." in text


def test_five_sharing_and_two_private_organisations_give_no_count_that_reveals_the_two(
    world: factories.World, smtp: SmtpServer
) -> None:
    version = factories.make_published_version(world.territory)
    for organisation in [*orgs(world, 5, "public", "Ouverte"), *orgs(world, 2, "private", "Close")]:
        submit(organisation, version, LAST_WEEK)

    run_notifications(NOW)

    text = text_of(smtp.wait_for(1)[0].message)
    assert "7 organisations" not in text
    assert "Nombre non communiqué" in text
    assert all(f"Ouverte {index} : Énergie" in text for index in range(1, 6))
    assert "Close" not in text


def test_the_digest_is_sent_once_a_week_and_not_for_a_quiet_week(
    world: factories.World, smtp: SmtpServer
) -> None:
    version = factories.make_published_version(world.territory)
    submit(world.org, version, LAST_WEEK)

    assert run_notifications(NOW)["weekly_digest"] == 1
    assert run_notifications(NOW.replace(day=13))["weekly_digest"] == 0  # same week
    assert run_notifications(NOW.replace(day=17))["weekly_digest"] == 0  # nothing 8–14 March
    smtp.wait_for(1)
    assert len(smtp.messages) == 1


def test_the_digest_goes_to_animators_only(world: factories.World, smtp: SmtpServer) -> None:
    version = factories.make_published_version(world.territory)
    submit(world.org, version, LAST_WEEK)

    run_notifications(NOW)

    assert [item.rcpt_tos for item in smtp.wait_for(1)] == [["animateur@example.org"]]
    assert log_keys(world.admin) == []
    assert log_keys(world.actor) == []


def test_an_english_animator_reads_themes_and_catalogue_actions_in_english(
    world: factories.World, smtp: SmtpServer
) -> None:
    from assett.services import plans

    factories.provision_defaults(world.territory)
    world.animator.language = "en"
    sharing = factories.make_org(world.territory, "Menuiserie Partage", sharing="animators")
    item = plans.add_from_catalogue(sharing, "indicateurs_dechets", world.actor)
    item.status, item.completed_on = "realisee", date(2027, 3, 5)
    make_action(sharing, "Action partagée", status="realisee", completed_on=date(2027, 3, 4))
    energy = provisioned_version(world.territory, "energie")
    submit(sharing, energy, LAST_WEEK)

    assert run_notifications(NOW)["weekly_digest"] == 1
    [received] = smtp.wait_for(1)
    text = text_of(received.message)
    assert "Menuiserie Partage: Energy" in text
    assert "Menuiserie Partage: Action partagée, Track waste indicators every quarter" in text
    assert "Suivre des indicateurs" not in text
    assert "Open the dashboard: http" in text  # English punctuation before the link
