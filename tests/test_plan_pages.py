"""The plan's pages as an actor uses them: suggestions, adding, following an action."""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from assett.extensions import db
from assett.models import PlanAction, PlanNote, PlanStep

from . import factories
from .test_plans import assessed  # noqa: F401  (fixture)


def text(response) -> str:  # type: ignore[no-untyped-def]
    return unescape(response.get_data(as_text=True))


@pytest.fixture
def actor(assessed: factories.World, login_as) -> FlaskClient:  # type: ignore[no-untyped-def]  # noqa: F811
    return login_as(assessed.actor)


def test_the_plan_page_shows_suggestions_with_their_gain_and_adds_one(
    actor: FlaskClient,
    assessed: factories.World,  # noqa: F811
) -> None:
    org = assessed.org
    page = actor.get(f"/o/{org.id}/plan")

    assert page.status_code == 200
    body = text(page)
    assert "Actions suggérées" in body
    assert "Choisir une offre d'électricité verte" in body
    assert re.search(r"\+0,\d sur le thème", body)
    flat = re.sub(r"[ \n]+", " ", body)
    assert "coût indicatif 0 à 2\u202f000 € · durée 0,5 à 3 mois" in flat
    assert "Votre plan ne contient encore aucune action" in body

    added = actor.post(f"/o/{org.id}/plan/ajouter", data={"action": "contrat_electricite_verte"})

    item = db.session.scalar(select(PlanAction))
    assert item is not None
    assert added.status_code == 302
    assert added.location.endswith(f"/o/{org.id}/plan/{item.id}")
    again = text(actor.get(f"/o/{org.id}/plan"))
    assert f'href="/o/{org.id}/plan/{item.id}">Choisir une offre' in again  # in the plan
    assert 'value="contrat_electricite_verte"' not in again  # no longer suggested
    twice = actor.post(
        f"/o/{org.id}/plan/ajouter",
        data={"action": "contrat_electricite_verte"},
        follow_redirects=True,
    )
    assert "déjà dans votre plan" in text(twice)


def test_a_custom_action_with_no_title_is_refused_naming_the_field(
    actor: FlaskClient,
    assessed: factories.World,  # noqa: F811
) -> None:
    org = assessed.org
    refused = actor.post(
        f"/o/{org.id}/plan/nouvelle", data={"custom-title": " ", "custom-theme": "energie"}
    )
    assert refused.status_code == 400
    assert "Donnez un titre à l'action." in text(refused)

    made = actor.post(
        f"/o/{org.id}/plan/nouvelle",
        data={"custom-title": "Isoler les combles", "custom-theme": "energie"},
    )
    assert made.status_code == 302
    assert "Isoler les combles" in text(actor.get(made.location))


def test_following_an_action_status_dates_steps_and_notes(
    actor: FlaskClient,
    assessed: factories.World,  # noqa: F811
) -> None:
    org = assessed.org
    actor.post(f"/o/{org.id}/plan/ajouter", data={"action": "plan_sobriete"})
    item = db.session.scalar(select(PlanAction))
    assert item is not None
    url = f"/o/{org.id}/plan/{item.id}"
    base = {"action-status": "en_cours", "action-owner": str(assessed.actor.id)}

    abandoned = actor.post(url, data={**base, "action-status": "abandonnee"})
    assert abandoned.status_code == 400
    assert "Indiquez pourquoi l'action est abandonnée." in text(abandoned)
    backwards = actor.post(
        url, data={**base, "action-start_on": "2027-03-01", "action-due_on": "2027-02-01"}
    )
    assert backwards.status_code == 400
    assert "L'échéance ne peut pas précéder la date de début." in text(backwards)
    garbled = actor.post(url, data={**base, "action-due_on": "31/02/2027"})
    assert garbled.status_code == 400
    assert "pas une date valide" in text(garbled)

    saved = actor.post(
        url, data={**base, "action-start_on": "2027-01-10", "action-due_on": "2027-06-30"}
    )
    assert saved.status_code == 302
    db.session.refresh(item)
    assert (item.status, item.owner_id, str(item.due_on)) == (
        "en_cours",
        assessed.actor.id,
        "2027-06-30",
    )

    assert (
        actor.post(f"{url}/etapes", data={"step-step": "Afficher les consignes"}).status_code == 302
    )
    step = db.session.scalar(select(PlanStep))
    assert step is not None
    actor.post(f"{url}/etapes/cocher", data={"step_id": str(step.id), "done": "1"})
    assert actor.post(f"{url}/notes", data={"note-note": " "}).status_code == 400
    actor.post(f"{url}/notes", data={"note-note": "Thermostats réglés à 19 °C."})

    page = text(actor.get(url))
    assert "<s>Afficher les consignes</s>" in page
    assert "Thermostats réglés à 19 °C." in page
    db.session.refresh(step)
    assert step.done
    assert db.session.scalar(select(PlanNote.author_id)) == assessed.actor.id


def test_another_organisations_plan_and_actions_are_not_found(
    assessed: factories.World,  # noqa: F811
    login_as,  # type: ignore[no-untyped-def]
) -> None:
    owner = login_as(assessed.actor)
    owner.post(f"/o/{assessed.org.id}/plan/ajouter", data={"action": "plan_sobriete"})
    item = db.session.scalar(select(PlanAction))
    assert item is not None

    stranger = login_as(assessed.other_actor)
    assert stranger.get(f"/o/{assessed.org.id}/plan").status_code == 404
    assert stranger.get(f"/o/{assessed.org.id}/plan/{item.id}").status_code == 404
    assert stranger.get(f"/o/{assessed.other_org.id}/plan/{item.id}").status_code == 404
    assert (
        stranger.post(
            f"/o/{assessed.other_org.id}/plan/{item.id}/notes", data={"note-note": "x"}
        ).status_code
        == 404
    )


def test_an_anonymous_visitor_is_sent_to_log_in(
    client: FlaskClient, world: factories.World
) -> None:
    response = client.get(f"/o/{world.org.id}/plan")
    assert response.status_code == 302
    assert "/connexion" in response.location
