"""Questionnaire pages: button order, resuming at the furthest page, retakes, the leave beacon."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from assett.extensions import db
from assett.models import Assessment
from assett.services import assessments

from . import factories
from .test_assessment import JOURNEY_ANSWERS, fill_url, start, stored
from .test_assessment import theme as theme  # noqa: F401  (the fixture)


def csrf_token_of(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match is not None
    return match.group(1)


def test_previous_comes_before_next_and_enter_still_goes_forward(client, login_as, world, theme):
    login_as(world.actor)
    assessment_id = start(client, world.org)

    html = client.get(fill_url(world.org, assessment_id, 2)).get_data(as_text=True)

    buttons = re.findall(r'<button type="submit" name="action" value="(\w+)"([^>]*)>', html)
    visible = [value for value, attributes in buttons if "aria-hidden" not in attributes]
    assert visible[:2] == ["previous", "next"]
    # The form's first button is the one Enter presses: it moves forward.
    assert buttons[0][0] == "next"
    assert 'tabindex="-1"' in buttons[0][1]


def test_resuming_opens_the_furthest_page_reached(client, login_as, world, theme):
    login_as(world.actor)
    assessment_id = start(client, world.org)
    client.post(fill_url(world.org, assessment_id, 1), data={"action": "next"})
    client.post(fill_url(world.org, assessment_id, 2), data={"action": "next"})
    # Back to page 1 to correct an answer, then « Enregistrer et reprendre plus tard ».
    client.post(fill_url(world.org, assessment_id, 3), data={"action": "previous"})
    client.post(fill_url(world.org, assessment_id, 2), data={"action": "previous"})
    client.post(
        fill_url(world.org, assessment_id, 1),
        data={"q_suivi_factures": "annuel", "action": "save"},
    )

    again = client.post(f"/o/{world.org.id}/diagnostic/energie/commencer")

    assert again.headers["Location"].endswith(fill_url(world.org, assessment_id, 3))
    assert stored(assessment_id)["suivi_factures"] == ("annuel", False)


def test_a_retake_names_the_date_of_the_answers_it_is_prefilled_with(
    client, login_as, world, theme
):
    factories.make_assessment(
        world.org, "energie", JOURNEY_ANSWERS, submitted_at=datetime(2025, 6, 7, 9, tzinfo=UTC)
    )
    login_as(world.actor)
    assessment_id = start(client, world.org)

    html = client.get(fill_url(world.org, assessment_id, 1)).get_data(as_text=True)

    assert "pré-rempli avec vos réponses du 7 juin 2025" in html


def test_a_first_take_says_nothing_about_prefilling(client, login_as, world, theme):
    login_as(world.actor)
    assessment_id = start(client, world.org)

    html = client.get(fill_url(world.org, assessment_id, 1)).get_data(as_text=True)

    assert "pré-rempli" not in html
    assert "quand vous quittez la page" in html


def test_the_leave_beacon_saves_the_page_with_its_csrf_token(
    app, client, login_as, world, theme
):
    login_as(world.actor)
    assessment_id = start(client, world.org)
    app.config["WTF_CSRF_ENABLED"] = True
    token = csrf_token_of(client.get(fill_url(world.org, assessment_id, 2)).get_data(as_text=True))

    response = client.post(
        fill_url(world.org, assessment_id, 2),
        data={"csrf_token": token, "q_actions_sobriete": ["veille"], "action": "leave"},
        content_type="multipart/form-data",
    )

    assert response.status_code == 204
    assert stored(assessment_id) == {"actions_sobriete": (["veille"], False)}
    draft = db.session.get(Assessment, assessment_id)
    assert assessments.resume_page(draft) == 2


def test_the_leave_beacon_without_its_token_saves_nothing(app, client, login_as, world, theme):
    login_as(world.actor)
    assessment_id = start(client, world.org)
    app.config["WTF_CSRF_ENABLED"] = True

    response = client.post(
        fill_url(world.org, assessment_id, 2),
        data={"q_actions_sobriete": ["veille"], "action": "leave"},
        content_type="multipart/form-data",
    )

    assert response.status_code == 400
    assert stored(assessment_id) == {}


def test_the_leave_beacon_refuses_an_invalid_answer_without_saving(
    client, login_as, world, theme
):
    login_as(world.actor)
    assessment_id = start(client, world.org)

    response = client.post(
        fill_url(world.org, assessment_id, 2),
        data={"q_actions_sobriete": ["inconnue"], "action": "leave"},
    )

    assert response.status_code == 400
    assert stored(assessment_id) == {}


def test_to_progress_on_a_scale_names_its_labels(client, login_as, world, theme):
    factories.make_assessment(world.org, "energie", JOURNEY_ANSWERS)
    login_as(world.actor)

    html = client.get(f"/o/{world.org.id}/resultats").get_data(as_text=True)

    suggestions = html[html.index("Pour progresser"):]
    assert "Votre réponse : 2 sur 5." in suggestions
    assert "« 5 sur 5 (Pilotage complet) »" in suggestions
