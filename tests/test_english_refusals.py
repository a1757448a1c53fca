"""On English pages, the refusals of the action catalogue form, of an assessment's answers and
of a synergy's rules are in English: the field named in English, the reason in English, no
French space before the colon."""

from __future__ import annotations

from . import factories
from .synergy_helpers import make_synergy, sharing, text
from .test_assessment import THEME_YAML, fill_url, start, stored
from .test_english_yaml_refusals import page_text
from .test_plans import assessed  # noqa: F401  (fixture)
from .test_synergy_pipeline import url as synergy_url
from .test_territory_catalogue import BASE, form, rows


def test_the_catalogue_form_names_its_fields_and_reasons_in_english(assessed, login_as) -> None:  # noqa: F811
    admin = login_as(assessed.admin)
    admin.set_cookie("langue", "en")
    admin.get(f"{BASE}/")
    count = len(rows(assessed))
    bad = form(
        title="",
        improves="inconnue = oui\nsans egal\nreferent_energie = oui",
        cost_min="beaucoup",
        duration_min="3",
        duration_max="1",
    )

    response = admin.post(f"{BASE}/energie/nouvelle", data=bad)

    text = page_text(response)
    assert response.status_code == 400
    assert 'Improved answers, line 1: unknown question "inconnue" in theme "energie"' in text
    assert 'Improved answers, line 2: expected "question = value"' in text
    assert "Minimum indicative cost: must be a number" in text, text
    assert "Maximum duration: max (1) must be greater than or equal to min (3)" in text
    assert "The form has errors: Title: Title: must not be empty" in text
    for french in ("ligne", "Coût", "Durée", " : ", "doit", "formulaire"):
        assert french not in text, french
    assert len(rows(assessed)) == count

    text = page_text(admin.post(f"{BASE}/energie/nouvelle", data=form(bands="legende")))
    assert 'Target levels ([0]): unknown level "legende" (the theme\'s levels: avance,' in text


def test_an_unknown_or_doubled_answer_is_refused_in_english(client, login_as, world) -> None:
    factories.publish_theme(world.territory, THEME_YAML)
    login_as(world.actor)
    client.set_cookie("langue", "en")
    assessment_id = start(client, world.org)
    url = fill_url(world.org, assessment_id, 1)

    forged = client.post(url, data={"q_suivi_factures": "quotidien", "q_referent": "oui"})
    doubled = client.post(url, data={"q_referent": ["oui", "non"]})

    assert forged.status_code == doubled.status_code == 400
    assert 'Unknown answer "quotidien" to the question' in page_text(forged)
    assert "Only one answer is expected to the question" in page_text(doubled)
    assert "inconnue" not in page_text(forged) + page_text(doubled)
    assert stored(assessment_id) == {}


def test_a_synergy_refused_by_its_rules_says_why_in_english(world, login_as) -> None:
    sharing(world.org)
    synergy = make_synergy(world)
    client = login_as(world.animator)
    client.set_cookie("langue", "en")

    one = client.post(
        synergy_url(world, tail="/nouvelle"),
        data={"kind": "substitution", "title": "Seule", "participants": [str(world.org.id)]},
    )
    abandoned = client.post(synergy_url(world, synergy, "/etape"), data={"stage": "abandonnee"})

    assert one.status_code == abandoned.status_code == 400
    assert "choose at least two organisations" in text(one)
    assert "say why the synergy is abandoned" in text(abandoned)
    assert "choisissez" not in text(one)
    assert "dites" not in text(abandoned)


def test_the_naf_classification_is_named_in_english(client, login_as, world) -> None:
    login_as(world.outsider)
    client.set_cookie("langue", "en")

    text = page_text(client.get("/t/demo/organisations/nouvelle"))

    assert "Code from the NAF rev. 2 classification, for example 10.71C" in text
    assert "rév." not in text
