"""English versions of content: the `en:` blocks of a theme, and which text a locale shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from assett.domain.action_loader import load_catalogue_directory
from assett.domain.actions import ActionDef
from assett.domain.content_language import (
    LocalText,
    choose,
    english_of,
    language_of,
    local,
    localize_definition,
)
from assett.domain.definition_fields import TITLE_MAX
from assett.domain.diff import diff_definitions
from assett.domain.loader import (
    DefinitionError,
    dump_definition_yaml,
    load_directory,
    parse_definition_text,
)

QUESTIONNAIRES = Path(__file__).resolve().parents[2] / "questionnaires"

ENGLISH_THEME = """\
key: energie
title: Énergie
en: {title: Energy, description: Know and reduce your energy use.}
description: Connaître et réduire vos consommations.
categories:
  - key: connaissance
    title: Connaissance des consommations
    en: {title: Knowing your consumption}
    questions:
      - key: suivi
        text: Suivez-vous vos factures ?
        en:
          text: Do you follow your bills?
          help: Electricity, gas.
        type: single_choice
        options:
          - {key: non, label: Non, points: 0, en: {label: "No"}}
          - {key: oui, label: Oui, points: 1}
      - key: referent
        text: Avez-vous un référent énergie ?
        type: yes_no
bands:
  - {key: debut, label: Début, min: 0, max: 2.5, explanation: À lancer., en: {label: Starting}}
  - key: fin
    label: Bien engagé
    min: 2.5
    max: 5
    explanation: Continuez.
    en: {label: Well on the way, explanation: Keep going.}
resources:
  - key: diag
    title: Diagnostic énergie
    en: {title: Energy assessment}
    provider: CCI
    type: accompagnement
    description: Un diagnostic sur site.
    url: https://example.org/diag
    levels: [debut]
"""


def errors_of(text: str) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        parse_definition_text(text, "theme.yaml")
    return caught.value.errors


# --- The format ------------------------------------------------------------------------------


def test_a_theme_with_english_blocks_loads_and_keeps_them() -> None:
    theme = parse_definition_text(ENGLISH_THEME, "theme.yaml")

    assert theme.en is not None
    assert theme.en.title == "Energy"
    assert theme.categories[0].en is not None
    assert theme.categories[0].en.title == "Knowing your consumption"
    question = theme.question("suivi")
    assert question.en is not None
    assert question.en.help == "Electricity, gas."
    assert question.options[0].en is not None
    assert question.options[0].en.label == "No"
    assert question.options[1].en is None
    assert theme.bands[1].en is not None
    assert theme.bands[1].en.explanation == "Keep going."
    assert theme.resources[0].en is not None
    assert theme.resources[0].en.title == "Energy assessment"


def test_english_blocks_survive_the_dump_and_change_the_content_hash() -> None:
    theme = parse_definition_text(ENGLISH_THEME, "theme.yaml")
    dumped = dump_definition_yaml(theme)

    assert parse_definition_text(dumped, "dump") == theme
    assert dump_definition_yaml(parse_definition_text(dumped, "dump")) == dumped
    without = ENGLISH_THEME.replace("en: {title: Knowing your consumption}", "")
    assert parse_definition_text(without, "x").content_hash() != theme.content_hash()


def test_an_empty_english_block_is_the_same_as_none() -> None:
    text = ENGLISH_THEME.replace("en: {title: Knowing your consumption}", "en: {}")
    theme = parse_definition_text(text, "theme.yaml")

    assert theme.categories[0].en is None
    assert "en: {}" not in dump_definition_yaml(theme)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "help: Electricity, gas.",
            "helps: Electricity, gas.",
            "theme.yaml: categories[0].questions[0].en.helps: champ inconnu (ligne 14)",
        ),
        (
            "en: {title: Knowing your consumption}",
            "en: {title: Knowing your consumption, label: X}",
            "theme.yaml: categories[0].en.label: champ inconnu (ligne 8)",
        ),
        (
            'en: {label: "No"}',
            "en: {label: No}",
            "theme.yaml: categories[0].questions[0].options[0].en.label: doit être du texte",
        ),
        (
            "en: {title: Energy, description: Know and reduce your energy use.}",
            f"en: {{title: {'E' * (TITLE_MAX + 1)}}}",
            f"theme.yaml: en.title: {TITLE_MAX} caractères au plus ({TITLE_MAX + 1} ici) (ligne 3)",
        ),
        (
            "en: {title: Energy assessment}",
            'en: {title: ""}',
            "theme.yaml: resources[0].en.title: ne doit pas être vide (ligne 33)",
        ),
        (
            "en: {title: Energy assessment}",
            "en: Energy assessment",
            "theme.yaml: resources[0].en: doit être un bloc « clé: valeur » (ligne 33)",
        ),
    ],
    ids=["unknown-key", "key-of-another-node", "boolean", "too-long", "empty", "not-a-block"],
)
def test_the_loader_refuses_a_bad_english_block_with_file_path_and_line(
    old: str, new: str, message: str
) -> None:
    assert old in ENGLISH_THEME
    errors = errors_of(ENGLISH_THEME.replace(old, new))

    assert len(errors) == 1, errors
    assert errors[0].startswith(message), errors


def test_a_control_character_in_an_english_text_is_refused() -> None:
    errors = errors_of(ENGLISH_THEME.replace("text: Do you follow your bills?", 'text: "Bills\\0"'))

    assert "categories[0].questions[0].en.text" in errors[0]
    assert "caractère de contrôle interdit" in errors[0]


def test_a_catalogue_action_takes_an_english_block_and_refuses_unknown_keys() -> None:
    action = {
        "key": "compteurs",
        "title": "Installer des compteurs",
        "description": "Poser des sous-compteurs.",
        "improves": [{"question": "suivi", "to": "oui"}],
        "effort": "moyen",
        "cost_eur": {"min": 0, "max": 10},
        "duration_months": {"min": 1, "max": 2},
        "en": {"title": "Fit meters"},
    }
    assert english_of(ActionDef.model_validate(action), "title") == "Fit meters"
    with pytest.raises(ValueError, match="en.label"):
        ActionDef.model_validate({**action, "en": {"label": "Fit meters"}})


# --- Which text a locale shows ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "language"),
    [("en", "en"), ("en_GB", "en"), ("en-US", "en"), ("fr", "fr"), ("fr_FR", "fr"), ("de", "fr")],
)
def test_a_locale_reads_as_a_content_language(locale: str, language: str) -> None:
    assert language_of(locale) == language


def test_english_is_shown_when_there_is_some_and_french_is_marked_otherwise() -> None:
    shown = choose("Énergie", "Energy", "en")
    assert (shown, shown.lang, shown.fallback) == ("Energy", "en", False)

    missing = choose("Énergie", None, "en")
    assert (missing, missing.lang, missing.fallback) == ("Énergie", "fr", True)

    french = choose("Énergie", "Energy", "fr")
    assert (french, french.lang, french.fallback) == ("Énergie", "fr", False)


def test_english_texts_are_found_on_definitions_data_and_records() -> None:
    class Row:
        title = "Diagnostic"
        title_en = "Assessment"
        description = "Sur site."
        description_en = None

    assert english_of({"title": "Énergie", "en": {"title": "Energy"}}, "title") == "Energy"
    assert english_of({"title": "Énergie"}, "title") is None
    assert local(Row(), "title", "en") == "Assessment"
    assert local(Row(), "description", "en").fallback


def test_a_localized_theme_is_an_equal_copy_whose_texts_know_their_language() -> None:
    theme = parse_definition_text(ENGLISH_THEME, "theme.yaml")
    english = localize_definition(theme, "en")

    assert english.title == "Energy"
    assert not english.title.fallback
    assert english.description == "Know and reduce your energy use."
    referent = english.question("referent")
    assert isinstance(referent.text, LocalText)
    assert referent.text.fallback
    assert referent.text == "Avez-vous un référent énergie ?"
    labels = [option.label for option in english.question("suivi").options]
    assert labels == ["No", "Oui"]
    assert [label.lang for label in labels] == ["en", "fr"]
    assert english.band_for(1.0) is not None
    assert english.band_for(1.0).label == "Starting"
    assert english.band_for(1.0).explanation.fallback
    assert english.resources[0].title == "Energy assessment"
    # Keys, scores and structure are untouched; the stored theme is never changed.
    assert [q.key for _, q in english.iter_questions()] == ["suivi", "referent"]
    assert theme.title == "Énergie"
    assert not isinstance(theme.title, LocalText)


def test_in_french_nothing_is_marked() -> None:
    theme = localize_definition(parse_definition_text(ENGLISH_THEME, "theme.yaml"), "fr")

    assert theme.title == "Énergie"
    assert not any(q.text.fallback for _, q in theme.iter_questions())  # type: ignore[attr-defined]


# --- The shipped themes ----------------------------------------------------------------------


def test_every_shipped_theme_has_its_title_categories_and_questions_in_english() -> None:
    for theme in load_directory(QUESTIONNAIRES):
        english = localize_definition(theme, "en")
        texts = [english.title, *(c.title for c in english.categories)]
        texts += [q.text for _, q in english.iter_questions()]
        texts += [band.label for band in english.bands]
        texts += [resource.title for resource in english.resources]
        french = [text for text in texts if text.fallback]  # type: ignore[attr-defined]
        assert french == [], (theme.key, french[:3])


def test_the_energy_theme_is_shipped_in_english_in_full() -> None:
    energy = next(t for t in load_directory(QUESTIONNAIRES) if t.key == "energie")
    english = localize_definition(energy, "en")

    texts = [english.title, english.description]
    texts += [text for c in english.categories for text in (c.title, c.description)]
    for _, question in english.iter_questions():
        texts += [question.text, question.help, *(o.label for o in question.options)]
        if question.scale_labels is not None:
            texts += [question.scale_labels.min, question.scale_labels.max]
    texts += [text for band in english.bands for text in (band.label, band.explanation)]
    french = [text for text in texts if text is not None and text.fallback]  # type: ignore[attr-defined]
    assert french == []


def test_every_shipped_catalogue_action_has_an_english_title() -> None:
    themes = {theme.key: theme for theme in load_directory(QUESTIONNAIRES)}
    catalogues = load_catalogue_directory(QUESTIONNAIRES.parent / "actions", themes)

    missing = [
        action.key
        for catalogue in catalogues
        for action in catalogue.actions
        if english_of(action, "title") is None
    ]
    assert missing == []
    assert sum(len(catalogue.actions) for catalogue in catalogues) >= 50


def test_a_change_of_english_texts_only_is_told_once_by_the_french_texts_it_translates() -> None:
    old = parse_definition_text(ENGLISH_THEME, "old")
    new = parse_definition_text(
        ENGLISH_THEME.replace("Keep going.", "Carry on.").replace('{label: "No"}', "{label: Nope}"),
        "new",
    )

    assert diff_definitions(old, new).describe() == [
        "Version anglaise modifiée : « Suivez-vous vos factures ? », « Bien engagé »."
    ]
    assert not diff_definitions(old, old)


def test_the_ends_of_a_scale_have_their_english_labels() -> None:
    text = ENGLISH_THEME.replace(
        """      - key: referent
        text: Avez-vous un référent énergie ?
        type: yes_no""",
        """      - key: referent
        text: Où en est le pilotage ?
        type: scale
        scale_labels: {min: Inexistant, max: Complet, en: {max: Complete}}""",
    )
    scale = localize_definition(parse_definition_text(text, "x"), "en").question("referent")

    assert scale.scale_labels is not None
    assert scale.scale_labels.max == "Complete"
    assert scale.scale_labels.min.fallback  # type: ignore[union-attr]
    with pytest.raises(DefinitionError, match=r"scale_labels\.en\.middle: champ inconnu"):
        parse_definition_text(text.replace("en: {max: Complete}", "en: {middle: x}"), "x")
