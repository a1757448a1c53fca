"""Events: registration, waiting list, promotion, cancellation, mails, reminders, access."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from assett.extensions import db
from assett.models import Event, EventRegistration, Organisation
from assett.services import event_registrations as registrations
from assett.services.errors import ServiceError
from assett.services.event_audience import events_for
from assett.services.event_reminders import send_event_reminders
from assett.services.events import cancel_event, update_event
from assett.services.notifications import set_preferences

from . import factories
from .events_helpers import DAY, event_input, make_event
from .smtp import Inbox, smtp_inbox

__all__ = ["smtp_inbox"]


@pytest.fixture
def people(world: factories.World) -> dict[str, object]:
    """Three actors of three organisations of the demo territory."""
    third = factories.make_user("troisieme@example.org")
    third_org = factories.make_org(world.territory, "Menuiserie Petit", members=(third,))
    return {"third": third, "third_org": third_org}


def test_a_seat_then_the_waiting_list_then_promotion_in_order_with_mails(
    world: factories.World, people: dict, smtp_inbox: Inbox
) -> None:
    event = make_event(world.territory, world.animator, capacity=1)
    first = registrations.register(event, world.actor, world.org.id)
    second = registrations.register(event, world.other_actor, world.other_org.id)
    third = registrations.register(event, people["third"], people["third_org"].id)
    assert (first.status, first.seat) == ("registered", 1)
    assert (second.status, second.seat) == ("waitlisted", None)
    assert registrations.waitlist_position(third) == 2

    assert registrations.cancel_registration(event, world.actor)
    db.session.expire_all()
    assert db.session.get(EventRegistration, second.id).status == "registered"
    assert db.session.get(EventRegistration, third.id).status == "waitlisted"
    assert registrations.waitlist_position(db.session.get(EventRegistration, third.id)) == 1

    smtp_inbox.server.wait_for(5)
    subjects = [(m["To"], m["Subject"]) for m in smtp_inbox.messages]
    assert subjects == [
        ("actrice@example.org", "Inscription confirmée : Atelier chaleur fatale"),
        ("autre.acteur@example.org", "Liste d'attente : Atelier chaleur fatale"),
        ("troisieme@example.org", "Liste d'attente : Atelier chaleur fatale"),
        ("actrice@example.org", "Inscription annulée : Atelier chaleur fatale"),
        ("autre.acteur@example.org", "Une place s'est libérée : Atelier chaleur fatale"),
    ]
    body = smtp_inbox.body(smtp_inbox.to("autre.acteur@example.org")[-1])
    assert "12 juin 2030, 14 h 00 – 16 h 30 (heure de Paris)" in body
    assert f"/t/demo/evenements/{event.id}" in body


def _insert_bypassing_the_service(row: EventRegistration) -> None:
    with db.session.begin_nested():
        db.session.add(row)
        db.session.flush()


def test_two_registrations_for_the_last_seat_cannot_both_hold_it(
    world: factories.World, people: dict
) -> None:
    event = make_event(world.territory, world.animator, capacity=1)
    registrations.register(event, world.actor, world.org.id)
    # A writer that skipped the service's lock and count still meets the unique seat.
    taken_seat = EventRegistration(
        event_id=event.id,
        organisation_id=world.other_org.id,
        user_id=world.other_actor.id,
        status="registered",
        seat=1,
    )
    with pytest.raises(IntegrityError):
        _insert_bypassing_the_service(taken_seat)
    second = registrations.register(event, world.other_actor, world.other_org.id)
    assert second.status == "waitlisted"
    assert registrations.registered_count(event.id) == 1


def test_a_person_registers_once(world: factories.World) -> None:
    event = make_event(world.territory, world.animator)
    registrations.register(event, world.actor, world.org.id)
    with pytest.raises(ServiceError, match="déjà inscrit"):
        registrations.register(event, world.actor, world.org.id)


def test_registrations_close_when_the_event_starts(world: factories.World) -> None:
    event = make_event(world.territory, world.animator)
    with pytest.raises(ServiceError, match="commencé"):
        registrations.register(event, world.actor, world.org.id, now=event.starts_at)


def test_an_event_for_a_cohort_is_open_to_its_members_only(world: factories.World) -> None:
    cohort = factories.make_cohort(world.territory, members=(world.org,))
    event = make_event(world.territory, world.animator, audience="cohort", cohort_id=cohort.id)
    assert [e.id for e in events_for(world.actor, world.territory)] == [event.id]
    assert events_for(world.other_actor, world.territory) == []
    with pytest.raises(ServiceError):
        registrations.register(event, world.other_actor, world.other_org.id)


def test_an_event_for_invited_organisations_is_open_to_them_only(world: factories.World) -> None:
    world.other_org.sharing = "animators"
    db.session.commit()
    event = make_event(
        world.territory, world.animator, audience="invited", invited_ids=[world.other_org.id]
    )
    assert events_for(world.actor, world.territory) == []
    assert registrations.register(event, world.other_actor, world.other_org.id).status == (
        "registered"
    )


def test_more_places_promote_the_waiting_list_and_fewer_than_taken_are_refused(
    world: factories.World, people: dict, smtp_inbox: Inbox
) -> None:
    event = make_event(world.territory, world.animator, capacity=1)
    registrations.register(event, world.actor, world.org.id)
    waiting = registrations.register(event, world.other_actor, world.other_org.id)
    update_event(event, event_input(capacity=2))
    db.session.expire_all()
    assert db.session.get(EventRegistration, waiting.id).status == "registered"
    with pytest.raises(ServiceError) as refused:
        update_event(event, event_input(capacity=1))
    assert refused.value.field == "capacity"
    assert db.session.get(Event, event.id).capacity == 2
    assert db.session.get(Event, event.id).sequence == 1


def test_cancelling_an_event_tells_everyone_registered_or_waiting(
    world: factories.World, smtp_inbox: Inbox
) -> None:
    event = make_event(world.territory, world.animator, capacity=1)
    registrations.register(event, world.actor, world.org.id)
    registrations.register(event, world.other_actor, world.other_org.id)
    assert cancel_event(event) == 2
    smtp_inbox.server.wait_for(4)
    assert sorted(
        m["To"] for m in smtp_inbox.messages if m["Subject"].startswith("Événement annulé")
    ) == [
        "actrice@example.org",
        "autre.acteur@example.org",
    ]
    with pytest.raises(ServiceError, match="annulé"):
        registrations.register(event, world.actor, world.org.id)


def test_the_reminder_leaves_the_day_before_once_and_respects_the_opt_out(
    world: factories.World, smtp_inbox: Inbox
) -> None:
    event = make_event(world.territory, world.animator)
    registrations.register(event, world.actor, world.org.id)
    registrations.register(event, world.other_actor, world.other_org.id)
    set_preferences(world.other_actor, ["action_due"])  # turned the event reminder off
    two_days_before = datetime(2030, 6, 10, 6, 10, tzinfo=UTC)
    day_before = datetime(2030, 6, 11, 6, 10, tzinfo=UTC)
    assert send_event_reminders(two_days_before) == 0
    assert send_event_reminders(day_before) == 1
    assert send_event_reminders(day_before + timedelta(hours=1)) == 0
    smtp_inbox.server.wait_for(3)
    reminders = [m for m in smtp_inbox.messages if m["Subject"].startswith("Demain")]
    assert [m["To"] for m in reminders] == ["actrice@example.org"]
    assert reminders[0]["List-Unsubscribe"]
    assert "12 juin 2030, 14 h 00" in smtp_inbox.body(reminders[0])


def test_times_are_typed_in_paris_and_stored_in_utc_across_daylight_saving(
    world: factories.World,
) -> None:
    winter = make_event(world.territory, world.animator, start_day=DAY.replace(month=1))
    summer = make_event(world.territory, world.animator)
    # 31 March 2030: clocks go forward at 02:00; 10:00 that day is summer time.
    switch = make_event(
        world.territory,
        world.animator,
        start_day=DAY.replace(month=3, day=31),
        start_time=time(10, 0),
        end_time=time(11, 0),
    )
    assert winter.starts_at == datetime(2030, 1, 12, 13, 0, tzinfo=UTC)
    assert summer.starts_at == datetime(2030, 6, 12, 12, 0, tzinfo=UTC)
    assert switch.starts_at == datetime(2030, 3, 31, 8, 0, tzinfo=UTC)
    with pytest.raises(ServiceError) as refused:
        make_event(
            world.territory,
            world.animator,
            start_day=DAY.replace(month=3, day=31),
            start_time=time(2, 30),
            end_time=time(4, 0),
        )
    assert refused.value.field == "start_time"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"kind": "fete"}, "kind"),
        ({"start_day": None}, "start_day"),
        ({"end_time": time(13, 0)}, "end_time"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": 10_001}, "capacity"),
        ({"place": "", "online_url": ""}, "place"),
        ({"online_url": "javascript:alert(1)"}, "online_url"),
        ({"online_url": "https://exemple.fr/a b"}, "online_url"),
        ({"audience": "cohort", "cohort_id": None}, "cohort_id"),
        ({"audience": "invited", "invited_ids": []}, "invited_ids"),
        ({"themes": ["inconnu"]}, "themes"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_writes_nothing(
    world: factories.World, fields: dict, field: str
) -> None:
    with pytest.raises(ServiceError) as refused:
        make_event(world.territory, world.animator, **fields)
    assert refused.value.field == field
    assert db.session.scalar(select(Event.id)) is None


@pytest.mark.parametrize("which", ["foreign_org", "org"])
def test_only_organisations_of_the_territory_that_share_can_be_invited(
    world: factories.World, which: str
) -> None:
    """Another territory's organisation, or a private one whose name animators never see."""
    with pytest.raises(ServiceError) as refused:
        make_event(
            world.territory,
            world.animator,
            audience="invited",
            invited_ids=[getattr(world, which).id],
        )
    assert refused.value.field == "invited_ids"


def test_an_organisations_registrations_are_in_its_export_and_deleted_with_it(
    world: factories.World, login_as
) -> None:
    event = make_event(world.territory, world.animator)
    registrations.register(event, world.actor, world.org.id)
    client = login_as(world.actor)
    data = client.get(f"/o/{world.org.id}/export.json").get_json()
    [row] = data["event_registrations"]
    assert (row["event_title"], row["status"], row["member"]) == (
        "Atelier chaleur fatale",
        "registered",
        "actrice@example.org",
    )
    response = client.post(
        "/compte/supprimer",
        data={"password": factories.PASSWORD, f"org_{world.org.id}": "delete"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Organisation, world.org.id) is None
    assert db.session.scalars(select(EventRegistration)).all() == []
