"""Diffs between two versions of a theme, told in French."""

import copy
from typing import Any

from assett.domain.definitions import ThemeDefinition
from assett.domain.diff import (
    BandAdded,
    BandChanged,
    BandRemoved,
    CategoryAdded,
    CategoryRemoved,
    MaxPointsChanged,
    OptionAdded,
    OptionRelabelled,
    OptionRemoved,
    PointsChanged,
    QuestionAdded,
    QuestionMoved,
    QuestionRemoved,
    QuestionReworded,
    TypeChanged,
    WeightChanged,
    diff_definitions,
)

BASE: dict[str, Any] = {
    "key": "energie",
    "title": "Énergie",
    "categories": [
        {
            "key": "connaissance",
            "title": "Connaissance",
            "questions": [
                {
                    "key": "suivi",
                    "text": "Suivez-vous vos factures ?",
                    "type": "single_choice",
                    "options": [
                        {"key": "aucun", "label": "Non", "points": 0},
                        {"key": "annuel", "label": "Une fois par an", "points": 1},
                    ],
                },
                {"key": "referent", "text": "Avez-vous un référent ?", "type": "yes_no"},
            ],
        },
        {
            "key": "actions",
            "title": "Actions",
            "questions": [
                {
                    "key": "sobriete",
                    "text": "Quelles actions ?",
                    "type": "multiple_choice",
                    "options": [
                        {"key": "led", "label": "LED", "points": 1},
                        {"key": "gtb", "label": "GTB", "points": 2},
                    ],
                },
            ],
        },
    ],
    "bands": [
        {"key": "debut", "label": "Début", "min": 0, "max": 2.5, "explanation": "À lancer."},
        {"key": "fin", "label": "Bien engagé", "min": 2.5, "max": 5, "explanation": "Bravo."},
    ],
}


def changed(edit: Any) -> tuple[ThemeDefinition, ThemeDefinition]:
    """Return (old, new) where new is BASE after `edit(data)`."""
    data = copy.deepcopy(BASE)
    edit(data)
    return ThemeDefinition.model_validate(BASE), ThemeDefinition.model_validate(data)


def questions_of(data: dict[str, Any], index: int = 0) -> list[dict[str, Any]]:
    questions: list[dict[str, Any]] = data["categories"][index]["questions"]
    return questions


def test_identical_definitions_have_no_difference() -> None:
    old, new = changed(lambda data: None)
    diff = diff_definitions(old, new)
    assert not diff
    assert diff.describe() == []


def test_it_lists_added_and_removed_categories_with_their_questions() -> None:
    def edit(data: dict[str, Any]) -> None:
        data["categories"][1] = {
            "key": "mobilite",
            "title": "Mobilité",
            "questions": [{"key": "velo", "text": "Des vélos ?", "type": "yes_no"}],
        }

    diff = diff_definitions(*changed(edit))
    assert diff.changes == [
        CategoryRemoved("actions", "Actions"),
        CategoryAdded("mobilite", "Mobilité"),
        QuestionRemoved("sobriete", "actions", "Quelles actions ?"),
        QuestionAdded("velo", "mobilite", "Des vélos ?"),
    ]
    assert diff.describe()[0] == "Catégorie supprimée : « Actions » (actions)."
    assert diff.describe()[3] == "Question ajoutée dans « mobilite » : « Des vélos ? » (velo)."


def test_it_spots_a_reworded_question() -> None:
    def edit(data: dict[str, Any]) -> None:
        questions_of(data)[1]["text"] = "Un référent énergie est-il nommé ?"

    (change,) = diff_definitions(*changed(edit)).changes
    assert change == QuestionReworded(
        "referent", "Avez-vous un référent ?", "Un référent énergie est-il nommé ?"
    )
    assert change.describe() == (
        "Question referent reformulée : « Avez-vous un référent ? » → "
        "« Un référent énergie est-il nommé ? »."
    )


def test_it_spots_a_question_moved_to_another_category() -> None:
    def edit(data: dict[str, Any]) -> None:
        questions_of(data, 1).append(questions_of(data).pop(1))

    (change,) = diff_definitions(*changed(edit)).changes
    assert change == QuestionMoved("referent", "connaissance", "actions")
    assert change.describe() == "Question referent déplacée de « connaissance » vers « actions »."


def test_it_spots_option_changes() -> None:
    def edit(data: dict[str, Any]) -> None:
        options = questions_of(data)[0]["options"]
        options[0]["label"] = "Aucun suivi"
        options[1]["points"] = 2
        options.append({"key": "mensuel", "label": "Chaque mois", "points": 3})
        questions_of(data, 1)[0]["options"][0] = {"key": "veille", "label": "Veilles", "points": 1}

    assert diff_definitions(*changed(edit)).changes == [
        OptionRelabelled("suivi", "aucun", "Non", "Aucun suivi"),
        PointsChanged("suivi", "annuel", 1, 2),
        OptionAdded("suivi", "mensuel", "Chaque mois"),
        OptionRemoved("sobriete", "led", "LED"),
        OptionAdded("sobriete", "veille", "Veilles"),
    ]


def test_yes_no_points_are_compared_as_options() -> None:
    def edit(data: dict[str, Any]) -> None:
        questions_of(data)[1]["yes_points"] = 2

    (change,) = diff_definitions(*changed(edit)).changes
    assert change == PointsChanged("referent", "oui", 1, 2)
    assert change.describe() == "Question referent, option oui : 1 → 2 points."


def test_it_spots_weight_type_and_cap_changes() -> None:
    def edit(data: dict[str, Any]) -> None:
        questions_of(data)[0]["weight"] = 2.5
        questions_of(data)[1].update(type="scale")
        questions_of(data, 1)[0]["max_points"] = 2

    diff = diff_definitions(*changed(edit))
    assert diff.changes == [
        WeightChanged("suivi", 1, 2.5),
        TypeChanged("referent", "yes_no", "scale"),
        MaxPointsChanged("sobriete", None, 2),
    ]
    assert diff.describe() == [
        "Question suivi : poids 1 → 2,5.",
        "Question referent : type yes_no → scale.",
        "Question sobriete : plafond somme des options → 2.",
    ]


def test_it_spots_band_changes() -> None:
    def edit(data: dict[str, Any]) -> None:
        data["bands"] = [
            {"key": "debut", "label": "Premiers pas", "min": 0, "max": 2, "explanation": "…"},
            {"key": "milieu", "label": "En route", "min": 2, "max": 5, "explanation": "…"},
        ]

    old, new = changed(edit)
    diff = diff_definitions(old, new)
    assert diff.changes == [
        BandRemoved("fin", "Bien engagé", 2.5, 5),
        BandChanged("debut", old.bands[0], new.bands[0]),
        BandAdded("milieu", "En route", 2, 5),
    ]
    assert diff.describe() == [
        "Niveau supprimé : « Bien engagé » (2,5 à 5).",
        "Niveau debut : « Début » → « Premiers pas », seuils 0 à 2,5 → 0 à 2.",
        "Niveau ajouté : « En route » (2 à 5).",
    ]
