"""The catalogue and the definitions kept per process follow every edit at the next call.

Several processes serve one database and share no memory: what a process keeps is looked up
under a key read from the database at each call, so an edit made anywhere is seen at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select, update

from assett import create_app
from assett.extensions import db
from assett.models import Questionnaire, TerritoryAction
from assett.services import drafts, editor, offered_actions, plans
from assett.services import territory_catalogue as catalogue
from assett.services.questionnaires import definition_of, published_version

from . import factories
from .conftest import test_config
from .test_plans import ROOT, assessed  # noqa: F401  # the fixture


def values(title: str = "Éteindre les veilles la nuit") -> dict[str, object]:
    """An action's fields as the form gives them to the service."""
    return {
        "title": title,
        "description": "Programmer des prises coupe-veille sur les postes et les écrans.",
        "improves": "referent_energie = oui",
        "effort": "faible",
        "cost_min": 0,
        "cost_max": 200,
        "duration_min": 0.5,
        "duration_max": 1,
    }


def energy_keys(world: factories.World) -> list[str]:
    offered = offered_actions.catalogue_for(world.territory.id).get("energie")
    return [action.key for action in offered.actions] if offered else []


def titles(world: factories.World) -> dict[str, str]:
    offered = offered_actions.catalogue_for(world.territory.id)["energie"]
    return {action.key: str(action.title) for action in offered.actions}


def energy_questionnaire(world: factories.World) -> Questionnaire:
    found: Questionnaire | None = db.session.scalar(
        select(Questionnaire).where(
            Questionnaire.territory_id == world.territory.id, Questionnaire.theme_key == "energie"
        )
    )
    assert found is not None
    return found


def test_an_action_added_changed_moved_retired_and_restored_is_seen_at_the_next_call(
    assessed: factories.World,  # noqa: F811
) -> None:
    catalogue.ensure_copy(assessed.territory)
    first = energy_keys(assessed)

    row = catalogue.create_action(assessed.territory, "energie", values())
    assert energy_keys(assessed) == [*first, row.key]

    catalogue.update_action(assessed.territory, row, values("Couper les veilles"))
    assert titles(assessed)[row.key] == "Couper les veilles"

    catalogue.move(assessed.territory, row, -1)
    assert energy_keys(assessed) == [*first[:-1], row.key, first[-1]]
    catalogue.move(assessed.territory, row, +1)
    assert energy_keys(assessed) == [*first, row.key]

    catalogue.set_retired(row, True)
    assert energy_keys(assessed) == first
    catalogue.set_retired(row, False)  # back to a state seen before: still the right one
    assert energy_keys(assessed) == [*first, row.key]
    assert titles(assessed)[row.key] == "Couper les veilles"
    assert plans.catalogue_actions(assessed.territory.id)[row.key].title == "Couper les veilles"


def test_a_row_written_without_the_services_is_seen_at_the_next_call(
    assessed: factories.World,  # noqa: F811
) -> None:
    catalogue.ensure_copy(assessed.territory)
    key = energy_keys(assessed)[0]
    data = dict(
        db.session.scalars(select(TerritoryAction.data).where(TerritoryAction.key == key)).one()
    )
    # As another process would write it: a plain UPDATE, no code of this process involved.
    db.session.execute(
        update(TerritoryAction)
        .where(TerritoryAction.key == key)
        .values(data={**data, "title": "Titre écrit ailleurs"})
    )
    assert titles(assessed)[key] == "Titre écrit ailleurs"


def test_a_published_version_is_seen_at_the_next_call(
    assessed: factories.World,  # noqa: F811
) -> None:
    catalogue.ensure_copy(assessed.territory)
    questionnaire = energy_questionnaire(assessed)
    before = published_version(questionnaire)
    assert before is not None
    assert "referent_energie" in {q.key for _c, q in definition_of(before).iter_questions()}
    aimed = {
        action.key
        for action in offered_actions.catalogue_for(assessed.territory.id)["energie"].actions
        if any(improvement.question == "referent_energie" for improvement in action.improves)
    }
    assert aimed

    other = [q.key for _c, q in definition_of(before).iter_questions()][-1]
    assert other != "referent_energie"
    editor.remove_question(questionnaire, other, assessed.admin)
    draft = drafts.draft_version(questionnaire)
    assert draft is not None
    assert "referent_energie" in {q.key for _c, q in definition_of(draft).iter_questions()}
    editor.remove_question(questionnaire, "referent_energie", assessed.admin)
    # The same draft, edited again: its new content is read at the next call.
    assert "referent_energie" not in {q.key for _c, q in definition_of(draft).iter_questions()}
    assert aimed <= set(energy_keys(assessed))  # a draft changes nothing suggested

    editor.publish_draft(questionnaire, assessed.admin)
    after = published_version(questionnaire)
    assert after is not None
    assert after.id != before.id
    assert "referent_energie" not in {q.key for _c, q in definition_of(after).iter_questions()}
    assert not aimed & set(energy_keys(assessed))


@pytest.fixture
def second_app(app: Flask, tmp_path: Path) -> Iterator[Flask]:
    """Another app on the same database, as another server process would run."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    other = create_app(test_config(tmp_path, SQLALCHEMY_DATABASE_URI=uri))
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.real_commits
def test_an_edit_made_through_another_app_is_seen_at_the_next_call(
    app: Flask, second_app: Flask
) -> None:
    world = factories.make_world()
    factories.publish_theme(world.territory, ROOT / "questionnaires/1-energie.yaml")
    catalogue.ensure_copy(world.territory)
    db.session.commit()
    territory_id = world.territory.id
    first = energy_keys(world)
    kept_title = titles(world)[first[0]]

    with second_app.app_context():
        row = db.session.scalar(
            select(TerritoryAction).where(
                TerritoryAction.territory_id == territory_id, TerritoryAction.key == first[0]
            )
        )
        assert row is not None
        catalogue.set_retired(row, True)
        db.session.commit()

    db.session.rollback()  # a new transaction, as the next request opens
    assert first[0] not in energy_keys(world)
    assert kept_title not in titles(world).values()
