"""Retaking a theme after completing plan actions: the moved answers come pre-selected."""

from __future__ import annotations

import re
from html import unescape

from flask.testing import FlaskClient
from sqlalchemy import select

from assett.extensions import db
from assett.models import Answer, Assessment
from assett.services import assessments, plans

from . import factories
from .test_plans import assessed  # noqa: F401  (fixture)

TITLE = "Relever chaque mois les compteurs et suivre les factures"


def _snapshot(assessment_id: int) -> list[tuple[object, ...]]:
    rows = db.session.execute(
        select(
            Answer.question_key,
            Answer.value,
            Answer.not_applicable,
            Answer.earned,
            Answer.maximum,
            Answer.counted,
        )
        .where(Answer.assessment_id == assessment_id)
        .order_by(Answer.question_key)
    )
    return [tuple(row) for row in rows]


def _complete(world: factories.World, key: str) -> None:
    item = plans.add_from_catalogue(world.org, key, world.actor)
    plans.update_action(
        item, status="realisee", reason=None, owner_id=None, start_on=None, due_on=None
    )


def test_a_retake_preselects_the_answer_a_completed_action_moved_and_keeps_the_old_one(
    assessed: factories.World,  # noqa: F811
    login_as,  # type: ignore[no-untyped-def]
) -> None:
    org = assessed.org
    previous = assessments.latest_submitted(org.id, "energie")
    assert previous is not None
    before = _snapshot(previous.id)
    frozen = (previous.score, previous.band_key, previous.submitted_at)
    assert dict((row[0], row[1]) for row in before)["suivi_consommations"] == "aucun"
    _complete(assessed, "releve_mensuel_compteurs")
    actor: FlaskClient = login_as(assessed.actor)

    started = actor.post(f"/o/{org.id}/diagnostic/energie/commencer")
    page = actor.get(started.location, follow_redirects=True)

    body = unescape(page.get_data(as_text=True))
    assert page.status_code == 200
    assert f"d'après votre action “{TITLE}” réalisée le" in body
    assert "pré-rempli avec vos réponses du" in body
    checked = re.search(r'<input[^>]*value="mensuel"[^>]*>', body)
    assert checked is not None
    assert "checked" in checked.group(0)
    draft = assessments.draft_for(org.id, "energie")
    assert draft is not None
    assert draft.id != previous.id
    assert assessments.answers_of(draft)["suivi_consommations"].value == "mensuel"
    assert _snapshot(previous.id) == before
    db.session.expire_all()
    again = db.session.get(Assessment, previous.id)
    assert again is not None
    assert (again.score, again.band_key, again.submitted_at) == frozen
    assert again.status == "submitted"


def test_an_answer_the_actor_changed_loses_the_action_sentence(
    assessed: factories.World,  # noqa: F811
    login_as,  # type: ignore[no-untyped-def]
) -> None:
    org = assessed.org
    _complete(assessed, "releve_mensuel_compteurs")
    actor: FlaskClient = login_as(assessed.actor)
    started = actor.post(f"/o/{org.id}/diagnostic/energie/commencer")
    draft = assessments.draft_for(org.id, "energie")
    assert draft is not None
    from assett.domain.scoring import Answer as Reply

    assessments.save_answers(draft, {"suivi_consommations": Reply(value="annuel")})

    body = unescape(actor.get(started.location, follow_redirects=True).get_data(as_text=True))

    assert "d'après votre action" not in body


def test_an_action_not_completed_moves_nothing(
    assessed: factories.World,  # noqa: F811
) -> None:
    org = assessed.org
    plans.add_from_catalogue(org, "releve_mensuel_compteurs", assessed.actor)
    questionnaire = assessments.latest_submitted(org.id, "energie").questionnaire  # type: ignore[union-attr]

    draft = assessments.start_assessment(org, questionnaire, assessed.actor)

    assert assessments.answers_of(draft)["suivi_consommations"].value == "aucun"


def test_the_action_sentence_names_the_catalogue_action_in_english(
    assessed: factories.World,  # noqa: F811
    login_as,  # type: ignore[no-untyped-def]
) -> None:
    org = assessed.org
    _complete(assessed, "releve_mensuel_compteurs")
    actor: FlaskClient = login_as(assessed.actor)
    actor.set_cookie("langue", "en")

    started = actor.post(f"/o/{org.id}/diagnostic/energie/commencer")
    body = unescape(actor.get(started.location, follow_redirects=True).get_data(as_text=True))

    assert "your action “Read the meters every month and follow the bills” completed on" in body
    assert TITLE not in body
