"""The territory admin's questionnaire editor: edits go into a draft, checked like a file."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from assett.extensions import db
from assett.models import Questionnaire, QuestionnaireVersion
from assett.services import drafts, editor
from assett.services.errors import ServiceError
from assett.services.questionnaires import published_version, territory_questionnaire

from . import factories

THEME_YAML = """
key: energie
title: Énergie
categories:
  - key: connaissance
    title: Connaissance des consommations
    questions:
      - key: suivi_factures
        text: Suivez-vous vos factures d'énergie ?
        type: single_choice
        options:
          - {key: aucun, label: Aucun suivi, points: 0}
          - {key: annuel, label: Une fois par an, points: 1}
          - {key: mensuel, label: Chaque mois, points: 2}
      - key: referent
        text: Avez-vous désigné un référent énergie ?
        type: yes_no
  - key: pilotage
    title: Pilotage
    questions:
      - key: maturite
        text: Où en est le pilotage énergétique ?
        type: scale
        weight: 2
bands:
  - {key: premiers_pas, label: Premiers pas, min: 0, max: 1.5, explanation: Découverte.}
  - {key: en_progression, label: En progression, min: 1.5, max: 2.5, explanation: En route.}
  - {key: avance, label: Avancé, min: 2.5, max: 4, explanation: Structuré.}
  - {key: exemplaire, label: Exemplaire, min: 4, max: 5, explanation: Une référence.}
"""

BASE = "/t/demo/admin/questionnaires"


@pytest.fixture
def theme(world: factories.World) -> Questionnaire:
    return factories.publish_theme(world.territory, THEME_YAML)


def draft_of(questionnaire: Questionnaire) -> QuestionnaireVersion | None:
    db.session.expire_all()
    return drafts.draft_version(questionnaire)


def working(questionnaire: Questionnaire) -> dict:
    db.session.expire_all()
    version = drafts.working_version(questionnaire)
    assert version is not None
    return version.definition


def question_keys(data: dict) -> list[str]:
    return [q["key"] for c in data["categories"] for q in c["questions"]]


def version_count(questionnaire: Questionnaire) -> int:
    return db.session.scalar(
        select(func.count(QuestionnaireVersion.id)).where(
            QuestionnaireVersion.questionnaire_id == questionnaire.id
        )
    )


QUESTION_FORM = {
    "text": "Avez-vous un plan de sobriété ?",
    "help": "",
    "type": "single_choice",
    "required": "y",
    "weight": "1,5",
    "options-0-label": "Non",
    "options-0-points": "0",
    "options-1-label": "En préparation",
    "options-1-points": "0,5",
    "options-2-label": "Oui, suivi chaque année",
    "options-2-points": "2",
    "has_vehicles": "",
}


# --- The draft ---------------------------------------------------------------------------


def test_adding_a_question_puts_it_in_a_draft_and_leaves_the_published_version(
    client, login_as, world, theme
):
    login_as(world.admin)
    published_before = published_version(theme).definition

    response = client.post(
        f"{BASE}/energie/categories/connaissance/questions/nouvelle", data=QUESTION_FORM
    )

    assert response.status_code == 302
    draft = draft_of(theme)
    assert draft is not None
    assert draft.number == 2
    assert draft.created_by_id == world.admin.id
    question = draft.definition["categories"][0]["questions"][-1]
    assert question["key"] == "avez_vous_un_plan_de_sobriete"
    assert question["weight"] == 1.5
    assert [(o["key"], o["points"]) for o in question["options"]] == [
        ("non", 0),
        ("en_preparation", 0.5),
        ("oui_suivi_chaque_annee", 2),
    ]
    assert published_version(theme).definition == published_before
    page = client.get(f"{BASE}/energie/").get_data(as_text=True)
    assert "Avez-vous un plan de sobriété ?" in page
    assert "Brouillon en cours (version 2)" in page


def test_every_edit_goes_into_the_same_single_draft(client, login_as, world, theme):
    login_as(world.admin)
    client.post(f"{BASE}/energie/titre", data={"title": "Énergie et climat", "description": ""})
    client.post(f"{BASE}/energie/categories/nouvelle", data={"title": "Énergies renouvelables"})

    assert version_count(theme) == 2
    data = working(theme)
    assert data["title"] == "Énergie et climat"
    assert [c["key"] for c in data["categories"]] == [
        "connaissance",
        "pilotage",
        "energies_renouvelables",
    ]
    assert data["categories"][2]["questions"] == []  # to be filled before publishing


def test_editing_a_question_keeps_its_key_and_writes_its_conditions(client, login_as, world, theme):
    login_as(world.admin)
    form = {
        "text": "Avez-vous nommé un référent énergie ?",
        "type": "yes_no",
        "category": "pilotage",
        "allow_not_applicable": "y",
        "weight": "2",
        "yes_points": "2",
        "no_points": "0",
        "has_vehicles": "oui",
        "headcount_min": "50",
        "headcount_max": "",
        "legal_type": ["entreprise", "association"],
        "naf_section": ["C", "F"],
    }

    response = client.post(f"{BASE}/energie/questions/referent/", data=form)

    assert response.status_code == 302
    data = working(theme)
    assert [q["key"] for q in data["categories"][1]["questions"]] == ["maturite", "referent"]
    question = data["categories"][1]["questions"][1]
    assert question == {
        "key": "referent",
        "text": "Avez-vous nommé un référent énergie ?",
        "type": "yes_no",
        "required": False,
        "allow_not_applicable": True,
        "weight": 2,
        "yes_points": 2,
        "applies_if": {
            "has_vehicles": True,
            "headcount_min": 50,
            "legal_type": ["entreprise", "association"],
            "naf_section": ["C", "F"],
        },
    }


def test_the_edit_form_shows_the_stored_question(client, login_as, world, theme):
    login_as(world.admin)

    page = client.get(f"{BASE}/energie/questions/maturite/").get_data(as_text=True)

    assert "Où en est le pilotage énergétique ?" in page
    assert re.search(r'id="weight"[^>]*value="2"|value="2"[^>]*id="weight"', page)
    assert 'value="scale" checked' in page or 'checked id="type-3"' in page


def test_a_choice_question_turned_into_yes_no_loses_its_options(world, theme):
    fields = editor.QuestionFields(text="Suivez-vous vos factures ?", type="yes_no")

    editor.edit_question(theme, "suivi_factures", fields, world.admin)

    question = working(theme)["categories"][0]["questions"][0]
    assert question == {
        "key": "suivi_factures",
        "text": "Suivez-vous vos factures ?",
        "type": "yes_no",
    }


def test_a_yes_no_question_turned_into_a_choice_takes_the_options_typed(world, theme):
    fields = editor.QuestionFields(text="Avez-vous un référent ?", type="single_choice")
    options = [
        editor.OptionFields("Non", 0),
        editor.OptionFields("", None),
        editor.OptionFields("Oui, à temps partiel", 1),
    ]

    editor.edit_question(theme, "referent", fields, world.admin, options=options)

    question = working(theme)["categories"][0]["questions"][1]
    assert question["options"] == [
        {"key": "non", "label": "Non", "points": 0},
        {"key": "oui_a_temps_partiel", "label": "Oui, à temps partiel", "points": 1},
    ]


def test_questions_categories_and_options_move_up_and_down(client, login_as, world, theme):
    login_as(world.admin)
    client.post(f"{BASE}/energie/questions/referent/deplacer", data={"direction": "up"})
    client.post(f"{BASE}/energie/categories/pilotage/deplacer", data={"direction": "up"})
    client.post(
        f"{BASE}/energie/questions/suivi_factures/options/mensuel/deplacer",
        data={"direction": "up"},
    )

    data = working(theme)
    assert [c["key"] for c in data["categories"]] == ["pilotage", "connaissance"]
    assert [q["key"] for q in data["categories"][1]["questions"]] == ["referent", "suivi_factures"]
    options = data["categories"][1]["questions"][1]["options"]
    assert [o["key"] for o in options] == ["aucun", "mensuel", "annuel"]


def test_moving_the_first_item_up_changes_nothing(world, theme):
    editor.move_question(theme, "suivi_factures", "up", world.admin)

    assert question_keys(working(theme)) == ["suivi_factures", "referent", "maturite"]


def test_options_are_added_edited_and_removed_on_their_own_pages(client, login_as, world, theme):
    login_as(world.admin)
    url = f"{BASE}/energie/questions/suivi_factures/options"
    assert (
        client.post(
            f"{url}/nouvelle", data={"label": "Chaque semaine", "points": "2,5"}
        ).status_code
        == 302
    )
    assert (
        client.post(f"{url}/annuel/", data={"label": "Chaque année", "points": "1"}).status_code
        == 302
    )
    assert client.post(f"{url}/aucun/supprimer").status_code == 302

    options = working(theme)["categories"][0]["questions"][0]["options"]
    assert options == [
        {"key": "annuel", "label": "Chaque année", "points": 1},
        {"key": "mensuel", "label": "Chaque mois", "points": 2},
        {"key": "chaque_semaine", "label": "Chaque semaine", "points": 2.5},
    ]


def test_removing_a_choice_questions_second_to_last_option_is_refused(
    client, login_as, world, theme
):
    login_as(world.admin)
    url = f"{BASE}/energie/questions/suivi_factures/options"
    client.post(f"{url}/aucun/supprimer")

    response = client.post(f"{url}/annuel/supprimer", follow_redirects=True)

    assert "au moins 2 options" in response.get_data(as_text=True)
    options = working(theme)["categories"][0]["questions"][0]["options"]
    assert [o["key"] for o in options] == ["annuel", "mensuel"]


def test_bands_are_edited_all_at_once_with_french_decimals(client, login_as, world, theme):
    login_as(world.admin)
    form = {}
    for index, (label, low, high) in enumerate(
        [
            ("Débutant", "0", "1,25"),
            ("Engagé", "1,25", "2,5"),
            ("Avancé", "2,5", "4"),
            ("Exemplaire", "4", "5"),
        ]
    ):
        form[f"bands-{index}-label"] = label
        form[f"bands-{index}-min"] = low
        form[f"bands-{index}-max"] = high
        form[f"bands-{index}-explanation"] = f"Explication {index}"

    assert client.post(f"{BASE}/energie/niveaux", data=form).status_code == 302

    bands = working(theme)["bands"]
    assert [(b["key"], b["label"], b["min"], b["max"]) for b in bands] == [
        ("premiers_pas", "Débutant", 0, 1.25),
        ("en_progression", "Engagé", 1.25, 2.5),
        ("avance", "Avancé", 2.5, 4),
        ("exemplaire", "Exemplaire", 4, 5),
    ]


def test_removing_a_category_removes_its_questions_but_never_the_last_one(world, theme):
    editor.remove_category(theme, "pilotage", world.admin)

    assert question_keys(working(theme)) == ["suivi_factures", "referent"]
    with pytest.raises(ServiceError, match="au moins une catégorie"):
        editor.remove_category(theme, "connaissance", world.admin)


def test_discarding_the_draft_brings_back_the_published_version(client, login_as, world, theme):
    login_as(world.admin)
    editor.remove_question(theme, "referent", world.admin)

    response = client.post(f"{BASE}/energie/brouillon/abandonner", data={"confirme": "1"})

    assert response.status_code == 302
    assert draft_of(theme) is None
    assert question_keys(working(theme)) == ["suivi_factures", "referent", "maturite"]


# --- Keys ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Suivez-vous vos consommations d'eau ?", "suivez_vous_vos_consommations_d_eau"),
        ("Œuvres sociales & écogestes", "uvres_sociales_ecogestes"),
        ("???", "question"),
        (
            "Avez-vous réalisé un bilan des émissions de gaz à effet de serre (BEGES) ?",
            "avez_vous_realise_un_bilan_des_emissions",
        ),
    ],
)
def test_keys_are_made_from_labels(text, key):
    assert drafts.slugify(text, "question") == key


def test_a_removed_questions_key_is_never_given_to_a_new_question(world, theme):
    first = editor.add_question(
        theme,
        "pilotage",
        editor.QuestionFields(text="Avez-vous un plan ?", type="yes_no"),
        world.admin,
    )
    editor.publish_draft(theme, world.admin)
    editor.remove_question(theme, first, world.admin)
    editor.publish_draft(theme, world.admin)

    second = editor.add_question(
        theme,
        "pilotage",
        editor.QuestionFields(text="Avez-vous un plan ?", type="yes_no"),
        world.admin,
    )

    assert (first, second) == ("avez_vous_un_plan", "avez_vous_un_plan_2")


# --- Invalid edits ---------------------------------------------------------------------------


def bands_form(**changes: str) -> dict[str, str]:
    form = {}
    rows = [
        ("Premiers pas", "0", "1,5"),
        ("En progression", "1,5", "2,5"),
        ("Avancé", "2,5", "4"),
        ("Exemplaire", "4", "5"),
    ]
    for index, (label, low, high) in enumerate(rows):
        form[f"bands-{index}-label"] = label
        form[f"bands-{index}-min"] = low
        form[f"bands-{index}-max"] = high
        form[f"bands-{index}-explanation"] = "Une explication."
    form.update(changes)
    return form


OPTION_URL = "/energie/questions/suivi_factures/options"
QUESTION_URL = "/energie/questions/referent/"
ADD_URL = "/energie/categories/connaissance/questions/nouvelle"
YES_NO = {
    "text": "Avez-vous désigné un référent ?",
    "type": "yes_no",
    "category": "connaissance",
    "required": "y",
    "weight": "1",
    "yes_points": "1",
    "no_points": "0",
}


@pytest.mark.parametrize(
    ("url", "form", "field", "message"),
    [
        ("/energie/niveaux", bands_form(**{"bands-1-min": "1,75"}), None, "trou entre 1,5 et 1,75"),
        (
            "/energie/niveaux",
            bands_form(**{"bands-2-max": "4,5"}),
            None,
            "chevauchement entre 4 et 4,5",
        ),
        (
            "/energie/niveaux",
            bands_form(**{"bands-3-explanation": ""}),
            "bands-3-explanation",
            "Ne doit pas être vide",
        ),
        (
            "/energie/niveaux",
            bands_form(**{"bands-0-max": "un et demi"}),
            "bands-0-max",
            "Saisissez un nombre, par exemple 1,5.",
        ),
        (
            f"{OPTION_URL}/annuel/",
            {"label": "Une fois par an", "points": "-1"},
            "points",
            "Doit être supérieur ou égal à 0",
        ),
        (f"{OPTION_URL}/annuel/", {"label": "", "points": "1"}, "label", "Ne doit pas être vide"),
        (
            f"{OPTION_URL}/nouvelle",
            {"label": "Jamais", "points": ""},
            "points",
            "Champ obligatoire manquant",
        ),
        (QUESTION_URL, {**YES_NO, "text": "   "}, "text", "Ne doit pas être vide"),
        (QUESTION_URL, {**YES_NO, "weight": "0"}, "weight", "Doit être strictement supérieur à 0"),
        (QUESTION_URL, {**YES_NO, "yes_points": "0"}, None, "la question ne rapporte aucun point"),
        (
            QUESTION_URL,
            {**YES_NO, "headcount_min": "250", "headcount_max": "50"},
            "headcount_max",
            "doit être supérieur ou égal à headcount_min",
        ),
        (
            QUESTION_URL,
            {**YES_NO, "headcount_min": "cinquante"},
            "headcount_min",
            "Saisissez un nombre entier, par exemple 50.",
        ),
        (
            ADD_URL,
            {**QUESTION_FORM, "options-1-points": "-0,5"},
            "options-1-points",
            "Doit être supérieur ou égal à 0",
        ),
        (
            ADD_URL,
            {
                "text": "Une question ?",
                "type": "single_choice",
                "options-0-label": "Seule",
                "options-0-points": "1",
            },
            None,
            "doit proposer au moins 2 options",
        ),
        ("/energie/titre", {"title": "", "description": ""}, "title", "Ne doit pas être vide"),
        (
            "/energie/categories/pilotage/",
            {"title": "", "description": ""},
            "title",
            "Ne doit pas être vide",
        ),
    ],
    ids=[
        "bands-with-a-gap",
        "bands-overlapping",
        "band-without-explanation",
        "band-threshold-not-a-number",
        "option-with-negative-points",
        "option-without-label",
        "option-without-points",
        "question-with-empty-text",
        "question-with-zero-weight",
        "yes-no-worth-nothing",
        "headcount-max-below-min",
        "headcount-not-a-number",
        "new-option-with-negative-points",
        "choice-with-one-option",
        "theme-without-title",
        "category-without-title",
    ],
)
def test_an_invalid_edit_shows_the_error_next_to_the_field_and_changes_nothing(
    client, login_as, world, theme, url, form, field, message
):
    login_as(world.admin)
    before = published_version(theme).definition

    response = client.post(f"{BASE}{url}", data=form)

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    if field is None:
        assert message in page
    else:
        match = re.search(rf'<p class="error-message" id="{field}-error">([^<]*)</p>', page)
        assert match is not None, page
        assert message in match.group(1)
        assert f'aria-describedby="{field}-error"' in page
    assert draft_of(theme) is None
    assert version_count(theme) == 1
    assert published_version(theme).definition == before


def test_an_invalid_edit_of_an_existing_draft_leaves_it_unchanged(client, login_as, world, theme):
    login_as(world.admin)
    editor.rename_theme(theme, "Énergie et climat", "", world.admin)
    before = draft_of(theme)
    saved = (before.definition, before.content_hash)

    response = client.post(f"{BASE}/energie/niveaux", data=bands_form(**{"bands-1-min": "2"}))

    assert response.status_code == 400
    after = draft_of(theme)
    assert (after.id, after.definition, after.content_hash) == (before.id, *saved)


def test_an_edit_refused_by_the_service_raises_an_editor_error_by_field(world, theme):
    with pytest.raises(drafts.EditorError) as refusal:
        editor.edit_option(
            theme, "suivi_factures", "annuel", editor.OptionFields("", -2), world.admin
        )

    assert refusal.value.field_errors() == {
        "label": ["Ne doit pas être vide"],
        "points": ["Doit être supérieur ou égal à 0"],
    }
    assert draft_of(theme) is None


def test_a_text_too_long_for_the_database_is_refused_before_saving(world, theme):
    with pytest.raises(drafts.EditorError, match="200 caractères au plus"):
        editor.rename_theme(theme, "É" * 201, "", world.admin)


def test_an_unknown_question_is_not_found(client, login_as, world, theme):
    login_as(world.admin)

    assert client.get(f"{BASE}/energie/questions/inconnue/").status_code == 404
    assert client.get(f"{BASE}/energie/categories/inconnue/").status_code == 404
    assert client.get(f"{BASE}/inconnu/").status_code == 404


# --- Themes ---------------------------------------------------------------------------------


def test_a_new_theme_starts_as_a_draft_with_default_bands_and_a_first_category(
    client, login_as, world, theme
):
    login_as(world.admin)

    response = client.post(
        f"{BASE}/nouveau", data={"title": "Numérique responsable", "key": "", "description": ""}
    )

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{BASE}/numerique_responsable/")
    questionnaire = territory_questionnaire(world.territory.id, "numerique_responsable")
    assert questionnaire is not None
    assert not questionnaire.enabled
    assert questionnaire.position == theme.position + 1
    data = working(questionnaire)
    assert [b["key"] for b in data["bands"]] == [
        "premiers_pas",
        "en_progression",
        "avance",
        "exemplaire",
    ]
    assert data["categories"] == [{"key": "general", "title": "Généralités", "questions": []}]
    assert drafts.publish_problems(questionnaire) == [
        "La catégorie « Généralités » n'a aucune question : ajoutez-en au moins une ou "
        "supprimez la catégorie."
    ]


def test_a_theme_key_already_used_is_refused_next_to_the_field(client, login_as, world, theme):
    login_as(world.admin)

    response = client.post(f"{BASE}/nouveau", data={"title": "Énergie bis", "key": "energie"})

    assert response.status_code == 400
    assert 'id="key-error">L&#39;identifiant « energie » est déjà' in response.get_data(
        as_text=True
    )


def test_an_invalid_theme_key_is_refused_with_the_loaders_reason(client, login_as, world):
    login_as(world.admin)

    response = client.post(f"{BASE}/nouveau", data={"title": "Achats", "key": "Achats Verts"})

    assert response.status_code == 400
    assert "Identifiant « Achats Verts » invalide" in response.get_data(as_text=True)
    assert territory_questionnaire(world.territory.id, "achats") is None


def test_a_new_theme_can_be_discarded_entirely(client, login_as, world):
    login_as(world.admin)
    questionnaire = editor.add_theme(world.territory, "achats", "Achats responsables", world.admin)

    response = client.post(f"{BASE}/achats/brouillon/abandonner", data={"confirme": "1"})

    assert response.status_code == 302
    assert db.session.get(Questionnaire, questionnaire.id) is None


def test_themes_are_reordered_up_and_down(client, login_as, world, theme):
    second = factories.publish_theme(
        world.territory, THEME_YAML.replace("key: energie", "key: mobilite", 1)
    )
    login_as(world.admin)

    client.post(f"{BASE}/mobilite/deplacer", data={"direction": "up"})

    db.session.expire_all()
    keys = [q.theme_key for q in drafts.theme_rows(world.territory) for q in [q.questionnaire]]
    assert keys == ["mobilite", "energie"]
    assert second.position == 1


def test_the_theme_list_shows_each_themes_state(client, login_as, world, theme):
    editor.add_theme(world.territory, "achats", "Achats responsables", world.admin)
    editor.rename_theme(theme, "Énergie et climat", "", world.admin)
    login_as(world.admin)

    page = client.get(f"{BASE}/").get_data(as_text=True)

    assert "Version 1 publiée" in page
    assert "Brouillon en cours (version 2)" in page
    assert "Achats responsables" in page
    assert "Jamais publié" in page


def test_the_admin_home_links_to_the_questionnaires(client, login_as, world):
    login_as(world.admin)

    page = client.get("/t/demo/admin/").get_data(as_text=True)

    assert f'href="{BASE}/"' in page


# --- Access ---------------------------------------------------------------------------------

EDITOR_PAGES = [
    ("get", "/"),
    ("get", "/questionnaires/"),
    ("get", "/questionnaires/nouveau"),
    ("get", "/questionnaires/energie/"),
    ("get", "/questionnaires/energie/titre"),
    ("get", "/questionnaires/energie/niveaux"),
    ("get", "/questionnaires/energie/categories/nouvelle"),
    ("get", "/questionnaires/energie/categories/connaissance/"),
    ("get", "/questionnaires/energie/categories/connaissance/questions/nouvelle"),
    ("get", "/questionnaires/energie/questions/referent/"),
    ("get", "/questionnaires/energie/questions/suivi_factures/options/nouvelle"),
    ("get", "/questionnaires/energie/questions/suivi_factures/options/annuel/"),
    ("get", "/questionnaires/energie/apercu"),
    ("get", "/questionnaires/energie/publier"),
    ("get", "/questionnaires/energie/versions"),
    ("get", "/questionnaires/energie/versions/comparer"),
    ("get", "/questionnaires/energie/export.yaml"),
    ("get", "/questionnaires/importer"),
    ("get", "/questionnaires/energie/importer"),
    ("post", "/questionnaires/energie/publier"),
    ("post", "/questionnaires/energie/desactiver"),
    ("post", "/questionnaires/energie/questions/referent/supprimer"),
    ("post", "/questionnaires/energie/brouillon/abandonner"),
]


@pytest.mark.parametrize(("method", "path"), EDITOR_PAGES)
@pytest.mark.parametrize(("persona", "status"), [("animator", 403), ("actor", 403)])
def test_animators_and_actors_are_refused_the_editor(
    client, login_as, world, theme, method, path, persona, status
):
    login_as(getattr(world, persona))

    response = getattr(client, method)(f"/t/demo/admin{path}")

    assert response.status_code == status
    assert draft_of(theme) is None
    assert theme.enabled


@pytest.mark.parametrize(("method", "path"), EDITOR_PAGES)
def test_the_admin_of_another_territory_gets_not_found(
    client, login_as, world, theme, method, path
):
    stranger = factories.make_user("admin.autre@example.org")
    factories.give_role(stranger, world.other_territory, "admin")
    login_as(stranger)

    response = getattr(client, method)(f"/t/demo/admin{path}")

    assert response.status_code == 404
    assert draft_of(theme) is None
    assert theme.enabled


def test_an_admin_cannot_reach_another_territorys_theme_through_their_own(
    client, login_as, world, theme
):
    factories.publish_theme(
        world.other_territory, THEME_YAML.replace("key: energie", "key: eau", 1)
    )
    login_as(world.admin)

    assert client.get(f"{BASE}/eau/").status_code == 404


def test_anonymous_visitors_are_sent_to_login(client, world, theme):
    response = client.get(f"{BASE}/energie/")

    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]


def test_a_platform_admin_may_edit_any_territory(client, login_as, world, theme):
    login_as(world.platform_admin)

    assert client.get(f"{BASE}/energie/").status_code == 200


def test_edits_need_the_csrf_token(app, client, login_as, world, theme):
    app.config["WTF_CSRF_ENABLED"] = True
    login_as(world.admin)

    response = client.post(f"{BASE}/energie/questions/referent/supprimer")

    assert response.status_code == 400
    assert draft_of(theme) is None


# --- Adding and removing bands ---------------------------------------------------------------


def test_the_bands_page_offers_a_blank_row_to_add_a_level_and_a_box_to_remove_each(
    client, login_as, world, theme
):
    login_as(world.admin)

    page = client.get(f"{BASE}/energie/niveaux").get_data(as_text=True)

    assert "Nouveau niveau (facultatif)" in page
    assert [f'name="bands-{row}-remove"' in page for row in range(5)] == [True] * 4 + [False]
    assert 'name="bands-4-label"' in page


def test_admin_adds_a_fifth_band_by_filling_the_blank_row(client, login_as, world, theme):
    login_as(world.admin)
    form = bands_form(**{"bands-3-max": "4,5"})
    form.update(
        {
            "bands-4-label": "Pionnier",
            "bands-4-min": "4,5",
            "bands-4-max": "5",
            "bands-4-explanation": "Vous ouvrez la voie.",
        }
    )

    response = client.post(f"{BASE}/energie/niveaux", data=form)

    assert response.status_code == 302
    bands = working(theme)["bands"]
    assert [(b["key"], b["label"], b["min"], b["max"]) for b in bands] == [
        ("premiers_pas", "Premiers pas", 0, 1.5),
        ("en_progression", "En progression", 1.5, 2.5),
        ("avance", "Avancé", 2.5, 4),
        ("exemplaire", "Exemplaire", 4, 4.5),
        ("pionnier", "Pionnier", 4.5, 5),
    ]


def test_admin_removes_a_band_and_widens_its_neighbour(client, login_as, world, theme):
    login_as(world.admin)
    form = bands_form(**{"bands-1-remove": "y", "bands-0-max": "2,5"})

    response = client.post(f"{BASE}/energie/niveaux", data=form)

    assert response.status_code == 302
    bands = working(theme)["bands"]
    assert [(b["key"], b["min"], b["max"]) for b in bands] == [
        ("premiers_pas", 0, 2.5),
        ("avance", 2.5, 4),
        ("exemplaire", 4, 5),
    ]


def test_removing_a_band_without_covering_its_range_is_refused_and_changes_nothing(
    client, login_as, world, theme
):
    login_as(world.admin)
    before = working(theme)["bands"]

    response = client.post(f"{BASE}/energie/niveaux", data=bands_form(**{"bands-1-remove": "y"}))

    assert response.status_code == 400
    assert "trou entre 1,5 et 2,5" in response.get_data(as_text=True)
    assert working(theme)["bands"] == before


def test_removing_every_band_is_refused(world, theme):
    rows = [
        editor.BandFields(label="x", min=0, max=5, explanation="x", key=key, remove=True)
        for key in ("premiers_pas", "en_progression", "avance", "exemplaire")
    ]
    with pytest.raises(ServiceError, match="au moins un niveau"):
        editor.edit_bands(theme, rows, world.admin)


def test_a_new_band_never_takes_the_key_of_a_removed_one(world, theme):
    keep = [
        editor.BandFields(
            label="Premiers pas", min=0, max=2.5, explanation="x", key="premiers_pas"
        ),
        editor.BandFields(
            label="x", min=None, max=None, explanation="", key="en_progression", remove=True
        ),
        editor.BandFields(label="Avancé", min=2.5, max=4, explanation="x", key="avance"),
        editor.BandFields(label="Exemplaire", min=4, max=5, explanation="x", key="exemplaire"),
    ]
    editor.edit_bands(theme, keep, world.admin)
    again = [
        editor.BandFields(
            label="Premiers pas", min=0, max=1.5, explanation="x", key="premiers_pas"
        ),
        editor.BandFields(label="En progression", min=1.5, max=2.5, explanation="x"),
        *keep[2:],
    ]

    editor.edit_bands(theme, again, world.admin)

    keys = [band["key"] for band in working(theme)["bands"]]
    assert keys[1] == "en_progression_2"


def test_an_error_on_a_new_band_shows_next_to_its_row(client, login_as, world, theme):
    login_as(world.admin)
    form = bands_form(
        **{
            "bands-3-max": "4,5",
            "bands-4-label": "Pionnier",
            "bands-4-min": "4,5",
            "bands-4-max": "5",
        }
    )

    response = client.post(f"{BASE}/energie/niveaux", data=form)

    assert response.status_code == 400
    assert 'id="bands-4-explanation-error"' in response.get_data(as_text=True)


# --- Exclusive options ------------------------------------------------------------------------


def test_admin_marks_an_option_of_a_multiple_choice_question_exclusive(world, theme):
    fields = editor.QuestionFields(text="Quelles actions ?", type="multiple_choice")
    key = editor.add_question(
        theme,
        "pilotage",
        fields,
        world.admin,
        options=[editor.OptionFields("Consignes", 1), editor.OptionFields("GTB", 2)],
    )

    option_key = editor.add_option(
        theme, key, editor.OptionFields("Aucune de ces actions", 0, exclusive=True), world.admin
    )
    editor.edit_option(theme, key, "gtb", editor.OptionFields("GTB", 3), world.admin)

    question = drafts.find_question(working(theme), key)[2]
    assert [(o["key"], o.get("exclusive", False)) for o in question["options"]] == [
        ("consignes", False),
        ("gtb", False),
        (option_key, True),
    ]


def test_a_single_choice_option_cannot_be_exclusive(world, theme):
    with pytest.raises(ServiceError, match="éservé aux questions à choix multiple"):
        editor.add_option(
            theme, "suivi_factures", editor.OptionFields("Aucun", 0, exclusive=True), world.admin
        )
