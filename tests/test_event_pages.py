"""Event pages: the animator's forms, the actor's registration, iCalendar files, public page."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar
from sqlalchemy import select

from assett.extensions import db
from assett.models import Event, EventRegistration
from assett.reporting.events import workshop_summary
from assett.services import event_outcomes as outcomes
from assett.services import event_registrations as registrations
from assett.services.events import cancel_event

from . import factories
from .events_helpers import make_event
from .notifying import make_action

FORM = {
    "kind": "atelier",
    "title": "Atelier <b>chaleur</b> & co",
    "description": "Récupérer la chaleur.",
    "start_day": "2030-10-27",  # the day clocks go back: 14:00 is winter time (UTC+1)
    "start_time": "14:00",
    "end_time": "16:30",
    "place": "Maison des entreprises",
    "online_url": "",
    "capacity": "12",
    "audience": "territory",
    "is_public": "y",
}


def _calendar(data: bytes) -> Calendar:
    calendar = Calendar.from_ical(data)
    assert isinstance(calendar, Calendar)
    return calendar


def test_the_animator_creates_an_event_from_the_form(world, login_as) -> None:
    client = login_as(world.animator)
    assert client.get("/t/demo/animation/evenements/nouveau").status_code == 200
    response = client.post("/t/demo/animation/evenements/nouveau", data=FORM)
    assert response.status_code == 302
    event = db.session.scalar(select(Event))
    assert event.starts_at == datetime(2030, 10, 27, 13, 0, tzinfo=UTC)
    assert event.is_public
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Atelier &lt;b&gt;chaleur&lt;/b&gt; &amp; co" in page
    assert "<b>chaleur</b>" not in page


def test_a_bad_form_answers_400_naming_the_field(world, login_as) -> None:
    client = login_as(world.animator)
    response = client.post(
        "/t/demo/animation/evenements/nouveau", data={**FORM, "online_url": "ftp://x"}
    )
    assert response.status_code == 400
    assert "Le lien doit être une adresse web" in response.get_data(as_text=True)
    response = client.post("/t/demo/animation/evenements/nouveau", data={**FORM, "capacity": "٣"})
    assert response.status_code == 400
    assert "nombre entier" in response.get_data(as_text=True)
    assert db.session.scalar(select(Event.id)) is None


def test_an_actor_registers_cancels_and_downloads_the_ics(world, login_as) -> None:
    event = make_event(world.territory, world.animator)
    client = login_as(world.actor)
    assert "Atelier chaleur fatale" in client.get("/t/demo/evenements").get_data(as_text=True)
    response = client.post(f"/t/demo/evenements/{event.id}/inscription", data={})
    assert response.status_code == 302
    assert registrations.live_registration(event, world.actor).status == "registered"
    page = client.get(f"/t/demo/evenements/{event.id}").get_data(as_text=True)
    assert "Vous êtes inscrit." in page
    ics = client.get(f"/t/demo/evenements/{event.id}/calendrier.ics")
    assert ics.mimetype == "text/calendar"
    [item] = _calendar(ics.data).walk("VEVENT")
    assert item.decoded("dtstart") == datetime(2030, 6, 12, 12, 0, tzinfo=UTC)
    assert str(item["dtstart"].params["TZID"]) == "Europe/Paris"
    assert str(item["status"]) == "CONFIRMED"
    assert client.post(f"/t/demo/evenements/{event.id}/desinscription").status_code == 302
    assert registrations.live_registration(event, world.actor) is None


def test_the_ics_keeps_its_uid_and_a_cancelled_event_says_so(world, login_as) -> None:
    event = make_event(world.territory, world.animator, is_public=True)
    client = login_as(world.actor)
    first = _calendar(client.get(f"/t/demo/evenements/{event.id}/calendrier.ics").data)
    cancel_event(event)
    second = _calendar(client.get(f"/t/demo/evenements/{event.id}/calendrier.ics").data)
    [before], [after] = first.walk("VEVENT"), second.walk("VEVENT")
    assert str(before["uid"]) == str(after["uid"])
    assert str(after["status"]) == "CANCELLED"
    assert int(after["sequence"]) > int(before["sequence"])
    assert [tz["tzid"] for tz in second.walk("VTIMEZONE")] == ["Europe/Paris"]


def test_the_public_feed_holds_public_events_only_and_no_names(world, client) -> None:
    public = make_event(world.territory, world.animator, title="Visite publique", is_public=True)
    make_event(world.territory, world.animator, title="Réunion interne")
    registrations.register(public, world.actor, world.org.id)
    response = client.get("/t/demo/evenements.ics")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Visite publique" in text
    assert "Réunion interne" not in text
    assert "actrice" not in text
    assert "Boulangerie" not in text
    # Winter and summer dates round-trip through the library.
    [item] = _calendar(response.data).walk("VEVENT")
    assert item.decoded("dtend") == datetime(2030, 6, 12, 14, 30, tzinfo=UTC)


def test_the_territory_page_lists_upcoming_public_events_without_names(world, client) -> None:
    event = make_event(world.territory, world.animator, title="Visite <script>", is_public=True)
    make_event(world.territory, world.animator, title="Réunion interne")
    registrations.register(event, world.actor, world.org.id)
    page = client.get("/t/demo/").get_data(as_text=True)
    assert "Visite &lt;script&gt;" in page
    assert "12 juin 2030, 14 h 00" in page
    assert "Réunion interne" not in page
    assert "actrice" not in page
    assert "Boulangerie Durand" not in page


def test_a_private_event_is_hidden_from_those_it_is_not_open_to(world, login_as, client) -> None:
    world.other_org.sharing = "public"
    db.session.commit()
    event = make_event(
        world.territory, world.animator, audience="invited", invited_ids=[world.other_org.id]
    )
    assert client.get(f"/t/demo/evenements/{event.id}").status_code == 302  # log in first
    actor = login_as(world.actor)
    assert actor.get(f"/t/demo/evenements/{event.id}").status_code == 404
    assert actor.get(f"/t/demo/evenements/{event.id}/calendrier.ics").status_code == 404
    assert actor.post(f"/t/demo/evenements/{event.id}/inscription").status_code == 404


def test_actors_cannot_manage_events(world, login_as) -> None:
    event = make_event(world.territory, world.animator)
    client = login_as(world.actor)
    for url in (
        "/t/demo/animation/evenements",
        "/t/demo/animation/evenements/nouveau",
        f"/t/demo/animation/evenements/{event.id}",
        "/t/demo/animation/ateliers",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/t/demo/animation/evenements/{event.id}/annuler").status_code == 403


def test_attendance_notes_and_outputs_feed_the_summary(world, login_as) -> None:
    past = datetime(2030, 6, 12, 18, 0, tzinfo=UTC)
    event = make_event(world.territory, world.animator)
    reg = registrations.register(event, world.actor, world.org.id)
    world.org.sharing = "animators"
    db.session.commit()
    outcomes.record_attendance(event, {reg.id}, now=past)
    outcomes.save_notes(event, "Bonne dynamique.")
    action = make_action(world.org, title="Récupérer la chaleur du four")
    action.created_at = past
    db.session.commit()
    [candidate] = outcomes.candidates(event)
    assert (candidate.kind, candidate.ref_id) == ("plan_action", action.id)
    client = login_as(world.animator)
    response = client.post(
        f"/t/demo/animation/evenements/{event.id}/resultats",
        data={"output": f"plan_action:{action.id}"},
    )
    assert response.status_code == 302
    assert [o.label for o in outcomes.outputs_of(event)] == ["Récupérer la chaleur du four"]
    assert db.session.get(EventRegistration, reg.id).attended is True
    assert client.get("/t/demo/animation/ateliers").status_code == 200
    summary = workshop_summary(world.territory, now=past)
    assert (summary.held, summary.upcoming) == (1, 0)
    # One organisation only: the participants and outputs are withheld.
    assert summary.participants is None
    assert summary.organisations is None
    assert summary.outputs == {"plan_action": None, "flow": 0, "synergy": 0}


def test_the_summary_shows_figures_over_five_organisations(world) -> None:
    past = datetime(2030, 6, 12, 18, 0, tzinfo=UTC)
    event = make_event(world.territory, world.animator, capacity=10)
    present = set()
    for n in range(5):
        user = factories.make_user(f"participant{n}@example.org")
        org = factories.make_org(world.territory, f"Organisation {n}", members=(user,))
        present.add(registrations.register(event, user, org.id).id)
    outcomes.record_attendance(event, present, now=past)
    summary = workshop_summary(world.territory, now=past)
    assert (summary.participants, summary.organisations) == (5, 5)


def test_another_organisations_unshared_action_cannot_be_linked(world, login_as) -> None:
    event = make_event(world.territory, world.animator)
    registrations.register(event, world.actor, world.org.id)
    action = make_action(world.org, title="Privée")
    client = login_as(world.animator)
    client.post(
        f"/t/demo/animation/evenements/{event.id}/resultats",
        data={"output": f"plan_action:{action.id}"},
    )
    assert outcomes.outputs_of(event) == []


def test_the_meeting_link_goes_only_to_registered_people(world, login_as, client) -> None:
    link = "https://visio.example.org/atelier"
    event = make_event(world.territory, world.animator, online_url=link, is_public=True)
    assert link not in client.get("/t/demo/evenements.ics").get_data(as_text=True)
    actor = login_as(world.actor)
    ics = f"/t/demo/evenements/{event.id}/calendrier.ics"
    assert link not in actor.get(ics).get_data(as_text=True)
    assert link not in actor.get(f"/t/demo/evenements/{event.id}").get_data(as_text=True)
    registrations.register(event, world.actor, world.org.id)
    assert link in actor.get(ics).get_data(as_text=True)
    assert link in actor.get(f"/t/demo/evenements/{event.id}").get_data(as_text=True)
