"""The action plan's services: suggestions from the catalogue, adding, updating, steps, notes."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from assett.clock import LOCAL_TIMEZONE
from assett.domain.definitions import Question
from assett.domain.scoring import applicable_questions
from assett.extensions import db
from assett.models import PlanAction, PlanStep
from assett.services import assessments, plans
from assett.services.errors import ServiceError
from assett.services.questionnaires import definition_of, published_version

from . import factories

ROOT = Path(__file__).resolve().parent.parent


def lowest(question: Question) -> object:
    if question.type == "multiple_choice":
        return [question.options[-1].key]
    if question.type == "scale":
        return 0
    if question.type == "yes_no":
        return "non"
    return question.options[0].key


@pytest.fixture
def assessed(app: Flask, world: factories.World) -> factories.World:
    """The actor's organisation has answered the energy theme as a beginner."""
    questionnaire = factories.publish_theme(world.territory, ROOT / "questionnaires/1-energie.yaml")
    version = published_version(questionnaire)
    assert version is not None
    profile = assessments.profile_of(world.org)
    answers = {
        question.key: lowest(question)
        for _category, question in applicable_questions(definition_of(version), profile)
    }
    factories.make_assessment(world.org, "energie", answers)
    return world


def test_suggestions_come_from_the_latest_assessment_best_gain_first(
    assessed: factories.World,
) -> None:
    suggested = plans.suggested_actions(assessed.org)

    assert len(suggested) >= 5  # those for « premiers pas » (the bands filter the others)
    assert {s.theme_key for s in suggested} == {"energie"}
    gains = [round(s.theme_gain, 9) for s in suggested]
    assert gains == sorted(gains, reverse=True)
    # A green contract moves two answers: 2 × 1 (offre verte) + 2 × 3 (share 3 of 5) = 8
    # weighted points; monthly readings one: 3 × 2 = 6.
    keys = [s.action.key for s in suggested]
    assert keys[:2] == ["contrat_electricite_verte", "releve_mensuel_compteurs"]
    assert suggested[0].moved == ("production_renouvelable", "part_renouvelable")


def test_an_added_action_leaves_the_suggestions_and_cannot_be_added_twice(
    assessed: factories.World,
) -> None:
    item = plans.add_from_catalogue(assessed.org, "releve_mensuel_compteurs", assessed.actor)

    assert (item.status, item.theme_key, item.created_by_id) == (
        "a_faire",
        "energie",
        assessed.actor.id,
    )
    assert item.improves == [{"question": "suivi_consommations", "to": "mensuel"}]
    keys = [s.action.key for s in plans.suggested_actions(assessed.org)]
    assert "releve_mensuel_compteurs" not in keys
    with pytest.raises(ServiceError) as refused:
        plans.add_from_catalogue(assessed.org, "releve_mensuel_compteurs", assessed.actor)
    assert refused.value.field == "action"
    with pytest.raises(ServiceError, match="n'existe pas"):
        plans.add_from_catalogue(assessed.org, "inventee", assessed.actor)
    assert db.session.scalar(select(func.count(PlanAction.id))) == 1


def test_an_abandoned_catalogue_action_can_be_taken_up_again(assessed: factories.World) -> None:
    first = plans.add_from_catalogue(assessed.org, "plan_sobriete", assessed.actor)
    plans.update_action(
        first,
        status="abandonnee",
        reason="Locaux déménagés",
        owner_id=None,
        start_on=None,
        due_on=None,
    )

    again = plans.add_from_catalogue(assessed.org, "plan_sobriete", assessed.actor)

    assert again.id != first.id
    assert [row.status for row in plans.plan_of(assessed.org)] == ["a_faire", "abandonnee"]


def test_a_custom_action_needs_a_title_a_theme_of_the_territory_and_known_questions(
    assessed: factories.World,
) -> None:
    org, actor = assessed.org, assessed.actor
    for title, theme, questions, field in [
        ("  ", "energie", [], "title"),
        ("Isoler", "astrologie", [], "theme"),
        ("Isoler", "energie", ["renovation", "inventee"], "questions"),
        ("x" * 201, "energie", [], "title"),
    ]:
        with pytest.raises(ServiceError) as refused:
            plans.add_custom(org, actor, title, theme, questions)
        assert refused.value.field == field

    item = plans.add_custom(org, actor, "  Isoler   les combles ", "energie", ["renovation"])

    assert (item.title, item.catalogue_key, item.improves) == (
        "Isoler les combles",
        None,
        [{"question": "renovation"}],
    )


def test_updating_an_action_checks_reason_dates_and_owner(
    assessed: factories.World,
) -> None:
    item = plans.add_from_catalogue(assessed.org, "plan_sobriete", assessed.actor)
    refusals = [
        ({"status": "abandonnee", "reason": " "}, "reason"),
        ({"start_on": date(2027, 3, 1), "due_on": date(2027, 2, 1)}, "due_on"),
        ({"owner_id": assessed.other_actor.id}, "owner"),
        ({"status": "terminee"}, "status"),
    ]
    for change, field in refusals:
        values = {
            "status": "en_cours",
            "reason": None,
            "owner_id": None,
            "start_on": None,
            "due_on": None,
            **change,
        }
        with pytest.raises(ServiceError) as refused:
            plans.update_action(item, **values)  # type: ignore[arg-type]
        assert refused.value.field == field
    db.session.refresh(item)
    assert (item.status, item.owner_id) == ("a_faire", None)

    plans.update_action(
        item,
        status="realisee",
        reason=None,
        owner_id=assessed.actor.id,
        start_on=date(2027, 1, 10),
        due_on=date(2027, 6, 30),
    )

    db.session.refresh(item)
    assert (item.status, item.owner_id, item.completed_on) == (
        "realisee",
        assessed.actor.id,
        datetime.now(LOCAL_TIMEZONE).date(),  # the day in France, whatever the server's zone
    )


def test_steps_and_notes_are_kept_in_order(assessed: factories.World) -> None:
    item = plans.add_from_catalogue(assessed.org, "plan_sobriete", assessed.actor)
    first = plans.add_step(item, "Afficher les consignes")
    plans.add_step(item, "Programmer les thermostats")
    plans.set_step_done(item, first.id, True)
    plans.add_note(item, assessed.actor, "Consignes affichées dans l'atelier.")
    with pytest.raises(ServiceError):
        plans.add_note(item, assessed.actor, "   ")
    with pytest.raises(ServiceError):
        plans.add_step(item, "")

    db.session.expire_all()
    steps = db.session.scalars(select(PlanStep).order_by(PlanStep.position)).all()
    assert [(s.title, s.done, s.position) for s in steps] == [
        ("Afficher les consignes", True, 0),
        ("Programmer les thermostats", False, 1),
    ]
    assert [note.text for note in item.notes] == ["Consignes affichées dans l'atelier."]


def test_the_plan_is_in_the_organisations_export_and_goes_with_it(
    assessed: factories.World,
) -> None:
    from assett.services.data_rights import export_data

    item = plans.add_from_catalogue(assessed.org, "plan_sobriete", assessed.actor)
    plans.update_action(
        item,
        status="en_cours",
        reason=None,
        owner_id=assessed.actor.id,
        start_on=None,
        due_on=date(2027, 6, 30),
    )
    plans.add_step(item, "Afficher les consignes")
    plans.add_note(item, assessed.actor, "C'est parti.")

    [exported] = export_data(assessed.org)["action_plan"]

    assert exported["catalogue_key"] == "plan_sobriete"
    assert (exported["status"], exported["owner"], exported["due_on"]) == (
        "en_cours",
        "actrice@example.org",
        "2027-06-30",
    )
    assert exported["steps"] == [{"title": "Afficher les consignes", "done": False}]
    assert exported["notes"][0]["text"] == "C'est parti."
    assert exported["notes"][0]["author"] == "actrice@example.org"

    db.session.delete(assessed.org)
    db.session.flush()
    db.session.expire_all()
    assert db.session.scalar(select(func.count(PlanAction.id))) == 0
    assert db.session.scalar(select(func.count(PlanStep.id))) == 0
