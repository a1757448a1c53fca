"""The content shipped with the platform reads in English: every text of the questionnaires
in questionnaires/ and every emission factor's note has an English version, and the pages show
it to a reader who chose English (a French-only text added later fails here)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from pydantic import BaseModel

from assett.domain.content_language import LocalText, localize_definition
from assett.domain.definitions import ThemeDefinition
from assett.domain.loader import load_definition_file, parse_definition_text
from assett.domain.synergy_benefits import shipped_factors

from . import factories
from .test_content_translations import french_marked
from .unit.test_content_language import ENGLISH_THEME

SHIPPED = sorted((Path(__file__).parents[1] / "questionnaires").glob("*.yaml"))


def french_only(node: object, where: str = "") -> Iterator[str]:
    """The texts an English reader would get in French: where they are and what they say."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from french_only(item, f"{where}[{index}]")
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            value = getattr(node, name)
            if isinstance(value, LocalText) and value.fallback:
                yield f"{where}.{name}: {value}"
            else:
                yield from french_only(value, f"{where}.{name}")


def best_answers_but_scales(theme: ThemeDefinition) -> dict[str, Any]:
    """The best answer to every question, except 2 out of 5 on the scales."""
    answers: dict[str, Any] = {}
    for _, question in theme.iter_questions():
        options = [option for option in question.options if not option.exclusive]
        if question.type == "scale":
            answers[question.key] = 2
        elif question.type == "yes_no":
            answers[question.key] = "oui"
        elif question.type == "multiple_choice":
            answers[question.key] = [option.key for option in options]
        else:
            answers[question.key] = max(options, key=lambda option: option.points).key
    return answers


def english(client: FlaskClient) -> FlaskClient:
    """The client with English chosen, as the language switch does."""
    client.set_cookie("langue", "en")
    return client


def test_the_check_finds_a_text_with_no_english_version() -> None:
    theme = parse_definition_text(ENGLISH_THEME, "theme.yaml")

    missing = list(french_only(localize_definition(theme, "en")))

    assert ".categories[0].questions[1].text: Avez-vous un référent énergie ?" in missing
    assert ".categories[0].questions[0].options[1].label: Oui" in missing
    assert ".resources[0].description: Un diagnostic sur site." in missing


@pytest.mark.parametrize("path", SHIPPED, ids=[path.stem for path in SHIPPED])
def test_every_text_of_a_shipped_questionnaire_has_an_english_version(path: Path) -> None:
    definition: ThemeDefinition = load_definition_file(path)

    missing = list(french_only(localize_definition(definition, "en")))

    assert not missing, "\n".join(missing)


def test_every_shipped_emission_factor_has_its_label_and_note_in_english() -> None:
    factors = shipped_factors()

    missing = [key for key, factor in factors.items() if not factor.label_en]
    missing += [
        f"{key}.note" for key, factor in factors.items() if factor.note and not factor.note_en
    ]

    assert any(factor.note for factor in factors.values())
    assert not missing


def test_the_shipped_questionnaires_pages_show_english_options_and_no_french(
    login_as: Any, world: factories.World
) -> None:
    factories.provision_defaults(world.territory)
    client = english(login_as(world.actor))
    themes = [load_definition_file(path) for path in SHIPPED]
    assert themes

    for theme in themes:
        draft = factories.make_assessment(world.org, theme.key, {}, submitted_at=False)
        for number in range(1, len(theme.categories) + 1):
            url = f"/o/{world.org.id}/evaluations/{draft.id}/categorie/{number}"
            page = client.get(url).get_data(as_text=True)
            assert french_marked(page) == [], url
            if theme.key == "dechets-economie-circulaire" and number == 1:
                assert "No sorting: everything goes into the same bin" in page
                assert "Aucun tri, tout part dans le même bac" not in page


def test_the_improvement_advice_quotes_an_english_scale_end(
    login_as: Any, world: factories.World
) -> None:
    factories.provision_defaults(world.territory)
    mobility = load_definition_file(SHIPPED[3])
    factories.make_assessment(world.org, "mobilite", best_answers_but_scales(mobility))

    page = english(login_as(world.actor)).get(f"/o/{world.org.id}/resultats").get_data(as_text=True)

    advice = page.split('class="suggestions"', 1)[1].split("</ol>", 1)[0]
    assert "Your answer: 2 out of 5." in advice
    assert 'The highest-scoring answer: "5 out of 5 (A large majority)".' in advice
    assert "Une large majorité" not in page


def test_the_emission_factors_page_gives_notes_in_english_and_marks_sources_french(
    login_as: Any, world: factories.World
) -> None:
    url = "/t/demo/animation/synergies/facteurs"
    client = login_as(world.animator)

    french_page = client.get(url).get_data(as_text=True)
    page = english(client).get(url).get_data(as_text=True)

    assert "Note: Each heating network has its own CO2 content" in page
    assert "Chaque réseau a son propre contenu CO2" not in page
    assert '<span lang="fr">Moyenne des réseaux de chaleur français en 2017' in page
    assert "À savoir : Chaque réseau a son propre contenu CO2" in french_page
    assert '<span lang="fr">' not in french_page
