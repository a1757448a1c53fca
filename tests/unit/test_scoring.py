"""Scoring: hand-computed cases of the README formula."""

import re
from typing import Any

import pytest

from assett.domain.definitions import ThemeDefinition
from assett.domain.profile import Profile
from assett.domain.scoring import (
    QUESTION_TYPES,
    Answer,
    AnswerError,
    applicable_questions,
    format_score,
    missing_required,
    overall_mean,
    parse_answer,
    score_theme,
    suggestions,
)

BANDS = [
    {"key": "premiers_pas", "label": "Premiers pas", "min": 0, "max": 1.5, "explanation": "…"},
    {
        "key": "en_progression",
        "label": "En progression",
        "min": 1.5,
        "max": 2.5,
        "explanation": "…",
    },
    {"key": "avance", "label": "Avancé", "min": 2.5, "max": 4, "explanation": "…"},
    {"key": "exemplaire", "label": "Exemplaire", "min": 4, "max": 5, "explanation": "…"},
]

SUIVI = {
    "key": "suivi",
    "text": "Suivez-vous vos factures ?",
    "type": "single_choice",
    "options": [
        {"key": "aucun", "label": "Non", "points": 0},
        {"key": "annuel", "label": "Une fois par an", "points": 1},
        {"key": "mensuel", "label": "Chaque mois", "points": 2},
    ],
}
REFERENT = {"key": "referent", "text": "Avez-vous un référent ?", "type": "yes_no"}
SOBRIETE = {
    "key": "sobriete",
    "text": "Quelles actions de sobriété ?",
    "type": "multiple_choice",
    "max_points": 3,
    "options": [
        {"key": "consignes", "label": "Consignes", "points": 1},
        {"key": "eclairage", "label": "Éclairage LED", "points": 1},
        {"key": "veille", "label": "Veilles", "points": 1},
        {"key": "gtb", "label": "GTB", "points": 2},
    ],
}
PILOTAGE = {"key": "pilotage", "text": "Où en est le pilotage ?", "type": "scale"}

NOBODY = Profile()


def theme(*categories: list[dict[str, Any]]) -> ThemeDefinition:
    """Build a theme with one category per list of questions."""
    return ThemeDefinition.model_validate(
        {
            "key": "energie",
            "title": "Énergie",
            "categories": [
                {"key": f"cat{index}", "title": f"Catégorie {index}", "questions": questions}
                for index, questions in enumerate(categories)
            ],
            "bands": BANDS,
        }
    )


def q(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """Copy a question definition with some fields changed."""
    return {**base, **changes}


def value(raw: object) -> Answer:
    return Answer(value=raw)


NOT_CONCERNED = Answer(not_applicable=True)


def test_it_weights_each_question() -> None:
    defn = theme([q(REFERENT, weight=1), q(SUIVI, weight=3)])
    result = score_theme(defn, {"referent": value("oui"), "suivi": value("annuel")}, NOBODY)
    # earned 1×1 + 3×1 = 4, maximum 1×1 + 3×2 = 7
    assert result.earned == 4
    assert result.maximum == 7
    assert result.score == pytest.approx(5 * 4 / 7)
    assert result.counted == 2


def test_a_full_answer_scores_five() -> None:
    defn = theme([SUIVI, REFERENT, SOBRIETE, PILOTAGE])
    answers = {
        "suivi": value("mensuel"),
        "referent": value("oui"),
        "sobriete": value(["consignes", "gtb"]),
        "pilotage": value(5),
    }
    assert score_theme(defn, answers, NOBODY).score == 5.0


def test_it_caps_multiple_choice_at_max_points() -> None:
    defn = theme([SOBRIETE])
    everything = value(["consignes", "eclairage", "veille", "gtb"])
    result = score_theme(defn, {"sobriete": everything}, NOBODY)
    assert result.questions["sobriete"].earned == 3
    assert result.score == 5.0


def test_it_sums_ticked_options_below_the_cap() -> None:
    result = score_theme(theme([SOBRIETE]), {"sobriete": value(["consignes"])}, NOBODY)
    assert result.earned == 1
    assert result.maximum == 3
    assert result.score == pytest.approx(5 / 3)


def test_multiple_choice_without_max_points_is_out_of_the_sum_of_its_options() -> None:
    defn = theme([q(SOBRIETE, max_points=None)])
    assert defn.question("sobriete").maximum == 5


def test_ticking_nothing_counts_as_zero() -> None:
    result = score_theme(
        theme([SOBRIETE, REFERENT]),
        {
            "sobriete": value([]),
            "referent": value("oui"),
        },
        NOBODY,
    )
    assert result.questions["sobriete"].counted
    assert result.questions["sobriete"].earned == 0
    assert result.score == pytest.approx(5 * 1 / 4)


def test_scale_earns_the_chosen_value_out_of_five() -> None:
    result = score_theme(theme([PILOTAGE]), {"pilotage": value(2)}, NOBODY)
    assert result.score == 2.0


def test_yes_no_uses_its_own_points() -> None:
    fioul = q(REFERENT, key="fioul", yes_points=0, no_points=2)
    result = score_theme(
        theme([fioul, REFERENT]),
        {
            "fioul": value("non"),
            "referent": value("non"),
        },
        NOBODY,
    )
    assert result.earned == 2
    assert result.maximum == 3


def test_it_excludes_not_applicable_answers_from_both_sums() -> None:
    defn = theme([q(SUIVI, allow_not_applicable=True), REFERENT])
    result = score_theme(defn, {"suivi": NOT_CONCERNED, "referent": value("oui")}, NOBODY)
    assert result.earned == 1
    assert result.maximum == 1
    assert result.score == 5.0
    assert result.not_applicable == 1
    assert result.questions["suivi"].not_applicable
    assert result.questions["suivi"].answered
    assert not result.questions["suivi"].counted


def test_a_theme_answered_not_concerned_throughout_is_not_evaluated() -> None:
    defn = theme([q(SUIVI, allow_not_applicable=True), q(REFERENT, allow_not_applicable=True)])
    result = score_theme(defn, {"suivi": NOT_CONCERNED, "referent": NOT_CONCERNED}, NOBODY)
    assert result.score is None
    assert result.band is None
    assert result.counted == 0
    assert result.not_applicable == 2
    assert format_score(result.score) == "Non évalué"


def test_an_empty_set_of_answers_is_not_evaluated_rather_than_zero() -> None:
    result = score_theme(theme([SUIVI]), {}, NOBODY)
    assert result.score is None
    assert result.unanswered == 1


VEHICLES = q(PILOTAGE, key="flotte", applies_if={"has_vehicles": True})
LARGE = q(PILOTAGE, key="pdm", applies_if={"headcount_min": 50})
SMALL = q(PILOTAGE, key="petite", applies_if={"headcount_max": 49})
ASSOCIATIONS = q(PILOTAGE, key="benevoles", applies_if={"legal_type": ["association"]})
INDUSTRY = q(PILOTAGE, key="process", applies_if={"naf_section": ["C"]})


@pytest.mark.parametrize(
    ("question", "profile", "applies"),
    [
        (VEHICLES, Profile(has_vehicles=True), True),
        (VEHICLES, Profile(has_vehicles=False), False),
        (VEHICLES, Profile(has_vehicles=None), False),
        (LARGE, Profile(headcount_min=50), True),
        (LARGE, Profile(headcount_min=20), False),
        (LARGE, Profile(headcount_min=None), False),
        (SMALL, Profile(headcount_min=20), True),
        (SMALL, Profile(headcount_min=50), False),
        (ASSOCIATIONS, Profile(legal_type="association"), True),
        (ASSOCIATIONS, Profile(legal_type="entreprise"), False),
        (ASSOCIATIONS, Profile(), False),
        (INDUSTRY, Profile(naf_section="C"), True),
        (INDUSTRY, Profile(naf_section="F"), False),
    ],
)
def test_profile_conditions_decide_whether_a_question_applies(
    question: dict[str, Any], profile: Profile, applies: bool
) -> None:
    defn = theme([question, REFERENT])
    result = score_theme(defn, {question["key"]: value(0), "referent": value("oui")}, profile)
    assert result.questions[question["key"]].applicable is applies
    assert result.score == (pytest.approx(5 * 1 / 6) if applies else 5.0)
    assert result.not_applicable == (0 if applies else 1)
    listed = [key.key for _, key in applicable_questions(defn, profile)]
    assert (question["key"] in listed) is applies


def test_all_conditions_must_hold() -> None:
    both = q(PILOTAGE, applies_if={"has_vehicles": True, "headcount_min": 50})
    defn = theme([both])
    assert not applicable_questions(defn, Profile(has_vehicles=True, headcount_min=10))
    assert applicable_questions(defn, Profile(has_vehicles=True, headcount_min=250))


def test_an_optional_question_left_unanswered_is_excluded() -> None:
    defn = theme([q(SUIVI, required=False), REFERENT])
    result = score_theme(defn, {"referent": value("oui")}, NOBODY)
    assert result.score == 5.0
    assert result.unanswered == 1
    assert missing_required(defn, {"referent": value("oui")}, NOBODY) == []


def test_missing_required_lists_applicable_unanswered_required_questions() -> None:
    defn = theme([SUIVI, q(REFERENT, allow_not_applicable=True), VEHICLES])
    missing = missing_required(defn, {"referent": NOT_CONCERNED}, Profile(has_vehicles=False))
    assert [question.key for _, question in missing] == ["suivi"]


def test_a_stored_answer_no_longer_valid_counts_as_unanswered() -> None:
    defn = theme([SUIVI, REFERENT])
    answers = {"suivi": value("option_supprimee"), "referent": value("oui")}
    result = score_theme(defn, answers, NOBODY)
    assert not result.questions["suivi"].answered
    assert result.score == 5.0
    assert [question.key for _, question in missing_required(defn, answers, NOBODY)] == ["suivi"]


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0.0, "premiers_pas"),
        (1.4, "premiers_pas"),
        (1.5, "en_progression"),
        (2.5, "avance"),
        (2.4999999999999996, "avance"),
        (3.99, "avance"),
        (4.0, "exemplaire"),
        (5.0, "exemplaire"),
    ],
)
def test_a_threshold_belongs_to_the_upper_band_and_five_to_the_last(
    score: float, band: str
) -> None:
    found = theme([SUIVI]).band_for(score)
    assert found is not None
    assert found.key == band


def test_no_score_has_no_band_and_out_of_range_scores_neither() -> None:
    defn = theme([SUIVI])
    assert defn.band_for(None) is None
    assert defn.band_for(5.1) is None
    assert defn.band_for(-0.1) is None


def test_the_theme_result_carries_its_band() -> None:
    result = score_theme(theme([SUIVI]), {"suivi": value("annuel")}, NOBODY)
    assert result.score == 2.5
    assert result.band is not None
    assert result.band.label == "Avancé"


def test_each_category_gets_its_own_sub_score() -> None:
    defn = theme([SUIVI, REFERENT], [q(PILOTAGE, allow_not_applicable=True)], [SOBRIETE])
    answers = {
        "suivi": value("annuel"),
        "referent": value("oui"),
        "pilotage": NOT_CONCERNED,
        "sobriete": value(["gtb"]),
    }
    first, second, third = score_theme(defn, answers, NOBODY).categories
    assert (first.key, first.earned, first.maximum, first.counted) == ("cat0", 2, 3, 2)
    assert first.score == pytest.approx(5 * 2 / 3)
    assert (second.score, second.counted, second.not_applicable) == (None, 0, 1)
    assert third.score == pytest.approx(5 * 2 / 3)


def test_suggestions_put_the_most_weighted_points_lost_first() -> None:
    defn = theme(
        [q(REFERENT, weight=1), q(SUIVI, weight=3)],
        [q(PILOTAGE, weight=1), q(REFERENT, key="plan", weight=3)],
    )
    answers = {
        "referent": value("non"),  # loses 1 × 1
        "suivi": value("annuel"),  # loses 3 × 1
        "pilotage": value(3),  # loses 1 × 2
        "plan": value("oui"),  # loses nothing
    }
    found = suggestions(defn, score_theme(defn, answers, NOBODY), limit=5)
    assert [(s.question_key, s.weighted_lost) for s in found] == [
        ("suivi", 3),
        ("pilotage", 2),
        ("referent", 1),
    ]
    assert (found[0].current_label, found[0].best_label) == ("Une fois par an", "Chaque mois")
    assert (found[1].current_label, found[1].best_label) == ("3 sur 5", "5 sur 5")
    assert (found[2].current_label, found[2].best_label) == ("Non", "Oui")


def test_suggestions_keep_definition_order_on_ties_and_respect_the_limit() -> None:
    defn = theme([REFERENT, q(REFERENT, key="plan"), q(REFERENT, key="charte")])
    answers = {key: value("non") for key in ("referent", "plan", "charte")}
    found = suggestions(defn, score_theme(defn, answers, NOBODY), limit=2)
    assert [s.question_key for s in found] == ["referent", "plan"]


def test_a_multiple_choice_suggestion_points_to_the_best_option_not_yet_ticked() -> None:
    defn = theme([q(SOBRIETE, max_points=None)])
    result = score_theme(defn, {"sobriete": value(["gtb", "veille"])}, NOBODY)
    (found,) = suggestions(defn, result)
    assert found.current_label == "Veilles, GTB"
    assert found.best_label == "Consignes"


def test_unanswered_and_not_concerned_questions_are_not_suggested() -> None:
    defn = theme([SUIVI, q(REFERENT, allow_not_applicable=True)])
    result = score_theme(defn, {"referent": NOT_CONCERNED}, NOBODY)
    assert suggestions(defn, result) == []


def test_overall_mean_ignores_themes_not_evaluated() -> None:
    assert overall_mean([2.0, None, 3.0]) == (2.5, 2)
    assert overall_mean([None, None]) == (None, 0)
    assert overall_mean([]) == (None, 0)


@pytest.mark.parametrize(
    ("score", "shown"),
    [
        (2.5, "2,5"),
        (0.0, "0,0"),
        (5.0, "5,0"),
        (5, "5,0"),
        (2.45, "2,5"),
        (2.44, "2,4"),
        (1.8333333, "1,8"),
        (0.05, "0,1"),
        (None, "Non évalué"),
    ],
)
def test_format_score_uses_one_decimal_a_french_comma_and_rounds_half_up(
    score: float | None, shown: str
) -> None:
    assert format_score(score) == shown


def test_every_question_type_has_a_handler() -> None:
    assert set(QUESTION_TYPES) == {"single_choice", "multiple_choice", "yes_no", "scale"}


@pytest.mark.parametrize(
    ("question", "raw", "stored"),
    [
        (SUIVI, "annuel", "annuel"),
        (SUIVI, ["annuel"], "annuel"),
        (SUIVI, " annuel ", "annuel"),
        (REFERENT, "oui", "oui"),
        (PILOTAGE, "3", 3),
        (PILOTAGE, 0, 0),
        (SOBRIETE, ["gtb", "consignes", "gtb"], ["consignes", "gtb"]),
        (SOBRIETE, "veille", ["veille"]),
        (SOBRIETE, [], []),
    ],
)
def test_parse_answer_stores_a_json_friendly_value(
    question: dict[str, Any], raw: object, stored: object
) -> None:
    parsed = parse_answer(theme([question]).question(question["key"]), raw, not_applicable=False)
    assert parsed == Answer(value=stored)


@pytest.mark.parametrize("raw", [None, "", "  ", []])
def test_a_blank_answer_is_unanswered(raw: object) -> None:
    question = theme([SUIVI]).question("suivi")
    assert parse_answer(question, raw, not_applicable=False) == Answer()


@pytest.mark.parametrize(
    ("question", "raw", "message"),
    [
        (
            SUIVI,
            "jamais",
            "Réponse « jamais » inconnue pour la question « Suivez-vous vos factures ? »",
        ),
        (SUIVI, ["annuel", "mensuel"], "Une seule réponse est attendue"),
        (REFERENT, "peut-être", "Réponse « peut-être » inconnue pour la question « Avez-vous un"),
        (PILOTAGE, "6", "doit être un nombre de 0 à 5"),
        (PILOTAGE, "trois", "doit être un nombre de 0 à 5"),
        (SOBRIETE, ["gtb", "solaire"], "Réponse « solaire » inconnue pour la question « Quelles"),
    ],
)
def test_parse_answer_refuses_answers_the_question_does_not_offer(
    question: dict[str, Any], raw: object, message: str
) -> None:
    with pytest.raises(AnswerError, match=re.escape(message)):
        parse_answer(theme([question]).question(question["key"]), raw, not_applicable=False)


def test_not_concerned_is_refused_unless_the_question_allows_it() -> None:
    defn = theme([SUIVI, q(REFERENT, allow_not_applicable=True)])
    with pytest.raises(AnswerError, match="n'accepte pas la réponse « Non concerné »"):
        parse_answer(defn.question("suivi"), None, not_applicable=True)
    assert parse_answer(defn.question("referent"), "oui", not_applicable=True) == NOT_CONCERNED


NONE_OPTION = {"key": "aucune", "label": "Aucune de ces actions", "points": 0, "exclusive": True}
SOBRIETE_OR_NONE = q(SOBRIETE, max_points=None, options=[*SOBRIETE["options"], NONE_OPTION])


def test_an_exclusive_option_ticked_with_another_is_refused_with_its_label() -> None:
    question = theme([SOBRIETE_OR_NONE]).question("sobriete")
    with pytest.raises(AnswerError, match="« Aucune de ces actions » ne peut pas être cochée"):
        parse_answer(question, ["consignes", "aucune"], False)


def test_an_exclusive_option_ticked_alone_is_an_answer_worth_nothing() -> None:
    defn = theme([SOBRIETE_OR_NONE])
    assert parse_answer(defn.question("sobriete"), ["aucune"], False) == value(["aucune"])
    result = score_theme(defn, {"sobriete": value(["aucune"])}, NOBODY)
    assert result.score == 0
    assert result.counted == 1


def test_a_stored_contradictory_answer_counts_as_unanswered() -> None:
    defn = theme([SOBRIETE_OR_NONE])
    result = score_theme(defn, {"sobriete": value(["gtb", "aucune"])}, NOBODY)
    assert result.questions["sobriete"].answered is False
    assert result.score is None


def test_the_exclusive_option_is_never_the_suggested_answer() -> None:
    defn = theme([SOBRIETE_OR_NONE])
    result = score_theme(defn, {"sobriete": value(["aucune"])}, NOBODY)
    (found,) = suggestions(defn, result)
    assert found.current_label == "Aucune de ces actions"
    assert found.best_label == "GTB"


def test_a_scale_suggestion_speaks_in_the_scales_own_labels() -> None:
    labelled = q(PILOTAGE, scale_labels={"min": "Presque rien", "max": "La quasi-totalité"})
    defn = theme([labelled])

    found = suggestions(defn, score_theme(defn, {"pilotage": value(3)}, NOBODY))
    zero = suggestions(defn, score_theme(defn, {"pilotage": value(0)}, NOBODY))

    assert (found[0].current_label, found[0].best_label) == (
        "3 sur 5",
        "5 sur 5 (La quasi-totalité)",
    )
    assert zero[0].current_label == "0 sur 5 (Presque rien)"
