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
        QuestionRemoved("sobriete", "Actions", "Quelles actions ?"),
        QuestionAdded("velo", "Mobilité", "Des vélos ?"),
    ]
    assert diff.describe() == [
        "Catégorie « Actions » supprimée.",
        "Catégorie « Mobilité » ajoutée.",
        "Question « Quelles actions ? » supprimée de « Actions ».",
        "Question « Des vélos ? » ajoutée dans « Mobilité ».",
    ]


def test_it_names_a_reworded_question_by_its_former_wording_cut_short() -> None:
    long_text = "Vos équipes ont-elles suivi une formation aux économies d'énergie cette année ?"

    def edit(data: dict[str, Any]) -> None:
        questions_of(data)[1]["text"] = long_text

    def before(data: dict[str, Any]) -> None:
        questions_of(data)[1]["text"] = long_text.replace("suivi", "reçu")

    old = changed(before)[1]
    new = changed(edit)[1]
    (change,) = diff_definitions(old, new).changes
    assert change == QuestionReworded("referent", questions_of_model(old), long_text)
    assert change.describe() == (
        "Question « Vos équipes ont-elles reçu une formation aux économies… » reformulée : "
        f"« {long_text} »."
    )


def questions_of_model(definition: ThemeDefinition) -> str:
    return definition.question("referent").text


def test_it_spots_a_renamed_category() -> None:
    def edit(data: dict[str, Any]) -> None:
        data["categories"][0]["title"] = "Suivi des consommations"

    (change,) = diff_definitions(*changed(edit)).changes
    assert change.describe() == "Catégorie « Connaissance » renommée « Suivi des consommations »."


def test_it_spots_a_question_moved_to_another_category() -> None:
    def edit(data: dict[str, Any]) -> None:
        questions_of(data, 1).append(questions_of(data).pop(1))

    (change,) = diff_definitions(*changed(edit)).changes
    assert change == QuestionMoved("referent", "Avez-vous un référent ?", "Connaissance", "Actions")
    assert change.describe() == (
        "Question « Avez-vous un référent ? » déplacée de « Connaissance » vers « Actions »."
    )


def test_it_spots_option_changes() -> None:
    def edit(data: dict[str, Any]) -> None:
        options = questions_of(data)[0]["options"]
        options[0]["label"] = "Aucun suivi"
        options[1]["points"] = 2
        options.append({"key": "mensuel", "label": "Chaque mois", "points": 3})
        questions_of(data, 1)[0]["options"][0] = {"key": "veille", "label": "Veilles", "points": 1}

    diff = diff_definitions(*changed(edit))
    suivi, sobriete = "Suivez-vous vos factures ?", "Quelles actions ?"
    assert diff.changes == [
        OptionRelabelled("suivi", suivi, "aucun", "Non", "Aucun suivi"),
        PointsChanged("suivi", suivi, "annuel", "Une fois par an", 1, 2),
        OptionAdded("suivi", suivi, "mensuel", "Chaque mois"),
        OptionRemoved("sobriete", sobriete, "led", "LED"),
        OptionAdded("sobriete", sobriete, "veille", "Veilles"),
    ]
    assert diff.describe() == [
        "Question « Suivez-vous vos factures ? » : réponse « Non » renommée « Aucun suivi ».",
        "Question « Suivez-vous vos factures ? », réponse « Une fois par an » : 1 → 2 points.",
        "Question « Suivez-vous vos factures ? » : réponse « Chaque mois » ajoutée.",
        "Question « Quelles actions ? » : réponse « LED » retirée.",
        "Question « Quelles actions ? » : réponse « Veilles » ajoutée.",
    ]


def test_an_option_made_exclusive_is_a_change() -> None:
    def edit(data: dict[str, Any]) -> None:
        questions_of(data, 1)[0]["options"].append(
            {"key": "aucune", "label": "Aucune", "points": 0}
        )

    def exclusive(data: dict[str, Any]) -> None:
        edit(data)
        questions_of(data, 1)[0]["options"][-1]["exclusive"] = True

    (change,) = diff_definitions(changed(edit)[1], changed(exclusive)[1]).changes
    assert change.describe() == (
        "Question « Quelles actions ? », réponse « Aucune » : se coche désormais seule."
    )


def test_yes_no_points_are_compared_as_options() -> None:
    def edit(data: dict[str, Any]) -> None:
        questions_of(data)[1]["yes_points"] = 2

    (change,) = diff_definitions(*changed(edit)).changes
    assert change == PointsChanged("referent", "Avez-vous un référent ?", "oui", "Oui", 1, 2)
    assert (
        change.describe() == "Question « Avez-vous un référent ? », réponse « Oui » : 1 → 2 points."
    )


def test_it_spots_weight_type_and_cap_changes() -> None:
    def edit(data: dict[str, Any]) -> None:
        questions_of(data)[0]["weight"] = 2.5
        questions_of(data)[1].update(type="scale")
        questions_of(data, 1)[0]["max_points"] = 2

    diff = diff_definitions(*changed(edit))
    assert diff.changes == [
        WeightChanged("suivi", "Suivez-vous vos factures ?", 1, 2.5),
        TypeChanged("referent", "Avez-vous un référent ?", "yes_no", "scale"),
        MaxPointsChanged("sobriete", "Quelles actions ?", None, 2),
    ]
    assert diff.describe() == [
        "Question « Suivez-vous vos factures ? » : poids 1 → 2,5.",
        "Question « Avez-vous un référent ? » : type oui / non → échelle de 0 à 5.",
        "Question « Quelles actions ? » : plafond somme des réponses → 2.",
    ]


def test_it_spots_band_changes_by_label() -> None:
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
        "Niveau « Bien engagé » supprimé (2,5 à 5).",
        "Niveau « Début » : renommé « Premiers pas », seuils 0 à 2,5 → 0 à 2, "
        "explication modifiée.",
        "Niveau « En route » ajouté (2 à 5).",
    ]


def test_no_sentence_names_a_key() -> None:
    def edit(data: dict[str, Any]) -> None:
        questions_of(data)[0]["options"][1]["points"] = 2
        questions_of(data)[1]["weight"] = 3
        questions_of(data, 1).append(questions_of(data).pop(0))
        data["bands"][0]["label"] = "Premiers pas"

    sentences = diff_definitions(*changed(edit)).describe()
    assert len(sentences) == 4
    for key in ("suivi", "annuel", "referent", "connaissance", "actions", "debut"):
        assert all(f" {key}" not in sentence for sentence in sentences), (key, sentences)


def test_resources_waiting_in_a_draft_are_listed_by_title() -> None:
    resource = {
        "key": "diag",
        "title": "Diagnostic énergie",
        "provider": "CCI",
        "type": "accompagnement",
        "description": "Un diagnostic.",
        "url": "https://example.org/",
        "levels": ["debut"],
    }

    def edit(data: dict[str, Any]) -> None:
        data["resources"] = [resource]

    (change,) = diff_definitions(*changed(edit)).changes
    assert change.describe() == (
        "Ressource « Diagnostic énergie » ajoutée ou mise à jour dans la base à la publication."
    )
