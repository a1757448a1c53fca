"""Theme titles, level names and the sentences built with them, in the reader's language."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask_babel import force_locale

from assett.content_text import message, provider
from assett.domain.badges import Facts, Level, badges_of
from assett.domain.text import Message
from assett.models import Questionnaire
from assett.services import resource_base
from assett.services.questionnaires import shown_title, territory_questionnaires

from . import factories
from .unit.test_content_language import ENGLISH_THEME

EDITOR = "/t/demo/admin/questionnaires"


@pytest.fixture
def english(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages in English, as the language switch will choose them."""
    monkeypatch.setattr(app.extensions["babel"], "locale_selector", lambda: "en")


@pytest.fixture
def theme(world: factories.World) -> Questionnaire:
    return factories.publish_theme(world.territory, ENGLISH_THEME)


def test_a_questionnaire_knows_its_english_title_and_shows_it_to_english_readers(
    app: Flask, world: factories.World, theme: Questionnaire
) -> None:
    found = territory_questionnaires(world.territory.id)

    assert [q.title_en for q in found] == ["Energy"]
    with app.test_request_context(), force_locale("en"):
        assert shown_title(found[0]) == "Energy"
    with app.test_request_context(), force_locale("fr"):
        assert shown_title(found[0]) == "Énergie"


def test_the_admin_questionnaire_pages_name_the_theme_in_english(
    english: None, login_as: Any, world: factories.World, theme: Questionnaire
) -> None:
    client = login_as(world.admin)

    listing = client.get(f"{EDITOR}/").get_data(as_text=True)
    edit = client.get(f"{EDITOR}/energie/").get_data(as_text=True)

    assert ">Energy</a>" in listing
    assert "· Energy" in edit
    assert "Knowing your consumption" in edit
    assert "Well on the way" in edit
    assert '<span lang="fr">Oui</span>' in edit  # an option without English, marked


def test_the_french_source_fields_of_the_editor_are_marked_french(
    english: None, login_as: Any, world: factories.World, theme: Questionnaire
) -> None:
    page = login_as(world.admin).get(f"{EDITOR}/energie/questions/suivi/").get_data(as_text=True)

    assert 'lang="fr"' in page.split('name="text"')[0].rsplit("<textarea", 1)[1]


def test_level_names_come_from_the_definition_in_english(
    app: Flask, world: factories.World, theme: Questionnaire
) -> None:
    with app.test_request_context(), force_locale("en"):
        levels = resource_base.level_choices(world.territory)
    with app.test_request_context(), force_locale("fr"):
        french = resource_base.level_choices(world.territory)

    assert [c.label for c in levels] == ["Starting", "Well on the way"]
    assert [c.label for c in french] == ["Début", "Bien engagé"]


def test_the_resource_catalogue_names_themes_and_levels_in_english(
    english: None, login_as: Any, world: factories.World, theme: Questionnaire
) -> None:
    factories.make_resource(
        world.territory, "Diagnostic", themes=["energie"], levels=["debut", "fin"]
    )

    page = login_as(world.actor).get("/t/demo/ressources").get_data(as_text=True)

    assert "Energy" in page
    assert "Starting, Well on the way" in page


def test_the_examples_provider_is_a_ui_default_and_others_stay_as_typed(app: Flask) -> None:
    with app.test_request_context():
        assert provider("Votre collectivité") == "Votre collectivité"
        assert provider("ADEME") == "ADEME"


def test_a_message_is_its_french_text_and_keeps_its_msgid_and_values() -> None:
    sent = Message(
        "%(score)s/5 en %(theme)s le %(day)s", score=2.5, theme="Énergie", day=date(2026, 3, 1)
    )

    assert sent == "2,5/5 en Énergie le 1er mars 2026"
    assert sent.msgid == "%(score)s/5 en %(theme)s le %(day)s"


def test_a_message_shown_in_english_has_english_numbers_and_dates(app: Flask) -> None:
    sent = Message("%(score)s/5 le %(day)s", score=2.5, day=date(2026, 3, 1))

    with app.test_request_context(), force_locale("en"):
        shown = message(sent)
    with app.test_request_context(), force_locale("fr"):
        french = message(sent)

    assert shown == "2.5/5 le 1 March 2026"  # no catalogue here: the msgid, English values
    assert french == "2,5/5 le 1er mars 2026"


@pytest.mark.parametrize("count", [1, 3])
def test_badges_stay_french_as_text(count: int) -> None:
    facts = Facts(
        themes={"energie": "Énergie"},
        levels={"energie": Level("Énergie", "Avancé", 2, date(2026, 4, 2))},
        active_synergies=count,
    )

    found = {badge.kind: badge for badge in badges_of(facts)}

    assert found["niveau"].label == "Énergie : Avancé"
    assert found["niveau"].how == "Niveau « Avancé » atteint en Énergie le 2 avril 2026"
    assert isinstance(found["synergie"].how, Message)
