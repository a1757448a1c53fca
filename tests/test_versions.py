"""Publishing a theme's draft: versions, what actors get, preview, disabling, diff."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from assett.extensions import db
from assett.models import Answer, Assessment, Questionnaire, QuestionnaireVersion
from assett.services import assessments, drafts, editor
from assett.services.errors import ServiceError
from assett.services.questionnaires import published_version

from . import factories
from .test_editor import THEME_YAML

BASE = "/t/demo/admin/questionnaires"
# earned 2 + 1 + 2 × 3 = 9 out of 2 + 1 + 2 × 5 = 13: 5 × 9 / 13.
ANSWERS = {"suivi_factures": "mensuel", "referent": "oui", "maturite": 3}
SCORE = 5 * 9 / 13
NEW_QUESTION = editor.QuestionFields(text="Avez-vous un plan de sobriété ?", type="yes_no")


@pytest.fixture
def theme(world: factories.World) -> Questionnaire:
    return factories.publish_theme(world.territory, THEME_YAML)


def statuses(questionnaire: Questionnaire) -> dict[int, str]:
    db.session.expire_all()
    return {v.number: v.status for v in drafts.versions_of(questionnaire)}


def start(client, org) -> int:  # type: ignore[no-untyped-def]
    response = client.post(f"/o/{org.id}/diagnostic/energie/commencer")
    assert response.status_code == 302
    match = re.search(r"/evaluations/(\d+)/categorie/", response.headers["Location"])
    assert match is not None
    return int(match.group(1))


def counts() -> tuple[int, ...]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (QuestionnaireVersion, Assessment, Answer, Questionnaire)
    )


# --- Publishing ----------------------------------------------------------------------------


def test_publishing_makes_a_new_version_that_actors_then_get(client, login_as, world, theme):
    key = editor.add_question(theme, "connaissance", NEW_QUESTION, world.admin)
    login_as(world.admin)

    response = client.post(f"{BASE}/energie/publier")

    assert response.status_code == 302
    assert statuses(theme) == {2: "published", 1: "archived"}
    version = published_version(theme)
    assert version.published_by_id == world.admin.id
    assert version.published_at is not None
    assert key in [q["key"] for q in version.definition["categories"][0]["questions"]]
    login_as(world.actor)
    assessment_id = start(client, world.org)
    assert db.session.get(Assessment, assessment_id).version_id == version.id
    page = client.get(f"/o/{world.org.id}/evaluations/{assessment_id}/categorie/1")
    assert "Avez-vous un plan de sobriété ?" in page.get_data(as_text=True)


def test_submitted_assessments_keep_their_version_and_score_after_publishing(world, theme):
    submitted = factories.make_assessment(world.org, "energie", ANSWERS)
    version_id = submitted.version_id
    earned = {row.question_key: (row.earned, row.maximum) for row in submitted.answers}
    assert submitted.score == pytest.approx(SCORE)

    editor.edit_option(
        theme, "suivi_factures", "mensuel", editor.OptionFields("Chaque mois", 4), world.admin
    )
    editor.edit_question(
        theme,
        "maturite",
        editor.QuestionFields(text="Où en est le pilotage ?", type="scale", weight=5),
        world.admin,
    )
    editor.remove_question(theme, "referent", world.admin)
    editor.publish_draft(theme, world.admin)

    db.session.expire_all()
    kept = db.session.get(Assessment, submitted.id)
    assert kept.version_id == version_id
    assert kept.version.status == "archived"
    assert kept.score == pytest.approx(SCORE)
    assert {row.question_key: (row.earned, row.maximum) for row in kept.answers} == earned
    newer = factories.make_assessment(
        world.org, "energie", {"suivi_factures": "mensuel", "maturite": 3}
    )
    assert newer.version_id != version_id
    assert newer.score == pytest.approx(5 * (4 + 5 * 3) / (4 + 5 * 5))


def test_a_draft_started_before_publishing_is_finished_on_its_old_version(
    client, login_as, world, theme
):
    draft = factories.make_assessment(world.org, "energie", ANSWERS, submitted_at=False)
    old_version_id = draft.version_id
    editor.add_question(theme, "connaissance", NEW_QUESTION, world.admin)  # required
    editor.publish_draft(theme, world.admin)
    login_as(world.actor)

    page = client.get(f"/o/{world.org.id}/evaluations/{draft.id}/categorie/1")
    assert "vous terminez sur la version 1" in page.get_data(as_text=True)
    assert "Avez-vous un plan de sobriété ?" not in page.get_data(as_text=True)
    assert start(client, world.org) == draft.id  # resuming, not starting over
    response = client.post(f"/o/{world.org.id}/evaluations/{draft.id}/envoyer")

    assert response.status_code == 302
    db.session.expire_all()
    finished = db.session.get(Assessment, draft.id)
    assert finished.status == "submitted"
    assert finished.version_id == old_version_id
    assert finished.score == pytest.approx(SCORE)


def test_the_publish_page_lists_the_changes_before_confirming(client, login_as, world, theme):
    draft = factories.make_assessment(world.org, "energie", ANSWERS, submitted_at=False)
    editor.add_question(theme, "connaissance", NEW_QUESTION, world.admin)
    login_as(world.admin)

    page = client.get(f"{BASE}/energie/publier").get_data(as_text=True)

    assert "Questions ajoutées" in page
    assert "Avez-vous un plan de sobriété ?" in page
    assert "Publier la version 2" in page
    assert "1 évaluation en cours se terminera sur la version où elle a commencé." in page
    assert statuses(theme) == {2: "draft", 1: "published"}
    assert db.session.get(Assessment, draft.id).status == "draft"


def test_publishing_is_refused_while_a_category_has_no_question(client, login_as, world):
    questionnaire = editor.add_theme(world.territory, "", "Achats responsables", world.admin)
    login_as(world.admin)

    response = client.post(f"{BASE}/{questionnaire.theme_key}/publier")

    assert response.status_code == 400
    assert "La catégorie « Généralités » n&#39;a aucune question" in response.get_data(as_text=True)
    assert statuses(questionnaire) == {1: "draft"}


def test_publishing_an_unchanged_draft_is_refused(client, login_as, world, theme):
    editor.rename_theme(theme, "Énergie et climat", "", world.admin)
    editor.rename_theme(theme, "Énergie", "", world.admin)
    login_as(world.admin)

    response = client.post(f"{BASE}/energie/publier")

    assert response.status_code == 400
    assert "rien à publier" in response.get_data(as_text=True)
    assert statuses(theme) == {2: "draft", 1: "published"}


def test_a_new_theme_reaches_actors_once_published(client, login_as, world, theme):
    login_as(world.admin)
    client.post(f"{BASE}/nouveau", data={"title": "Achats responsables", "key": "achats"})
    client.post(
        f"{BASE}/achats/categories/general/questions/nouvelle",
        data={
            "text": "Vos achats intègrent-ils des critères environnementaux ?",
            "type": "yes_no",
            "required": "y",
            "weight": "1",
            "yes_points": "1",
            "no_points": "0",
        },
    )
    questionnaire = db.session.scalar(
        select(Questionnaire).where(Questionnaire.theme_key == "achats")
    )
    assert "achats" not in [
        s.questionnaire.theme_key for s in assessments.theme_statuses(world.org)
    ]

    assert client.post(f"{BASE}/achats/publier").status_code == 302

    db.session.expire_all()
    assert questionnaire.enabled
    assert "achats" in [s.questionnaire.theme_key for s in assessments.theme_statuses(world.org)]


def test_a_theme_renamed_in_the_draft_keeps_its_published_title_until_publication(world, theme):
    editor.rename_theme(theme, "Énergie et climat", "", world.admin)
    assert db.session.get(Questionnaire, theme.id).title == "Énergie"

    editor.publish_draft(theme, world.admin)

    assert db.session.get(Questionnaire, theme.id).title == "Énergie et climat"


# --- Preview -------------------------------------------------------------------------------


def test_the_preview_renders_the_draft_as_an_actor_sees_it_and_saves_nothing(
    client, login_as, world, theme
):
    editor.add_question(theme, "connaissance", NEW_QUESTION, world.admin)
    login_as(world.admin)
    before = counts()
    draft_hash = drafts.draft_version(theme).content_hash

    first = client.get(f"{BASE}/energie/apercu")
    second = client.get(f"{BASE}/energie/apercu?page=2")

    assert first.status_code == 200
    assert second.status_code == 200
    page = first.get_data(as_text=True)
    assert "Avez-vous un plan de sobriété ?" in page
    assert 'name="q_avez_vous_un_plan_de_sobriete"' in page
    assert "Catégorie 1 sur 2" in page
    assert "Où en est le pilotage énergétique ?" in second.get_data(as_text=True)
    assert "Rien n'est enregistré ici" in page.replace("&#39;", "'")
    assert "rien de ce que vous cochez n'est enregistré" in page.replace("&#39;", "'")
    assert "enregistrées à chaque changement de page" not in page
    assert client.get(f"{BASE}/energie/apercu?page=3").status_code == 404
    assert client.get(f"{BASE}/energie/apercu?page=²").status_code == 400
    assert counts() == before
    db.session.expire_all()
    assert drafts.draft_version(theme).content_hash == draft_hash


def test_the_preview_with_a_profile_shows_only_that_profiles_questions(
    client, login_as, world, theme
):
    fields = editor.QuestionFields(
        text="Vos véhicules sont-ils électriques ?",
        type="yes_no",
        has_vehicles=True,
        headcount_min=50,
    )
    editor.add_question(theme, "connaissance", fields, world.admin)
    login_as(world.admin)

    everything = client.get(f"{BASE}/energie/apercu").get_data(as_text=True)
    small = client.get(f"{BASE}/energie/apercu?profil=1&has_vehicles=oui&headcount=11")
    large = client.get(f"{BASE}/energie/apercu?profil=1&has_vehicles=oui&headcount=21")

    assert "Vos véhicules sont-ils électriques ?" in everything
    assert "Question conditionnelle" in everything
    assert "Vos véhicules sont-ils électriques ?" not in small.get_data(as_text=True)
    assert "Vos véhicules sont-ils électriques ?" in large.get_data(as_text=True)


def test_the_preview_ignores_unknown_query_arguments(client, login_as, world, theme):
    login_as(world.admin)

    response = client.get(f"{BASE}/energie/apercu?slug=autre&theme_key=x&page=1")

    assert response.status_code == 200
    assert "slug=autre" not in response.get_data(as_text=True)


def test_the_preview_of_a_theme_without_questions_says_so(client, login_as, world):
    editor.add_theme(world.territory, "achats", "Achats responsables", world.admin)
    login_as(world.admin)

    response = client.get(f"{BASE}/achats/apercu")

    assert response.status_code == 200
    assert "Rien à montrer" in response.get_data(as_text=True)


# --- Disabling -----------------------------------------------------------------------------


def test_disabling_hides_the_theme_for_new_assessments_and_keeps_its_history(
    client, login_as, world, theme
):
    submitted = factories.make_assessment(world.org, "energie", ANSWERS)
    login_as(world.admin)

    assert client.post(f"{BASE}/energie/desactiver").status_code == 302

    db.session.expire_all()
    assert not db.session.get(Questionnaire, theme.id).enabled
    assert assessments.theme_statuses(world.org) == []
    assert db.session.get(Assessment, submitted.id).score == pytest.approx(SCORE)
    assert "Désactivé" in client.get(f"{BASE}/").get_data(as_text=True)
    login_as(world.actor)
    assert client.post(f"/o/{world.org.id}/diagnostic/energie/commencer").status_code == 404
    detail = client.get(f"/o/{world.org.id}/evaluations/{submitted.id}")
    assert detail.status_code == 200


def test_enabling_offers_the_theme_again(client, login_as, world, theme):
    editor.disable_theme(theme)
    login_as(world.admin)

    assert client.post(f"{BASE}/energie/activer").status_code == 302

    db.session.expire_all()
    assert [s.questionnaire.theme_key for s in assessments.theme_statuses(world.org)] == ["energie"]


def test_a_theme_never_published_cannot_be_enabled(world):
    questionnaire = editor.add_theme(world.territory, "achats", "Achats", world.admin)

    with pytest.raises(ServiceError, match="jamais été publié"):
        editor.enable_theme(questionnaire)


# --- Versions and diff ---------------------------------------------------------------------


def test_the_versions_page_lists_each_version_with_who_published_it_and_when(
    client, login_as, world, theme
):
    editor.add_question(theme, "connaissance", NEW_QUESTION, world.admin)
    editor.publish_draft(theme, world.admin)
    editor.rename_theme(theme, "Énergie et climat", "", world.admin)
    login_as(world.admin)

    page = client.get(f"{BASE}/energie/versions").get_data(as_text=True)

    rows = re.findall(
        r"<tr>\s*<th scope=\"row\">(Version \d)</th>\s*<td><span[^>]*>(\w+)</span>", page
    )
    assert rows == [("Version 3", "Brouillon"), ("Version 2", "Publiée"), ("Version 1", "Archivée")]
    assert "admin@example.org" in page
    assert f"{BASE}/energie/versions/comparer?from=1&amp;to=2" in page


def publish_changes(questionnaire: Questionnaire, user) -> None:  # type: ignore[no-untyped-def]
    editor.add_question(questionnaire, "connaissance", NEW_QUESTION, user)
    editor.remove_question(questionnaire, "referent", user)
    editor.edit_question(
        questionnaire,
        "suivi_factures",
        editor.QuestionFields(text="Suivez-vous chaque facture d'énergie ?", type="single_choice"),
        user,
    )
    editor.edit_option(
        questionnaire, "suivi_factures", "mensuel", editor.OptionFields("Chaque mois", 3), user
    )
    editor.edit_question(
        questionnaire,
        "maturite",
        editor.QuestionFields(text="Où en est le pilotage énergétique ?", type="scale", weight=1),
        user,
    )
    editor.publish_draft(questionnaire, user)


def test_the_diff_lists_questions_added_removed_reworded_and_points_and_weights_changed(
    client, login_as, world, theme
):
    publish_changes(theme, world.admin)
    login_as(world.admin)

    response = client.get(f"{BASE}/energie/versions/comparer?from=1&to=2")

    assert response.status_code == 200
    page = response.get_data(as_text=True).replace("&#39;", "'")
    assert "« Énergie » : de la version 1 à la version 2" in page
    for heading, line in [
        (
            "Questions ajoutées",
            "Question « Avez-vous un plan de sobriété ? » ajoutée dans "
            "« Connaissance des consommations ».",
        ),
        (
            "Questions supprimées",
            "Question « Avez-vous désigné un référent énergie ? » supprimée de "
            "« Connaissance des consommations ».",
        ),
        (
            "Questions reformulées",
            "Question « Suivez-vous vos factures d'énergie ? » reformulée : "
            "« Suivez-vous chaque facture d'énergie ? ».",
        ),
        (
            "Points et poids modifiés",
            "Question « Suivez-vous vos factures d'énergie ? », réponse « Chaque mois » : "
            "2 → 3 points.",
        ),
        (
            "Points et poids modifiés",
            "Question « Où en est le pilotage énergétique ? » : poids 2 → 1.",
        ),
    ]:
        assert f"<h2>{heading}</h2>" in page
        assert line in page
    for key in ("suivi_factures", "referent", "mensuel", "maturite", "connaissance"):
        assert f"« {key} »" not in page
        assert f"Question {key}" not in page


def test_the_diff_defaults_to_the_two_newest_versions(client, login_as, world, theme):
    editor.rename_theme(theme, "Énergie", "Une présentation.", world.admin)
    editor.add_question(theme, "connaissance", NEW_QUESTION, world.admin)
    login_as(world.admin)

    page = client.get(f"{BASE}/energie/versions/comparer").get_data(as_text=True)

    assert "« Énergie » : de la version 1 à la version 2" in page
    assert "Avez-vous un plan de sobriété ?" in page


def test_the_diff_of_identical_versions_says_so(client, login_as, world, theme):
    login_as(world.admin)

    page = client.get(f"{BASE}/energie/versions/comparer?from=1&to=1").get_data(as_text=True)

    assert "Aucune différence" in page


@pytest.mark.parametrize("query", ["from=1&to=9", "from=0&to=1"])
def test_the_diff_of_an_unknown_version_is_not_found(client, login_as, world, theme, query):
    login_as(world.admin)

    response = client.get(f"{BASE}/energie/versions/comparer?{query}")

    assert response.status_code == 404


NOT_WHOLE_NUMBERS = ["x", "²", "9" * 4301, "-1", "1.5", "٣"]
NOT_WHOLE_IDS = ["letters", "superscript", "4301-digits", "negative", "decimal", "arabic-digit"]


@pytest.mark.parametrize("raw", NOT_WHOLE_NUMBERS, ids=NOT_WHOLE_IDS)
def test_a_version_number_that_is_not_a_whole_number_is_a_bad_request(
    client, login_as, world, theme, raw
):
    login_as(world.admin)

    comparison = client.get(f"{BASE}/energie/versions/comparer", query_string={"from": raw})
    export = client.get(f"{BASE}/energie/export.yaml", query_string={"version": raw})

    for response in (comparison, export):
        assert response.status_code == 400
        assert "Numéro de version invalide" in response.get_data(as_text=True)


def test_the_progress_chart_marks_where_a_themes_version_changed(client, login_as, world, theme):
    factories.make_assessment(
        world.org, "energie", ANSWERS, submitted_at=datetime(2024, 3, 1, tzinfo=UTC)
    )
    editor.add_question(theme, "connaissance", NEW_QUESTION, world.admin)
    editor.publish_draft(theme, world.admin)
    factories.make_assessment(
        world.org,
        "energie",
        {**ANSWERS, "avez_vous_un_plan_de_sobriete": "oui"},
        submitted_at=datetime(2025, 3, 1, tzinfo=UTC),
    )
    login_as(world.actor)

    page = client.get(f"/o/{world.org.id}/progression").get_data(as_text=True)

    figure = json.loads(html.unescape(re.search(r'data-plotly="([^"]*)"', page).group(1)))
    assert [a["text"] for a in figure["layout"]["annotations"]] == ["Énergie v2"]
    assert figure["layout"]["shapes"][0]["x0"] == "2025-03-01 00:00:00"
    assert "Énergie v2 à partir du 1 mars 2025" in page


def test_the_progress_chart_has_no_marker_while_the_version_stays(client, login_as, world, theme):
    factories.make_assessment(
        world.org, "energie", ANSWERS, submitted_at=datetime(2024, 3, 1, tzinfo=UTC)
    )
    factories.make_assessment(
        world.org, "energie", ANSWERS, submitted_at=datetime(2025, 3, 1, tzinfo=UTC)
    )

    assert drafts.version_switches(world.org.id) == []
