"""Exclusive options (« Aucune de ces actions »): never ticked with another answer."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from assett.domain.definitions import ThemeDefinition
from assett.domain.loader import load_directory
from assett.domain.scoring import AnswerError, parse_answer
from assett.extensions import db
from assett.models import Answer, Assessment, QuestionnaireVersion
from assett.services.questionnaires import definition_of

from . import factories
from .test_assessment import THEME_YAML, fill_url, start, stored

DEFAULTS = Path(__file__).resolve().parent.parent / "questionnaires"
WITH_OWN_NONE = THEME_YAML.replace(
    "          - {key: gtb, label: Gestion technique du bâtiment, points: 2}\n",
    "          - {key: gtb, label: Gestion technique du bâtiment, points: 2}\n"
    "          - {key: aucune, label: Aucune de ces actions, points: 0, exclusive: true}\n",
    1,
)


@pytest.fixture
def theme(world: factories.World):  # type: ignore[no-untyped-def]
    return factories.publish_theme(world.territory, WITH_OWN_NONE)


def test_the_page_offers_the_definitions_own_none_and_not_the_automatic_one(
    client, login_as, world, theme
):
    login_as(world.actor)
    assessment_id = start(client, world.org)

    page = client.get(fill_url(world.org, assessment_id, 2)).get_data(as_text=True)

    assert "Aucune de ces actions" in page
    assert "Aucune de ces réponses" not in page
    assert 'value="_aucune"' not in page
    assert 'data-exclusive="1"' in page


def test_ticking_the_exclusive_option_with_an_action_is_refused_and_nothing_is_saved(
    client, login_as, world, theme
):
    login_as(world.actor)
    assessment_id = start(client, world.org)

    response = client.post(
        fill_url(world.org, assessment_id, 2),
        data={"q_actions_sobriete": ["gtb", "aucune"]},
    )

    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "« Aucune de ces actions » ne peut pas être cochée avec d&#39;autres réponses" in text
    assert stored(assessment_id) == {}


def test_the_exclusive_option_alone_is_saved_as_the_answer(client, login_as, world, theme):
    login_as(world.actor)
    assessment_id = start(client, world.org)

    client.post(fill_url(world.org, assessment_id, 2), data={"q_actions_sobriete": "aucune"})

    assert stored(assessment_id) == {"actions_sobriete": (["aucune"], False)}


def test_every_none_option_of_the_default_multiple_choice_questions_is_exclusive() -> None:
    definitions = load_directory(DEFAULTS)
    found = []
    for definition in definitions:
        for _, question in definition.iter_questions():
            if question.type != "multiple_choice":
                continue
            for option in question.options:
                if option.key.startswith("aucun"):
                    found.append((question.key, option.key, option.exclusive))
    assert len(found) >= 10
    assert all(exclusive for _, _, exclusive in found), found


def test_the_demo_holds_no_contradictory_answer(app: Flask, built_demo: object) -> None:
    definitions: dict[int, ThemeDefinition] = {}
    checked = 0
    rows = db.session.execute(
        select(Answer, Assessment.version_id)
        .join(Assessment, Answer.assessment_id == Assessment.id)
        .where(Answer.not_applicable.is_(False))
    )
    for answer, version_id in rows:
        if version_id not in definitions:
            definitions[version_id] = definition_of(
                db.session.get(QuestionnaireVersion, version_id)
            )
        question = definitions[version_id].question(answer.question_key)
        if question.type != "multiple_choice" or not any(o.exclusive for o in question.options):
            continue
        try:
            parse_answer(question, answer.value, False)
        except AnswerError as error:
            pytest.fail(f"{answer.question_key} = {answer.value}: {error}")
        checked += 1
    assert checked > 50
