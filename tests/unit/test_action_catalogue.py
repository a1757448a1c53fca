"""The action catalogue: the shipped files, and the loader's refusals (all errors at once)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assett.domain.action_loader import load_catalogue_directory, parse_catalogue_text
from assett.domain.definitions import ThemeDefinition
from assett.domain.loader import DefinitionError, load_directory

Themes = dict[str, ThemeDefinition]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def themes() -> Themes:
    return {definition.key: definition for definition in load_directory(ROOT / "questionnaires")}


def errors_of(text: str, themes: Themes) -> list[str]:
    with pytest.raises(DefinitionError) as refused:
        parse_catalogue_text(text, "catalogue.yaml", themes)
    return refused.value.errors


ACTION = """
  - key: {key}
    title: Relever les compteurs
    description: Chaque mois.
    improves:
      - {{question: {question}, to: {to}}}
    effort: faible
    cost_eur: {{min: 0, max: 300}}
    duration_months: {{min: 1, max: 2}}
"""


def catalogue(*actions: str, theme: str = "energie") -> str:
    return f"theme: {theme}\nactions:" + "".join(actions)


def test_every_theme_ships_at_least_twelve_valid_actions(themes: Themes) -> None:
    catalogues = load_catalogue_directory(ROOT / "actions", themes)

    assert sorted(c.theme for c in catalogues) == sorted(themes)
    for loaded in catalogues:
        assert len(loaded.actions) >= 12, loaded.theme
        assert all(action.example for action in loaded.actions)
        assert {action.effort for action in loaded.actions} >= {"faible", "moyen"}


def test_a_valid_action_loads_with_its_improvements(themes: Themes) -> None:
    text = catalogue(ACTION.format(key="releve", question="suivi_consommations", to="mensuel"))

    loaded = parse_catalogue_text(text, "catalogue.yaml", themes)

    [action] = loaded.actions
    improvement = action.improves[0]
    assert (improvement.question, improvement.to) == ("suivi_consommations", "mensuel")
    assert (action.cost_eur.min, action.cost_eur.max) == (0, 300)


def test_unknown_questions_and_options_are_all_reported_with_file_path_and_line(
    themes: Themes,
) -> None:
    text = catalogue(
        ACTION.format(key="a", question="inexistante", to="mensuel"),
        ACTION.format(key="b", question="suivi_consommations", to="quotidien"),
        ACTION.format(key="c", question="sobriete", to="[eclairage_led, fusee]"),
        ACTION.format(key="d", question="part_renouvelable", to="mensuel"),
    )

    errors = errors_of(text, themes)

    assert errors == [
        "catalogue.yaml: actions[0].improves[0].question: question « inexistante » inconnue "
        "dans le thème « energie » (ligne 7)",
        "catalogue.yaml: actions[1].improves[0].to: option « quotidien » inconnue (options de "
        "la question : aucun, annuel, mensuel, par_usage) (ligne 16)",
        "catalogue.yaml: actions[2].improves[0].to: option « fusee » inconnue (options de la "
        "question : consignes_temperature, eclairage_led, extinction_veilles, gtb, "
        "maintenance, aucune) (ligne 25)",
        "catalogue.yaml: actions[3].improves[0].to: la question est une échelle : attendu un "
        "nombre de 0 à 5 (ligne 34)",
    ]


def test_an_exclusive_option_is_no_improvement_and_a_single_choice_needs_one_key(
    themes: Themes,
) -> None:
    text = catalogue(
        ACTION.format(key="a", question="sobriete", to="[aucune]"),
        ACTION.format(key="b", question="diagnostic", to="[visite]"),
    )

    errors = errors_of(text, themes)

    assert "« aucune » (« aucune ») ne peut pas être une amélioration" in errors[0]
    assert "attendu la clé d'une option" in errors[1]


def test_field_errors_are_reported_together(themes: Themes) -> None:
    text = """theme: energie
actions:
  - key: Mauvaise Clé
    title: ""
    description: x
    improves: []
    effort: enorme
    cost_eur: {min: 500, max: 100}
    duration_months: {min: 1, max: 2}
    couleur: rouge
  - key: b
    title: B
    description: x
    improves:
      - {question: referent_energie, to: 9}
    effort: faible
    cost_eur: {min: 0, max: 1}
    duration_months: {min: 1, max: 2}
"""
    errors = errors_of(text, themes)

    joined = "\n".join(errors)
    assert "actions[0].key: identifiant « Mauvaise Clé » invalide" in joined
    assert "actions[0].title: ne doit pas être vide" in joined
    assert "actions[0].improves: doit contenir au moins 1 élément(s)" in joined
    assert "actions[0].effort: valeur « enorme » inconnue" in joined
    assert "actions[0].cost_eur: max (100) doit être supérieur ou égal à min (500)" in joined
    assert "actions[0].couleur: champ inconnu" in joined
    assert "actions[1].improves[0].to: valeur d'échelle de 0 à 5" in joined
    assert len(errors) == 7


def test_unknown_theme_resource_and_band_are_refused(themes: Themes) -> None:
    action = ACTION.format(key="a", question="referent_energie", to="oui")
    errors = errors_of(catalogue(action, theme="inconnu"), themes)
    assert errors[0].startswith("catalogue.yaml: theme: thème « inconnu » inconnu")

    extra = action + "    resources: [nulle_part]\n    bands: [legendaire]\n"
    errors = errors_of(catalogue(extra), themes)
    assert "resources[0]: ressource « nulle_part » inconnue" in errors[0]
    assert "bands[0]: niveau « legendaire » inconnu" in errors[1]


def test_hostile_yaml_is_refused(themes: Themes) -> None:
    bomb = 'theme: &a energie\nactions: *a\n'
    assert any("ancre YAML" in error for error in errors_of(bomb, themes))
    assert "trop volumineux" in errors_of("#" * 1_000_001, themes)[0]
    # errors_of fails the test unless the file is refused
    assert errors_of("theme: !!python/object:os.system energie\nactions: []\n", themes)


def test_duplicate_actions_and_questions_are_refused(themes: Themes) -> None:
    twice = ACTION.format(key="a", question="referent_energie", to="oui")
    errors = errors_of(catalogue(twice, twice), themes)
    assert "actions[1].key: action « a » en double" in errors[0]
