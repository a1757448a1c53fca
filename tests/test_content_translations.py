"""Content in English: editor and admin fields, file round trip, and pages in the reader's
language with French marked `lang="fr"` where no English version exists."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from sqlalchemy import select

from assett.content_text import content, content_locale, copied_content
from assett.extensions import db
from assett.models import Questionnaire, Resource, TerritoryAction
from assett.services import drafts, editor
from assett.services import questionnaire_files as files
from assett.services.questionnaires import published_version

from . import factories
from .test_import_export import upload
from .test_plans import assessed  # noqa: F401  # the fixture
from .test_resource_base import _form as resource_form
from .test_territory_catalogue import form as action_form
from .unit.test_content_language import ENGLISH_THEME

EDITOR = "/t/demo/admin/questionnaires"
FALLBACK = re.compile(r'<span lang="fr">([^<]*)</span> <span class="lang-fallback">')


@pytest.fixture
def english(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages in English, as the language switch will choose them."""
    monkeypatch.setattr(app.extensions["babel"], "locale_selector", lambda: "en")


@pytest.fixture
def theme(world: factories.World) -> Questionnaire:
    return factories.publish_theme(world.territory, ENGLISH_THEME)


def french_marked(page: str) -> list[str]:
    """The French texts a page marks as such."""
    return FALLBACK.findall(page)


def working(questionnaire: Questionnaire) -> dict[str, Any]:
    db.session.expire_all()
    version = drafts.working_version(questionnaire)
    assert version is not None
    return version.definition


# --- Display --------------------------------------------------------------------------------


def test_an_english_reader_gets_the_questions_in_english_and_french_ones_marked(
    english: None, login_as: Any, world: factories.World, theme: Questionnaire
) -> None:
    draft = factories.make_assessment(world.org, "energie", {}, submitted_at=False)
    client = login_as(world.actor)

    page = client.get(f"/o/{world.org.id}/evaluations/{draft.id}/categorie/1").get_data(
        as_text=True
    )

    assert "<h1>Energy</h1>" in page
    assert "Know and reduce your energy use." in page
    assert "Knowing your consumption" in page
    assert "Do you follow your bills?" in page
    assert "Electricity, gas." in page
    assert "Suivez-vous vos factures" not in page
    assert french_marked(page) == ["Oui", "Avez-vous un référent énergie ?"]
    assert "No</label>" in page


def test_a_french_reader_sees_french_and_no_mark(
    login_as: Any, world: factories.World, theme: Questionnaire
) -> None:
    draft = factories.make_assessment(world.org, "energie", {}, submitted_at=False)

    page = (
        login_as(world.actor)
        .get(f"/o/{world.org.id}/evaluations/{draft.id}/categorie/1")
        .get_data(as_text=True)
    )

    assert "<h1>Énergie</h1>" in page
    assert "Suivez-vous vos factures ?" in page
    assert "Do you follow your bills?" not in page
    assert "lang-fallback" not in page


def test_the_kept_copy_of_a_theme_in_one_language_is_never_shown_in_the_other(
    app: Flask,
    monkeypatch: pytest.MonkeyPatch,
    login_as: Any,
    world: factories.World,
    theme: Questionnaire,
) -> None:
    draft = factories.make_assessment(world.org, "energie", {}, submitted_at=False)
    client = login_as(world.actor)
    url = f"/o/{world.org.id}/evaluations/{draft.id}/categorie/1"
    pages = {}
    for language in ("en", "fr", "en", "fr"):
        monkeypatch.setattr(app.extensions["babel"], "locale_selector", lambda lang=language: lang)
        pages.setdefault(language, []).append(client.get(url).get_data(as_text=True))

    for page in pages["en"]:
        assert "Do you follow your bills?" in page
        assert "Suivez-vous vos factures" not in page
    for page in pages["fr"]:
        assert "Suivez-vous vos factures ?" in page
        assert "Do you follow your bills?" not in page
        assert "lang-fallback" not in page


def test_the_review_page_lists_missing_questions_in_the_readers_language(
    english: None, login_as: Any, world: factories.World, theme: Questionnaire
) -> None:
    draft = factories.make_assessment(world.org, "energie", {}, submitted_at=False)

    page = (
        login_as(world.actor)
        .get(f"/o/{world.org.id}/evaluations/{draft.id}/envoyer")
        .get_data(as_text=True)
    )

    assert "Do you follow your bills?" in page
    assert "Avez-vous un référent énergie ?" in french_marked(page)


def test_results_show_the_theme_level_and_resources_in_english_or_marked_french(
    english: None, login_as: Any, world: factories.World, theme: Questionnaire
) -> None:
    factories.make_resource(
        world.territory,
        "Diagnostic sur site",
        title_en="On-site assessment",
        themes=["energie"],
        levels=["fin"],
    )
    factories.make_resource(world.territory, "Prêt vert", themes=["energie"], levels=["fin"])
    assessment = factories.make_assessment(
        world.org, "energie", {"suivi": "oui", "referent": "oui"}
    )
    client = login_as(world.actor)

    page = client.get(f"/o/{world.org.id}/resultats").get_data(as_text=True)

    assert '<span class="theme-title">Energy</span>' in page
    assert "Keep going." in page
    assert "Knowing your consumption" in page
    assert "On-site assessment" in page
    marked = french_marked(page)
    assert "Prêt vert" in marked
    assert "Un accompagnement pour réduire vos consommations." in marked  # no English one

    detail = client.get(f"/o/{world.org.id}/evaluations/{assessment.id}").get_data(as_text=True)
    assert "Do you follow your bills?" in detail
    assert "Avez-vous un référent énergie ?" in french_marked(detail)


def test_the_improvement_advice_quotes_questions_and_answers_in_english(
    english: None, login_as: Any, world: factories.World, theme: Questionnaire
) -> None:
    factories.make_assessment(world.org, "energie", {"suivi": "non", "referent": "non"})

    page = login_as(world.actor).get(f"/o/{world.org.id}/resultats").get_data(as_text=True)

    advice = page.split('class="suggestions"', 1)[1].split("</ol>", 1)[0]
    assert "Do you follow your bills?" in advice
    assert "« No »" not in advice  # the best answer is « Oui », which has no English label
    assert "Oui" in french_marked(advice)


def test_the_resource_catalogue_shows_english_titles_and_marks_the_rest(
    english: None, login_as: Any, world: factories.World, theme: Questionnaire
) -> None:
    factories.make_resource(
        world.territory, "Diagnostic", title_en="Assessment", description_en="On site."
    )
    factories.make_resource(world.territory, "Prêt vert", description="Un prêt.")

    page = login_as(world.actor).get("/t/demo/ressources").get_data(as_text=True)

    assert "Assessment" in page
    assert "On site." in page
    assert french_marked(page) == ["Prêt vert", "Un prêt."]


def test_the_organisation_home_names_the_themes_in_english(
    english: None, login_as: Any, world: factories.World, theme: Questionnaire
) -> None:
    page = login_as(world.actor).get(f"/o/{world.org.id}/").get_data(as_text=True)

    assert '<h3 id="theme-card-energie">Energy</h3>' in page


def test_plan_suggestions_and_items_use_the_catalogues_english_texts(
    app: Flask,
    english: None,
    assessed: factories.World,  # noqa: F811
) -> None:
    admin = app.test_client()
    factories.log_in(admin, assessed.admin)
    admin.get("/t/demo/admin/actions/")
    row = db.session.scalars(
        select(TerritoryAction).where(TerritoryAction.key == "nommer_referent_energie")
    ).one()
    values = action_form(
        title="Nommer un référent énergie",
        title_en="Appoint an energy officer",
        description_en="Give someone time to follow energy.",
    )
    assert admin.post(f"/t/demo/admin/actions/{row.id}", data=values).status_code == 302
    db.session.expire_all()
    assert row.data["en"] == {
        "title": "Appoint an energy officer",
        "description": "Give someone time to follow energy.",
    }
    actor = app.test_client()
    factories.log_in(actor, assessed.actor)

    plan = actor.get(f"/o/{assessed.org.id}/plan").get_data(as_text=True)
    assert "<h3>Appoint an energy officer</h3>" in plan
    assert "Give someone time to follow energy." in plan
    response = actor.post(
        f"/o/{assessed.org.id}/plan/ajouter", data={"action": "nommer_referent_energie"}
    )
    assert response.status_code == 302
    plan = actor.get(f"/o/{assessed.org.id}/plan").get_data(as_text=True)
    assert ">Appoint an energy officer</a>" in plan
    item_page = actor.get(response.headers["Location"]).get_data(as_text=True)
    assert "<h1>Appoint an energy officer</h1>" in item_page


# --- The editor ------------------------------------------------------------------------------


def test_the_editor_writes_and_shows_the_english_title_and_introduction(
    client: FlaskClient, login_as: Any, world: factories.World, theme: Questionnaire
) -> None:
    login_as(world.admin)
    form = {"title": "Énergie", "description": "", "title_en": "Energy and climate"}
    form["description_en"] = ""
    assert client.post(f"{EDITOR}/energie/titre", data=form).status_code == 302

    assert working(theme)["en"] == {"title": "Energy and climate"}
    page = client.get(f"{EDITOR}/energie/titre").get_data(as_text=True)
    assert 'value="Energy and climate"' in page
    assert 'lang="en"' in page

    client.post(f"{EDITOR}/energie/titre", data={**form, "title_en": ""})
    assert "en" not in working(theme)


def test_the_editor_keeps_english_texts_of_categories_questions_options_and_levels(
    client: FlaskClient, login_as: Any, world: factories.World, theme: Questionnaire
) -> None:
    login_as(world.admin)
    category = {"title": "Connaissance", "title_en": "Knowledge", "description_en": "Intro."}
    client.post(f"{EDITOR}/energie/categories/connaissance/", data=category)
    question = {
        "text": "Avez-vous un référent énergie ?",
        "text_en": "Have you an energy officer?",
        "help_en": "",
        "type": "yes_no",
        "category": "connaissance",
        "required": "y",
        "weight": "1",
        "yes_points": "1",
        "no_points": "0",
        "has_vehicles": "",
    }
    assert client.post(f"{EDITOR}/energie/questions/referent/", data=question).status_code == 302
    option = {"label": "Oui", "points": "1", "label_en": "Yes"}
    url = f"{EDITOR}/energie/questions/suivi/options/oui/"
    assert client.post(url, data=option).status_code == 302
    bands = {
        "bands-0-key": "debut",
        "bands-0-label": "Début",
        "bands-0-min": "0",
        "bands-0-max": "2,5",
        "bands-0-explanation": "À lancer.",
        "bands-0-label_en": "Starting",
        "bands-0-explanation_en": "Get going.",
        "bands-1-key": "fin",
        "bands-1-label": "Bien engagé",
        "bands-1-min": "2,5",
        "bands-1-max": "5",
        "bands-1-explanation": "Continuez.",
        "bands-1-label_en": "",
        "bands-1-explanation_en": "",
    }
    assert client.post(f"{EDITOR}/energie/niveaux", data=bands).status_code == 302

    data = working(theme)
    assert data["categories"][0]["en"] == {"title": "Knowledge", "description": "Intro."}
    questions = {q["key"]: q for q in data["categories"][0]["questions"]}
    assert questions["referent"]["en"] == {"text": "Have you an energy officer?"}
    assert questions["suivi"]["en"] == {
        "text": "Do you follow your bills?",
        "help": "Electricity, gas.",
    }
    assert [o.get("en") for o in questions["suivi"]["options"]] == [
        {"label": "No"},
        {"label": "Yes"},
    ]
    assert data["bands"][0]["en"] == {"label": "Starting", "explanation": "Get going."}
    assert "en" not in data["bands"][1]  # its English texts were left blank: they are gone

    page = client.get(f"{EDITOR}/energie/questions/suivi/").get_data(as_text=True)
    assert "Do you follow your bills?" in page


def test_the_editor_keeps_the_english_labels_of_a_scale(
    world: factories.World, theme: Questionnaire
) -> None:
    fields = editor.QuestionFields.from_data({"text": "Où en est le pilotage ?", "type": "scale"})
    fields.scale_max = "Complet"
    fields.scale_max_en = "Complete"

    editor.edit_question(theme, "referent", fields, world.admin)

    question = working(theme)["categories"][0]["questions"][1]
    assert question["scale_labels"] == {"max": "Complet", "en": {"max": "Complete"}}
    assert editor.QuestionFields.from_data(question).scale_max_en == "Complete"


def test_an_english_text_too_long_is_refused_next_to_its_field(
    world: factories.World, theme: Questionnaire
) -> None:
    fields = editor.QuestionFields.from_data({"text": "Avez-vous un référent ?", "type": "yes_no"})
    fields.text_en = "x" * 1001

    with pytest.raises(drafts.EditorError) as refusal:
        editor.edit_question(theme, "referent", fields, world.admin)

    assert list(refusal.value.field_errors()) == ["text_en"]
    with pytest.raises(drafts.EditorError) as refusal:
        editor.edit_bands(
            theme,
            [
                editor.BandFields("Début", 0, 2.5, "À lancer.", key="debut", label_en="y" * 121),
                editor.BandFields("Fin", 2.5, 5, "Continuez.", key="fin"),
            ],
            world.admin,
        )
    assert list(refusal.value.field_errors()) == ["bands-0-label_en"]


def test_export_then_import_of_an_english_theme_gives_identical_bytes(
    client: FlaskClient, login_as: Any, world: factories.World, theme: Questionnaire
) -> None:
    factories.make_resource(
        world.territory,
        "Diagnostic",
        key="diag",
        title_en="On-site assessment",
        themes=["energie"],
        levels=["debut"],
    )
    login_as(world.admin)
    exported = client.get(f"{EDITOR}/energie/export.yaml").get_data()
    assert b"Do you follow your bills?" in exported
    assert b"title: On-site assessment" in exported  # the resource's, from its row

    assert upload(client, f"{EDITOR}/energie/importer", exported).status_code == 302
    db.session.expire_all()
    draft = drafts.draft_version(theme)
    assert draft is not None
    assert draft.content_hash == published_version(theme).content_hash  # type: ignore[union-attr]

    def body(text: str) -> str:
        return "\n".join(line for line in text.splitlines() if not line.startswith("#"))

    assert body(files.export_yaml(draft)).encode() == body(exported.decode()).encode()


# --- The resource base -----------------------------------------------------------------------


def test_an_admin_gives_a_resource_its_english_title_and_description(
    login_as: Any, world: factories.World
) -> None:
    factories.make_published_version(world.territory, "energie", "Énergie")
    client = login_as(world.admin)
    values = resource_form(title_en="Green loan", description_en="Finance your investments.")

    assert client.post("/t/demo/admin/ressources/nouvelle", data=values).status_code == 302

    resource = db.session.scalars(
        select(Resource).where(Resource.territory_id == world.territory.id)
    ).one()
    assert (resource.title_en, resource.description_en) == (
        "Green loan",
        "Finance your investments.",
    )
    page = client.get(f"/t/demo/admin/ressources/{resource.id}").get_data(as_text=True)
    assert 'value="Green loan"' in page

    cleared = resource_form(title_en="", description_en="")
    client.post(f"/t/demo/admin/ressources/{resource.id}", data=cleared)
    db.session.expire_all()
    assert resource.title_en is None
    assert resource.description_en is None


def test_a_resource_english_title_too_long_is_refused_by_name(
    login_as: Any, world: factories.World
) -> None:
    factories.make_published_version(world.territory, "energie", "Énergie")
    response = login_as(world.admin).post(
        "/t/demo/admin/ressources/nouvelle", data=resource_form(title_en="x" * 201)
    )

    assert response.status_code == 400
    assert "Titre en anglais" in response.get_data(as_text=True)
    assert db.session.scalars(select(Resource)).first() is None


def test_the_default_resources_reach_territories_with_their_english_titles(
    world: factories.World,
) -> None:
    factories.provision_defaults(world.territory)

    titles = dict(
        db.session.execute(
            select(Resource.key, Resource.title_en).where(
                Resource.territory_id == world.territory.id
            )
        ).all()
    )
    assert titles["diag_eco_flux"] == "Diag Éco-Flux (energy, water and waste savings programme)"
    assert all(titles.values())


# --- The helper ------------------------------------------------------------------------------


def test_content_is_escaped_in_either_language(app: Flask) -> None:
    with app.test_request_context(), force_locale("en"):
        assert content_locale() == "en"
        assert str(content({"title": "<b>x</b>", "en": {"title": "<i>y</i>"}})) == (
            "&lt;i&gt;y&lt;/i&gt;"
        )
        assert str(content({"title": "<b>x</b>"})) == (
            '<span lang="fr">&lt;b&gt;x&lt;/b&gt;</span> '
            '<span class="lang-fallback">(in French)</span>'
        )
    with app.test_request_context():
        assert content_locale() == "fr"
        assert str(content({"title": "<b>x</b>", "en": {"title": "y"}})) == "&lt;b&gt;x&lt;/b&gt;"


def test_a_copy_edited_by_its_organisation_is_shown_as_written(app: Flask) -> None:
    source = {"title": "Nommer un référent", "en": {"title": "Appoint an officer"}}
    with app.test_request_context(), force_locale("en"):
        assert str(copied_content("Nommer un référent", source)) == "Appoint an officer"
        assert str(copied_content("Nommer Léa référente", source)) == "Nommer Léa référente"
        assert str(copied_content("Notre action", None)) == "Notre action"
