"""The animation's follow-up note on an action of a plan shared with it."""

from __future__ import annotations

import json
from html import unescape

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from assett.domain.plans import FOLLOW_UP_MAX
from assett.extensions import db
from assett.models import PlanAction, PlanFollowUp
from assett.services.data_rights import export_json

from . import factories


@pytest.fixture
def shared_action(world: factories.World) -> PlanAction:
    """An action of the actor's organisation, which shares its results with the animation."""
    world.org.sharing = "animators"
    item = PlanAction(
        organisation_id=world.org.id,
        theme_key="energie",
        catalogue_key=None,
        title="Relever les compteurs chaque mois",
        improves=[],
        status="en_cours",
    )
    db.session.add(item)
    db.session.commit()
    return item


def _url(world: factories.World, item: PlanAction) -> str:
    return f"/t/{world.territory.slug}/animation/organisations/{world.org.id}/plan/{item.id}/suivi"


def _note(item: PlanAction) -> PlanFollowUp | None:
    db.session.expire_all()
    return db.session.scalar(select(PlanFollowUp).where(PlanFollowUp.plan_action_id == item.id))


def test_the_animator_writes_a_note_that_the_organisation_reads(
    world: factories.World, shared_action: PlanAction, login_as
) -> None:  # type: ignore[no-untyped-def]
    animator: FlaskClient = login_as(world.animator)
    field = f"a{shared_action.id}-follow_up"
    response = animator.post(_url(world, shared_action), data={field: "  Bravo, pensez au bilan  "})

    assert response.status_code in (302, 303)
    assert response.headers["Location"].endswith(f"/plan#action-{shared_action.id}")
    note = _note(shared_action)
    assert note is not None
    assert (note.text, note.author_id) == ("Bravo, pensez au bilan", world.animator.id)
    plan = animator.get(f"/t/{world.territory.slug}/animation/organisations/{world.org.id}/plan")
    assert "Bravo, pensez au bilan" in unescape(plan.get_data(as_text=True))

    actor: FlaskClient = login_as(world.actor)
    page = actor.get(f"/o/{world.org.id}/plan/{shared_action.id}")
    body = unescape(page.get_data(as_text=True))
    assert "Suivi de l'animation du territoire" in body
    assert "Bravo, pensez au bilan" in body
    exported = json.loads(export_json(world.org))
    assert [item["follow_up"] for item in exported["action_plan"]] == ["Bravo, pensez au bilan"]


def test_an_empty_note_removes_it(
    world: factories.World, shared_action: PlanAction, login_as
) -> None:  # type: ignore[no-untyped-def]
    animator: FlaskClient = login_as(world.animator)
    field = f"a{shared_action.id}-follow_up"
    animator.post(_url(world, shared_action), data={field: "À revoir en juin"})
    animator.post(_url(world, shared_action), data={field: "   "})

    assert _note(shared_action) is None
    page = login_as(world.actor).get(f"/o/{world.org.id}/plan/{shared_action.id}")
    assert "Suivi de l'animation du territoire" not in unescape(page.get_data(as_text=True))


def test_a_note_too_long_is_refused_naming_the_field_and_nothing_is_written(
    world: factories.World, shared_action: PlanAction, login_as
) -> None:  # type: ignore[no-untyped-def]
    animator: FlaskClient = login_as(world.animator)
    field = f"a{shared_action.id}-follow_up"
    response = animator.post(_url(world, shared_action), data={field: "x" * (FOLLOW_UP_MAX + 1)})

    assert response.status_code == 400
    body = unescape(response.get_data(as_text=True))
    assert f"« Suivi de l'animation » ne doit pas dépasser {FOLLOW_UP_MAX} caractères" in body
    assert _note(shared_action) is None


def test_no_note_on_a_plan_not_shared_nor_by_an_actor_nor_on_another_organisations_action(
    world: factories.World, shared_action: PlanAction, login_as
) -> None:  # type: ignore[no-untyped-def]
    field = f"a{shared_action.id}-follow_up"
    actor: FlaskClient = login_as(world.actor)
    assert actor.post(_url(world, shared_action), data={field: "moi"}).status_code == 403

    animator: FlaskClient = login_as(world.animator)
    other = PlanAction(
        organisation_id=world.other_org.id, theme_key="energie", title="Autre", improves=[]
    )
    db.session.add(other)
    db.session.commit()
    wrong = (
        f"/t/{world.territory.slug}/animation/organisations/{world.org.id}/plan/{other.id}/suivi"
    )
    assert animator.post(wrong, data={f"a{other.id}-follow_up": "x"}).status_code == 404

    world.org.sharing = "private"
    db.session.commit()
    assert animator.post(_url(world, shared_action), data={field: "x"}).status_code == 403
    assert _note(shared_action) is None
    assert db.session.scalar(select(PlanFollowUp.plan_action_id).limit(1)) is None


def test_the_note_goes_with_its_action(
    world: factories.World, shared_action: PlanAction, login_as
) -> None:  # type: ignore[no-untyped-def]
    animator: FlaskClient = login_as(world.animator)
    animator.post(_url(world, shared_action), data={f"a{shared_action.id}-follow_up": "Noté"})
    db.session.delete(db.session.get(PlanAction, shared_action.id))
    db.session.commit()

    assert db.session.scalar(select(PlanFollowUp.plan_action_id).limit(1)) is None
