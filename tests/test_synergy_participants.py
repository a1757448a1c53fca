"""What participants receive and read: mails, home page, contact answers, privacy, data rights."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from assett.clock import local_today
from assett.extensions import db
from assett.models import SynergyParticipant
from assett.services import synergy_pipeline
from assett.services.data_export_files import export_csv_files
from assett.services.data_rights import export_data
from assett.services.notifications import set_preferences
from assett.services.organisations import delete_organisation
from assett.services.reminders import run_notifications
from assett.services.unit_of_work import transaction

from . import factories
from .notifying import NOW, TODAY, days
from .smtp import Inbox, smtp_inbox
from .synergy_helpers import make_flow, make_synergy, sharing, text, words

__all__ = ["smtp_inbox"]


def test_participants_receive_a_mail_when_a_synergy_is_created_and_when_it_moves(
    world: factories.World, smtp_inbox: Inbox
) -> None:
    synergy = make_synergy(world)
    [durand, martin] = sorted(smtp_inbox.server.wait_for(2), key=lambda r: r.rcpt_tos[0])

    assert durand.rcpt_tos == ["actrice@example.org"]
    assert durand.message["Subject"] == "« Boulangerie Durand » participe à une synergie"
    body = smtp_inbox.body(durand.message)
    assert "« Palettes vers la chaufferie »" in body
    assert f"http://localhost/o/{world.org.id}/synergies" in body
    assert durand.message["List-Unsubscribe"].startswith("<http://localhost/desabonnement/")
    assert martin.rcpt_tos == ["autre.acteur@example.org"]

    synergy_pipeline.change_stage(synergy, world.animator, "discussion")
    received = smtp_inbox.server.wait_for(4)[2:]
    assert {r.message["Subject"] for r in received} == {
        "Synergie « Palettes vers la chaufferie » : étape Discussion"
    }
    assert sorted(r.rcpt_tos[0] for r in received) == [
        "actrice@example.org",
        "autre.acteur@example.org",
    ]


def test_a_member_who_turned_synergy_news_off_receives_none(
    world: factories.World, smtp_inbox: Inbox
) -> None:
    set_preferences(world.actor, {"action_due"})

    make_synergy(world)

    [received] = smtp_inbox.server.wait_for(1)
    assert received.rcpt_tos == ["autre.acteur@example.org"]


def test_the_animators_are_reminded_of_a_next_step_by_the_daily_job(
    world: factories.World, smtp_inbox: Inbox
) -> None:
    synergy = make_synergy(world)
    smtp_inbox.server.wait_for(2)
    synergy_pipeline.update_synergy(
        synergy, synergy.title, None, "Visite de la chaufferie", TODAY + days(3)
    )
    later = make_synergy(world, title="Trop tard pour un rappel")
    smtp_inbox.server.wait_for(4)
    synergy_pipeline.update_synergy(later, later.title, None, "Lointaine", TODAY + days(30))

    assert run_notifications(NOW)["synergy_next_step"] == 1
    [reminder] = smtp_inbox.server.wait_for(5)[4:]
    assert reminder.rcpt_tos == ["animateur@example.org"]
    body = smtp_inbox.body(reminder.message)
    assert "Visite de la chaufferie, le 13 mars 2027" in body
    assert f"/t/demo/animation/synergies/suivi/{synergy.id}" in body
    assert "Lointaine" not in body
    assert run_notifications(NOW + days(1))["synergy_next_step"] == 0  # within the gap

    for followed in (synergy, later):
        synergy_pipeline.change_stage(followed, world.animator, "abandonnee", "Plus d'intérêt")
    assert run_notifications(NOW + days(40))["synergy_next_step"] == 0


def test_the_home_page_shows_the_synergies_of_the_organisation(
    world: factories.World, login_as: Any
) -> None:
    make_synergy(world)

    home = words(login_as(world.actor).get(f"/o/{world.org.id}/"))

    assert "Vos synergies" in home
    assert "Nouveau : « Palettes vers la chaufferie » — étape Idée" in home
    assert "L'animation vous demande si vous acceptez d'être mis en contact." in home


def test_a_participant_accepts_or_declines_contact_and_the_answer_is_recorded(
    world: factories.World, login_as: Any
) -> None:
    synergy = make_synergy(world)
    client = login_as(world.actor)
    base = f"/o/{world.org.id}/synergies/{synergy.id}/contact"

    assert client.post(base, data={"answer": "maybe"}).status_code == 400
    assert client.post(base, data={"answer": "decline"}).status_code == 302
    participant = db.session.get(SynergyParticipant, (synergy.id, world.org.id))
    assert participant is not None
    assert participant.contact == "declined"
    assert participant.contact_answered_by_id == world.actor.id
    assert participant.contact_answered_at is not None
    client.post(base, data={"answer": "accept"})
    db.session.refresh(participant)
    assert participant.contact == "accepted"
    pipeline = client.get(f"/t/{world.territory.slug}/animation/synergies/suivi/{synergy.id}")
    assert pipeline.status_code == 403


def test_an_actor_sees_only_its_synergies_and_answers_only_for_its_organisation(
    world: factories.World, login_as: Any
) -> None:
    third = factories.make_org(world.territory, "Menuiserie Leroy", sharing="animators")
    sharing(world.org, world.other_org)
    theirs = synergy_pipeline.create_synergy(
        world.territory,
        world.animator,
        "substitution",
        "Sciure vers litière",
        [world.other_org.id, third.id],
    )
    client = login_as(world.actor)

    page = text(client.get(f"/o/{world.org.id}/synergies"))
    answer = client.post(
        f"/o/{world.org.id}/synergies/{theirs.id}/contact", data={"answer": "accept"}
    )
    other_org = client.get(f"/o/{world.other_org.id}/synergies")

    assert "Sciure vers litière" not in page
    assert answer.status_code == 404
    assert other_org.status_code == 404


def test_another_organisations_name_flows_hidden_quantity_and_site_stay_private(
    world: factories.World, login_as: Any
) -> None:
    sharing(world.org, world.other_org)
    offer = make_flow(world.org, quantity=3.0, yearly_quantity=36.0)
    need = make_flow(
        world.other_org,
        direction="need",
        quantity=7.25,
        yearly_quantity=87.0,
        hide_quantity=True,
        hide_site=True,
        commune_code="76108",
        description="Besoin confidentiel",
    )
    synergy = synergy_pipeline.create_from_flows(
        world.territory, world.animator, "substitution", [offer.id, need.id]
    )
    client = login_as(world.actor)
    url = f"/o/{world.org.id}/synergies"

    before = words(client.get(url))
    assert "Garage Martin" not in before.replace(synergy.title, "")
    assert "une organisation qui n'a pas encore accepté d'être mise en contact" in before

    client.post(f"{url}/{synergy.id}/contact", data={"answer": "accept"})
    with transaction():
        row = db.session.get(SynergyParticipant, (synergy.id, world.other_org.id))
        assert row is not None
        row.contact = "accepted"
    after = words(client.get(url))
    home = words(client.get(f"/o/{world.org.id}/"))

    for page in (after, home):
        assert "7,25" not in page
        assert "7.25" not in page
        assert "Bois-Guillaume" not in page
        assert "76108" not in page
        assert "Besoin confidentiel" not in page
    assert "Garage Martin : Emballages en bois" in after or "Garage Martin :" in after
    assert "3 t par mois" in after  # its own flow, whole


def test_the_organisations_export_holds_its_synergies_and_deletion_removes_it(
    world: factories.World,
) -> None:
    third = factories.make_org(world.territory, "Menuiserie Leroy", sharing="animators")
    synergy = make_synergy(world, orgs=(world.org, world.other_org, third))
    synergy_pipeline.answer_contact(synergy, world.org, world.actor, True)

    data = export_data(world.org)
    csv_text = export_csv_files(world.org)["synergies.csv"].decode("utf-8-sig")

    [entry] = data["synergies"]
    assert entry["title"] == "Palettes vers la chaufferie"
    assert entry["contact"] == "accepted"
    assert entry["contact_answered_by"] == "actrice@example.org"
    assert "Palettes vers la chaufferie" in csv_text
    json.dumps(data)

    with transaction():
        delete_organisation(world.org)
    db.session.expire_all()
    left = set(
        db.session.scalars(
            select(SynergyParticipant.organisation_id).where(
                SynergyParticipant.synergy_id == synergy.id
            )
        )
    )
    assert left == {world.other_org.id, third.id}
    assert local_today()  # the synergy itself stays with its other participants
