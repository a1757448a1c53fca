"""On English pages, the reasons a theme file, a catalogue file, an editor change or a piece of
evidence is refused are in English, each still naming its path (an identifier)."""

from __future__ import annotations

import re
from html import unescape

import pytest

from assett.models import PlanAction
from assett.services import plans

from . import evidence_files, factories
from .test_editor import ADD_URL, THEME_YAML, bands_form, draft_of
from .test_import_export import snapshot, upload
from .test_plan_evidence import counts
from .test_plan_evidence import upload as upload_evidence
from .test_plans import assessed  # noqa: F401  (fixture)

BASE = "/t/demo/admin/questionnaires"


def page_text(response) -> str:  # type: ignore[no-untyped-def]
    """The page as read: tags out, entities decoded, spaces collapsed."""
    without_tags = re.sub(r"<[^>]+>", "", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", unescape(without_tags))


@pytest.fixture
def english(client, login_as, world):  # type: ignore[no-untyped-def]
    login_as(world.admin)
    client.set_cookie("langue", "en")
    return client


BROKEN_THEME = (
    THEME_YAML.replace("type: yes_no", "type: yes_no\n        weight: 0")
    .replace(
        "        options:\n          - {key: aucun, label: Aucun suivi, points: 0}\n",
        "        options:\n",
    )
    .replace("key: pilotage", "key: Pilotage")
    + "colour: blue\n"
)


def test_a_broken_theme_file_is_explained_in_english_with_its_paths(english) -> None:
    before = snapshot()

    response = upload(english, f"{BASE}/importer", BROKEN_THEME.encode(), "energie.yaml")

    text = page_text(response)
    assert response.status_code == 400
    for reason in (
        'energie.yaml: categories[1].key: invalid identifier "Pilotage": lowercase unaccented '
        "letters",
        "energie.yaml: categories[0].questions[1].weight: must be greater than 0 (line",
        "energie.yaml: colour: unknown field",
    ):
        assert reason in text, text
    assert "doit" not in text
    assert "ligne" not in text
    assert snapshot() == before


def test_the_rules_between_fields_and_the_bands_are_explained_in_english(english) -> None:
    broken = THEME_YAML.replace("max: 1.5, explanation", "max: 1.25, explanation").replace(
        "          - {key: aucun, label: Aucun suivi, points: 0}\n"
        "          - {key: annuel, label: Une fois par an, points: 1}\n",
        "",
    )

    text = page_text(upload(english, f"{BASE}/importer", broken.encode()))

    assert (
        "energie.yaml: categories[0].questions[0].options: a single_choice question must offer "
        "at least 2 options (line 12)"
    ) in text, text
    assert (
        "energie.yaml: bands: the levels must cover 0 to 5: gap between 1.25 and 1.5 "
        '("premiers_pas" and "en_progression")'
    ) in text


def test_a_yaml_syntax_error_is_explained_in_english(english) -> None:
    text = page_text(upload(english, f"{BASE}/importer", b"key: energie\ntitle: [Energie\n"))

    assert (
        'energie.yaml: line 3, column 1: invalid YAML: "," or "]" expected, found: the end of the '
        'file (in the "[ ]" list opened at line 2, column 8)'
    ) in text, text
    assert "YAML invalide" not in text


def test_a_broken_catalogue_file_is_explained_in_english(assessed, login_as) -> None:  # noqa: F811
    admin = login_as(assessed.admin)
    admin.set_cookie("langue", "en")
    admin.get("/t/demo/admin/actions/")
    bad = """theme: energie
actions:
  - key: b
    title: Deux
    description: x
    improves: [{question: suivi_consommations, to: oui}]
    effort: enorme
    cost_eur: {min: 5, max: 1}
    duration_months: {min: 1, max: 1}
"""

    response = upload(admin, "/t/demo/admin/actions/energie/importer", bad.encode())

    text = page_text(response)
    assert response.status_code == 400
    assert 'energie.yaml: actions[0].effort: unknown value "enorme"; possible values:' in text
    assert "'faible', 'moyen' or 'important'" in text
    assert (
        "energie.yaml: actions[0].cost_eur: max (1) must be greater than or equal to min (5) "
        "(line 8)"
    ) in text, text
    fitted = bad.replace("enorme", "moyen").replace("{min: 5, max: 1}", "{min: 1, max: 5}")
    fitted = fitted.replace("to: oui", "to: jamais_vu")
    text = page_text(upload(admin, "/t/demo/admin/actions/energie/importer", fitted.encode()))
    assert 'energie.yaml: actions[0].improves[0].to: unknown option "jamais_vu"' in text, text


def test_an_editor_refusal_is_in_english(english, world) -> None:
    theme = factories.publish_theme(world.territory, THEME_YAML)
    one_option = {
        "text": "A question?",
        "type": "single_choice",
        "options-0-label": "Only",
        "options-0-points": "1",
    }

    refused = english.post(f"{BASE}{ADD_URL}", data=one_option)
    gap = english.post(f"{BASE}/energie/niveaux", data=bands_form(**{"bands-1-min": "1,75"}))

    assert refused.status_code == 400
    assert "A single choice question must offer at least 2 options" in page_text(refused)
    assert gap.status_code == 400
    assert "gap between 1.5 and 1.75" in page_text(gap)
    assert draft_of(theme) is None


def test_a_refused_evidence_file_is_explained_in_english(assessed, login_as) -> None:  # noqa: F811
    item: PlanAction = plans.add_from_catalogue(
        assessed.org, "releve_mensuel_compteurs", assessed.actor
    )
    actor = login_as(assessed.actor)
    actor.set_cookie("langue", "en")

    refused = upload_evidence(actor, item, evidence_files.HTML_AS_PDF, "rapport.pdf")

    assert refused.status_code == 400
    assert (
        'The file "rapport.pdf" is not of an accepted type: it is not a real PDF (its content '
        "was checked)."
    ) in page_text(refused)
    assert counts() == (0, 0)
