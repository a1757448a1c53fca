"""Theme definition models: per-type rules, bands, helpers."""

import re
from typing import Any

import pytest
from pydantic import ValidationError

from assett.domain.definition_fields import format_path, validate_bands
from assett.domain.definitions import Band, Conditions, Option, Question, ThemeDefinition

CHOICES = [{"key": "a", "label": "A", "points": 0}, {"key": "b", "label": "B", "points": 2}]


def question(**fields: Any) -> Question:
    return Question.model_validate({"key": "q", "text": "Question ?", **fields})


def bands(*bounds: tuple[float, float]) -> list[Band]:
    return [
        Band(key=f"b{index}", label=f"Niveau {index}", min=low, max=high, explanation="…")
        for index, (low, high) in enumerate(bounds)
    ]


def theme(**fields: Any) -> ThemeDefinition:
    data = {
        "key": "t",
        "title": "Thème",
        "categories": [
            {
                "key": "c",
                "title": "Catégorie",
                "questions": [
                    {"key": "q1", "text": "Un ?", "type": "yes_no"},
                    {"key": "q2", "text": "Deux ?", "type": "scale"},
                ],
            }
        ],
        "bands": [{"key": "seul", "label": "Seul", "min": 0, "max": 5, "explanation": "…"}],
        **fields,
    }
    return ThemeDefinition.model_validate(data)


def test_yes_no_offers_oui_and_non_with_their_points() -> None:
    choices = question(type="yes_no", yes_points=2, no_points=0.5).choices()
    assert choices == [
        Option(key="oui", label="Oui", points=2),
        Option(key="non", label="Non", points=0.5),
    ]


def test_a_scale_offers_zero_to_five() -> None:
    choices = question(type="scale").choices()
    assert [(c.key, c.points) for c in choices] == [(str(n), float(n)) for n in range(6)]


@pytest.mark.parametrize(
    ("fields", "maximum"),
    [
        ({"type": "single_choice", "options": CHOICES}, 2),
        ({"type": "multiple_choice", "options": CHOICES}, 2),
        ({"type": "multiple_choice", "options": CHOICES, "max_points": 1.5}, 1.5),
        ({"type": "yes_no"}, 1),
        ({"type": "yes_no", "yes_points": 0, "no_points": 3}, 3),
        ({"type": "scale"}, 5),
    ],
)
def test_each_type_has_its_maximum(fields: dict[str, Any], maximum: float) -> None:
    assert question(**fields).maximum == maximum


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"type": "yes_no", "options": CHOICES}, "options: pas d'options pour une question yes_no"),
        ({"type": "scale", "options": CHOICES}, "options: pas d'options pour une question scale"),
        ({"type": "single_choice", "options": CHOICES, "yes_points": 1}, "yes_points: réservé"),
        ({"type": "scale", "no_points": 1}, "no_points: réservé aux questions yes_no"),
        ({"type": "yes_no", "scale_labels": {"min": "x"}}, "scale_labels: réservé"),
        (
            {"type": "multiple_choice", "options": CHOICES, "max_points": 3},
            "max_points (3) dépasse la somme des points des options (2)",
        ),
        ({"type": "single_choice", "options": [*CHOICES, CHOICES[0]]}, "option « a » en double"),
        ({"type": "yes_no", "yes_points": 0}, "la question ne rapporte aucun point"),
        ({"type": "yes_no", "key": 3}, "Input should be a valid string"),
        ({"type": "yes_no", "required": "yes"}, "Input should be a valid boolean"),
        (
            {"type": "single_choice", "options": [CHOICES[0], {**CHOICES[1], "exclusive": True}]},
            "options[1].exclusive: réservé aux questions multiple_choice",
        ),
        (
            {
                "type": "multiple_choice",
                "options": [{**option, "exclusive": True} for option in CHOICES],
            },
            "au moins une option doit pouvoir être cochée avec d'autres",
        ),
        ({"type": "yes_no", "weight": 1e308}, "less than or equal to 1000"),
        ({"type": "yes_no", "yes_points": 1000.5}, "less than or equal to 1000"),
        (
            {"type": "multiple_choice", "options": CHOICES * 16},
            "at most 30 items",
        ),
    ],
)
def test_type_specific_fields_are_checked(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)):
        question(**fields)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"legal_type": ["sarl"]}, "statut juridique « sarl » inconnu"),
        ({"naf_section": ["Z"]}, "section NAF « Z » inconnue"),
        ({"headcount_min": 50, "headcount_max": 10}, "headcount_max (10) doit être supérieur"),
        ({"legal_type": []}, "at least 1 item"),
    ],
)
def test_conditions_are_checked(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Conditions.model_validate(fields)


def test_definitions_are_frozen() -> None:
    with pytest.raises(ValidationError):
        question(type="scale").weight = 2  # type: ignore[misc]


def test_validate_bands_accepts_bands_tiling_zero_to_five() -> None:
    assert validate_bands(bands((0, 1.5), (1.5, 2.5), (2.5, 4), (4, 5))) == []


@pytest.mark.parametrize(
    ("bounds", "messages"),
    [
        (
            [(0, 2.5), (3, 5)],
            ["les niveaux doivent couvrir 0 à 5 : trou entre 2,5 et 3 (« b0 » et « b1 »)"],
        ),
        (
            [(0, 3), (2.5, 5)],
            ["les niveaux doivent couvrir 0 à 5 : chevauchement entre 2,5 et 3 (« b0 » et « b1 »)"],
        ),
        ([(1, 5)], ["les niveaux doivent couvrir 0 à 5 : le premier commence à 1"]),
        ([(0, 4)], ["les niveaux doivent couvrir 0 à 5 : le dernier s'arrête à 4"]),
        (
            [(2.5, 5), (0, 2.5)],
            ["les niveaux doivent être classés du plus bas au plus haut"],
        ),
        (
            [(0, 0), (0, 5)],
            ["le niveau « b0 » doit avoir min < max (0 ≥ 0)"],
        ),
    ],
)
def test_validate_bands_explains_what_is_wrong(
    bounds: list[tuple[float, float]], messages: list[str]
) -> None:
    assert validate_bands(bands(*bounds)) == messages


def test_question_finds_a_question_by_key_or_raises_key_error() -> None:
    definition = theme()
    assert definition.question("q2").type == "scale"
    with pytest.raises(KeyError):
        definition.question("absente")


def test_iter_questions_follows_definition_order() -> None:
    assert [(c.key, q.key) for c, q in theme().iter_questions()] == [("c", "q1"), ("c", "q2")]


def test_to_data_leaves_defaults_out_and_writes_whole_numbers_as_ints() -> None:
    question = theme().to_data()["categories"][0]["questions"][0]
    assert question == {"key": "q1", "text": "Un ?", "type": "yes_no"}
    assert theme().to_data()["bands"][0]["max"] == 5
    assert isinstance(theme().to_data()["bands"][0]["max"], int)


def test_the_content_hash_changes_with_the_content_only() -> None:
    assert theme().content_hash() == theme().content_hash()
    assert theme().content_hash() != theme(title="Autre titre").content_hash()
    assert len(theme().content_hash()) == 64


def test_resources_accept_http_and_https_only() -> None:
    resource = {
        "key": "r",
        "title": "R",
        "provider": "P",
        "type": "outil",
        "description": "D",
        "url": "javascript:alert(1)",
        "levels": ["seul"],
    }
    with pytest.raises(ValidationError, match="doit commencer par http:// ou https://"):
        theme(resources=[resource])
    assert theme(resources=[{**resource, "url": "http://example.org"}]).resources[0].example


def test_format_path_reads_like_the_yaml() -> None:
    assert format_path(("categories", 0, "questions", 3, "options", 1, "points")) == (
        "categories[0].questions[3].options[1].points"
    )


def test_an_option_is_exclusive_only_when_it_says_so() -> None:
    plain = question(type="multiple_choice", options=CHOICES)
    marked = question(
        type="multiple_choice", options=[CHOICES[0] | {"exclusive": True}, CHOICES[1]]
    )
    assert [option.exclusive for option in plain.options] == [False, False]
    assert [option.exclusive for option in marked.options] == [True, False]


def test_the_exclusive_flag_is_written_only_when_set() -> None:
    data = theme().to_data()
    marked = theme(
        categories=[
            {
                "key": "c",
                "title": "Catégorie",
                "questions": [
                    {
                        "key": "q1",
                        "text": "Lesquelles ?",
                        "type": "multiple_choice",
                        "options": [CHOICES[1], CHOICES[0] | {"exclusive": True}],
                    }
                ],
            }
        ]
    ).to_data()
    assert "exclusive" not in str(data)
    assert marked["categories"][0]["questions"][0]["options"][1]["exclusive"] is True
