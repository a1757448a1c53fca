"""A theme as a YAML file: export with its resources, import as a draft, lossless round trip."""

from __future__ import annotations

from itertools import count

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import func, select

from assett.domain.definitions import ThemeDefinition
from assett.domain.loader import DefinitionError, dump_definition_yaml, parse_definition_text
from assett.extensions import db
from assett.models import Questionnaire, QuestionnaireVersion, Resource
from assett.services import drafts, editor
from assett.services import questionnaire_files as files
from assett.services.questionnaires import published_version, territory_questionnaire

from . import factories
from .test_editor import THEME_YAML
from .unit.test_loader import definitions

BASE = "/t/demo/admin/questionnaires"

RESOURCES_YAML = """
resources:
  - key: diag
    title: Diagnostic énergie
    provider: CCI
    type: accompagnement
    description: Un diagnostic sur site.
    url: https://example.org/diag
    levels: [premiers_pas, en_progression]
    needs: [humaines]
  - key: aide
    title: Aide à l'investissement
    provider: ADEME
    type: financement
    description: Une subvention.
    url: https://example.org/aide
    levels: [avance]
    example: false
"""


@pytest.fixture
def theme(world: factories.World) -> Questionnaire:
    return factories.publish_theme(world.territory, THEME_YAML)


def upload(client, url: str, content: bytes, name: str = "energie.yaml"):  # type: ignore[no-untyped-def]
    """Post a file; the body is encoded here (Werkzeug's encoder leaves big ones unclosed)."""
    boundary = "----assett-test-boundary"
    body = (
        (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/yaml\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def snapshot() -> tuple[object, ...]:
    db.session.expire_all()
    versions = db.session.execute(
        select(
            QuestionnaireVersion.id, QuestionnaireVersion.status, QuestionnaireVersion.content_hash
        ).order_by(QuestionnaireVersion.id)
    ).all()
    resources = db.session.execute(
        select(Resource.key, Resource.title, Resource.themes).order_by(Resource.id)
    ).all()
    themes = db.session.scalar(select(func.count(Questionnaire.id)))
    return (tuple(versions), tuple(resources), themes)


# --- Export ----------------------------------------------------------------------------------


def test_export_downloads_the_published_version_with_the_themes_resources(
    client, login_as, world, theme
):
    factories.make_resource(
        world.territory,
        "Diagnostic énergie",
        key="diag",
        themes=["energie"],
        levels=["premiers_pas"],
    )
    factories.make_resource(world.territory, "Plan de mobilité", key="pdm", themes=["mobilite"])
    factories.make_resource(
        world.territory, "Ressource archivée", key="vieille", themes=["energie"], is_active=False
    )
    login_as(world.admin)

    response = client.get(f"{BASE}/energie/export.yaml")

    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="energie-v1.yaml"'
    assert response.mimetype == "application/yaml"
    exported = parse_definition_text(response.get_data(as_text=True), "export")
    assert [r.key for r in exported.resources] == ["diag"]
    assert exported.resources[0].title == "Diagnostic énergie"
    assert exported.model_copy(update={"resources": []}).to_data() == (
        published_version(theme).definition
    )


def test_export_of_a_given_version_or_of_the_draft(client, login_as, world, theme):
    editor.rename_theme(theme, "Énergie et climat", "", world.admin)
    login_as(world.admin)

    first = client.get(f"{BASE}/energie/export.yaml?version=1")
    draft = client.get(f"{BASE}/energie/export.yaml?version=2")

    assert 'filename="energie-v1.yaml"' in first.headers["Content-Disposition"]
    assert parse_definition_text(first.get_data(as_text=True), "v1").title == "Énergie"
    assert 'filename="energie-v2.yaml"' in draft.headers["Content-Disposition"]
    assert parse_definition_text(draft.get_data(as_text=True), "v2").title == "Énergie et climat"
    assert client.get(f"{BASE}/energie/export.yaml?version=7").status_code == 404


def test_export_leaves_out_a_resource_the_file_format_cannot_hold(world, theme):
    factories.make_resource(
        world.territory, "Hors niveaux", key="hors", themes=["energie"], levels=["niveau_inconnu"]
    )

    text = files.export_yaml(published_version(theme))

    assert "# Ressources non exportées (niveau ou champ invalide) : hors." in text
    assert parse_definition_text(text, "export").resources == []


# --- Import ----------------------------------------------------------------------------------

VALID = THEME_YAML.replace("title: Énergie\n", "title: Énergie et climat\n", 1)
INVALID_POINTS = THEME_YAML.replace("points: 0}", "points: -1}", 1).replace(
    "text: Avez-vous désigné un référent énergie ?", 'text: ""'
)


@pytest.mark.parametrize(
    ("content", "messages"),
    [
        (b"key: energie\ntitle: [\n", ["YAML invalide"]),
        (
            THEME_YAML.replace("title: Énergie\n", "", 1).encode(),
            ["energie.yaml: title: champ obligatoire manquant"],
        ),
        (
            INVALID_POINTS.encode(),
            [
                "energie.yaml: categories[0].questions[0].options[0].points: "
                "doit être supérieur ou égal à 0",
                "energie.yaml: categories[0].questions[1].text: ne doit pas être vide",
            ],
        ),
        (THEME_YAML.replace("max: 2.5", "max: 2.25", 1).encode(), ["trou entre 2,25 et 2,5"]),
        (
            THEME_YAML.replace("key: energie", "key: mobilite", 1).encode(),
            ["le fichier décrit le thème « mobilite », pas « energie »"],
        ),
        (("x: &a 1\n" + THEME_YAML).encode(), ["ancre YAML « &amp;a » refusée"]),
        ("key: énergie\n".encode("latin-1"), ["le fichier doit être encodé en UTF-8"]),
        (
            THEME_YAML.replace("title: Pilotage", 'title: "Pilo\\0tage"').encode(),
            ["categories[1].title: caractère de contrôle interdit (U+0000)"],
        ),
        (b"# " + b"x" * 1_000_001 + b"\n", ["fichier trop volumineux"]),
        (
            (
                THEME_YAML + RESOURCES_YAML.replace("https://example.org/aide", "ftp://aide")
            ).encode(),
            ["resources[1].url: adresse « ftp://aide » refusée"],
        ),
    ],
    ids=[
        "yaml-syntax",
        "missing-title",
        "negative-points-and-empty-text",
        "bands-with-a-gap",
        "another-theme",
        "anchor",
        "latin-1",
        "nul-character",
        "over-1-mb",
        "resource-url",
    ],
)
def test_an_invalid_import_lists_every_error_with_its_path_and_changes_nothing(
    client, login_as, world, theme, content, messages
):
    factories.make_resource(world.territory, "Diagnostic", key="diag", themes=[])
    login_as(world.admin)
    before = snapshot()

    response = upload(client, f"{BASE}/energie/importer", content)

    assert response.status_code == 400
    page = response.get_data(as_text=True).replace("&#39;", "'")
    assert "Le fichier n'est pas importé" in page
    for message in messages:
        assert message in page
    assert snapshot() == before


def test_an_import_lists_all_its_errors_at_once(client, login_as, world, theme):
    login_as(world.admin)

    response = upload(client, f"{BASE}/energie/importer", INVALID_POINTS.encode())

    assert "Le fichier n'est pas importé : 2 erreurs." in response.get_data(as_text=True)


def test_a_valid_import_becomes_the_draft_and_leaves_live_resources_until_publication(
    client, login_as, world, theme
):
    existing = factories.make_resource(
        world.territory, "Ancien titre", key="diag", themes=["mobilite"]
    )
    login_as(world.admin)
    before = snapshot()[1]

    response = upload(client, f"{BASE}/energie/importer", (VALID + RESOURCES_YAML).encode())

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{BASE}/energie/")
    db.session.expire_all()
    draft = drafts.draft_version(theme)
    assert draft.number == 2
    assert draft.created_by_id == world.admin.id
    assert [r["key"] for r in draft.definition["resources"]] == ["diag", "aide"]
    assert published_version(theme).number == 1  # nothing published yet
    assert snapshot()[1] == before  # the mobilité resource « diag » is untouched
    assert db.session.get(Resource, existing.id).title == "Ancien titre"


def test_publishing_an_imported_draft_updates_resources_by_key(client, login_as, world, theme):
    existing = factories.make_resource(
        world.territory, "Ancien titre", key="diag", themes=["mobilite"]
    )
    login_as(world.admin)
    upload(client, f"{BASE}/energie/importer", (VALID + RESOURCES_YAML).encode())

    response = client.post(f"{BASE}/energie/publier")

    assert response.status_code == 302
    db.session.expire_all()
    published = published_version(theme)
    assert published.number == 2
    expected = parse_definition_text(VALID, "attendu")
    assert published.definition == expected.to_data()
    diag = db.session.get(Resource, existing.id)
    assert diag.title == "Diagnostic énergie"
    assert diag.themes == ["mobilite", "energie"]
    assert diag.levels == ["premiers_pas", "en_progression"]
    aide = db.session.scalar(select(Resource).where(Resource.key == "aide"))
    assert aide.territory_id == world.territory.id
    assert aide.themes == ["energie"]
    assert aide.offer_type == "financement"
    assert aide.example is False


def test_discarding_an_imported_draft_never_touches_the_resources(world, theme):
    factories.make_resource(world.territory, "Ancien titre", key="diag", themes=["mobilite"])
    before = snapshot()[1]
    files.import_yaml(world.territory, VALID + RESOURCES_YAML, world.admin, theme)

    editor.discard_draft(theme)

    assert snapshot()[1] == before


def test_the_export_of_an_imported_draft_keeps_its_pending_resources(world, theme):
    factories.make_resource(world.territory, "Ancien titre", key="diag", themes=["energie"])
    draft = files.import_yaml(world.territory, VALID + RESOURCES_YAML, world.admin, theme)

    exported = parse_definition_text(files.export_yaml(draft), "export")

    assert [(r.key, r.title) for r in exported.resources] == [
        ("diag", "Diagnostic énergie"),
        ("aide", "Aide à l'investissement"),
    ]


def test_an_import_replaces_the_pending_draft(world, theme):
    editor.rename_theme(theme, "Titre provisoire", "", world.admin)
    draft_id = drafts.draft_version(theme).id

    files.import_yaml(world.territory, VALID, world.admin, theme)

    db.session.expire_all()
    draft = drafts.draft_version(theme)
    assert draft.id == draft_id
    assert draft.definition["title"] == "Énergie et climat"


def test_importing_from_the_theme_list_creates_a_new_theme(client, login_as, world, theme):
    login_as(world.admin)
    content = THEME_YAML.replace("key: energie", "key: numerique", 1).replace(
        "title: Énergie\n", "title: Numérique responsable\n", 1
    )

    response = upload(client, f"{BASE}/importer", content.encode(), "numerique.yaml")

    assert response.status_code == 302
    questionnaire = territory_questionnaire(world.territory.id, "numerique")
    assert questionnaire.title == "Numérique responsable"
    assert not questionnaire.enabled
    assert [v.status for v in drafts.versions_of(questionnaire)] == ["draft"]
    editor.publish_draft(questionnaire, world.admin)
    assert db.session.get(Questionnaire, questionnaire.id).enabled


def test_importing_an_existing_theme_from_the_list_is_refused(client, login_as, world, theme):
    login_as(world.admin)
    before = snapshot()

    response = upload(client, f"{BASE}/importer", THEME_YAML.encode())

    assert response.status_code == 400
    assert "le thème « energie » existe déjà" in response.get_data(as_text=True)
    assert snapshot() == before


def test_the_import_form_asks_for_a_file(client, login_as, world, theme):
    login_as(world.admin)

    response = client.post(f"{BASE}/energie/importer", data={}, content_type="multipart/form-data")

    assert response.status_code == 400
    assert 'id="file-error">Choisissez un fichier.' in response.get_data(as_text=True)


def test_exporting_then_importing_through_the_pages_gives_the_same_version(
    client, login_as, world, theme
):
    factories.make_resource(
        world.territory, "Diagnostic", key="diag", themes=["energie"], levels=["avance"]
    )
    login_as(world.admin)
    exported = client.get(f"{BASE}/energie/export.yaml").get_data()
    before = snapshot()[1]

    assert upload(client, f"{BASE}/energie/importer", exported).status_code == 302

    db.session.expire_all()
    assert drafts.draft_version(theme).content_hash == published_version(theme).content_hash
    assert snapshot()[1] == before


# --- Round trip ------------------------------------------------------------------------------

_territories = count(1)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(definition=definitions())
def test_export_then_import_is_lossless(world, definition: ThemeDefinition) -> None:
    territory = factories.make_territory(f"rt{next(_territories)}", "Aller-retour")

    draft = files.import_yaml(territory, dump_definition_yaml(definition), world.admin)
    assert parse_definition_text(files.export_yaml(draft), "brouillon") == definition

    published = editor.publish_draft(draft.questionnaire, world.admin)
    exported = files.export_yaml(published)
    assert parse_definition_text(exported, "publiée") == definition

    again = files.import_yaml(territory, exported, world.admin, published.questionnaire)
    assert again.content_hash == published.content_hash
    assert parse_definition_text(files.export_yaml(again), "réimportée") == definition


def test_a_title_with_line_breaks_survives_the_export(world, theme):
    editor.rename_theme(theme, "Énergie\nkey: piège\r\n# et climat", "", world.admin)

    text = files.export_yaml(drafts.draft_version(theme))

    assert parse_definition_text(text, "export").title == "Énergie\nkey: piège\r\n# et climat"


def test_a_draft_still_being_filled_is_exported_as_it_is(client, login_as, world):
    editor.add_theme(world.territory, "achats", "Achats responsables", world.admin)
    login_as(world.admin)

    response = client.get(f"{BASE}/achats/export.yaml")

    assert response.status_code == 200
    assert 'filename="achats-v1.yaml"' in response.headers["Content-Disposition"]
    with pytest.raises(DefinitionError, match=r"categories\[0\]\.questions: doit contenir"):
        parse_definition_text(response.get_data(as_text=True), "achats-v1.yaml")


# --- One validator -----------------------------------------------------------------------------

UNREADABLE = [
    (THEME_YAML.replace("points: 0}", "points: 1" + "0" * 4301 + "}", 1), "nombre trop grand"),
    (
        THEME_YAML.replace("title: Énergie\n", "title: Énergie\ndescription: 2026-13-45\n", 1),
        "date « 2026-13-45 » illisible",
    ),
    (
        THEME_YAML.replace("points: 0}", 'points: !!int "abc"}', 1),
        "nombre entier « abc » illisible",
    ),
    (THEME_YAML.replace("points: 0}", 'points: !!float "x.y"}', 1), "nombre « x.y » illisible"),
    (
        THEME_YAML.replace("title: Énergie\n", "title: [Énergie\n", 1),
        "YAML invalide : « , » ou « ] » attendu",
    ),
]


@pytest.mark.parametrize(
    ("text", "message"), UNREADABLE, ids=["digits", "date", "int", "float", "syntax"]
)
def test_a_file_yaml_cannot_read_is_refused_alike_by_the_import_and_the_command(
    app, client, login_as, world, theme, tmp_path, text, message
):
    path = tmp_path / "energie.yaml"
    path.write_text(text, encoding="utf-8")
    login_as(world.admin)
    before = snapshot()

    response = upload(client, f"{BASE}/energie/importer", text.encode())
    command = app.test_cli_runner().invoke(args=["questionnaires", "validate", str(path)])

    assert response.status_code == 400
    page = response.get_data(as_text=True).replace("&#39;", "'")
    assert "energie.yaml: ligne" in page
    assert message in page
    assert snapshot() == before
    assert command.exit_code == 1
    assert command.exception is None or isinstance(command.exception, SystemExit)
    assert message in command.output
    assert "Traceback" not in command.output


def test_a_900_kb_title_gets_the_same_verdict_from_the_command_the_import_and_the_editor(
    app, client, login_as, world, theme, tmp_path
):
    title = "T" * 900_000
    text = THEME_YAML.replace("title: Énergie\n", f"title: {title}\n", 1)
    path = tmp_path / "energie.yaml"
    path.write_text(text, encoding="utf-8")
    verdict = "title: 200 caractères au plus (900000 ici)"
    login_as(world.admin)
    before = snapshot()

    command = app.test_cli_runner().invoke(args=["questionnaires", "validate", str(path)])
    imported = upload(client, f"{BASE}/energie/importer", text.encode())
    edited = client.post(f"{BASE}/energie/titre", data={"title": title, "description": ""})

    assert command.exit_code == 1
    assert verdict in command.output
    assert imported.status_code == 400
    assert verdict in imported.get_data(as_text=True)
    assert edited.status_code == 400
    # The editor's form states the same limit, on the field, before the file's validator runs.
    assert "ne doit pas dépasser 200 caractères" in edited.get_data(as_text=True)
    assert snapshot() == before


def test_a_weight_of_1e308_is_refused_by_the_editor_and_the_import(client, login_as, world, theme):
    login_as(world.admin)
    before = snapshot()
    text = THEME_YAML.replace("type: yes_no", "type: yes_no\n        weight: 1.0e+308", 1)

    imported = upload(client, f"{BASE}/energie/importer", text.encode())
    edited = client.post(
        f"{BASE}/energie/questions/referent/",
        data={
            "text": "Un référent ?",
            "type": "yes_no",
            "category": "connaissance",
            "weight": "1e308",
            "yes_points": "1",
            "no_points": "0",
            "has_vehicles": "",
        },
    )

    assert imported.status_code == 400
    assert "weight: doit être inférieur ou égal à 1000" in imported.get_data(as_text=True)
    assert edited.status_code == 400
    assert "inférieur ou égal à 1000" in edited.get_data(as_text=True)
    assert snapshot() == before


# --- The format, explained on the import page ------------------------------------------------


def test_the_import_page_explains_the_format_and_links_the_commented_example(
    client, login_as, world, theme
):
    login_as(world.admin)

    page = client.get(f"{BASE}/importer").get_data(as_text=True).replace("&#39;", "'")

    assert "Le format du fichier, en bref" in page
    assert "exclusive: true" in page
    assert f'href="{BASE}/exemple-theme.yaml"' in page
    assert "questionnaires/README.md" not in page


def test_the_commented_example_downloads_and_imports_as_a_new_theme(client, login_as, world, theme):
    login_as(world.admin)

    example = client.get(f"{BASE}/exemple-theme.yaml")

    assert example.status_code == 200
    assert "attachment" in example.headers["Content-Disposition"]
    text = example.get_data(as_text=True)
    assert text.count("#") > 30  # commented line by line
    definition = parse_definition_text(text, "exemple-theme.yaml")
    assert any(o.exclusive for _, q in definition.iter_questions() for o in q.options)
    imported = upload(client, f"{BASE}/importer", example.get_data(), "exemple-theme.yaml")
    assert imported.status_code == 302
    assert territory_questionnaire(world.territory.id, definition.key) is not None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            THEME_YAML.replace("key: energie", "key: mobilite", 1).encode(),
            'energie.yaml: key: the file describes the theme "mobilite", not "energie"',
        ),
        ("key: énergie\n".encode("latin-1"), "energie.yaml: the file must be encoded in UTF-8"),
    ],
    ids=["another-theme", "latin-1"],
)
def test_on_an_english_page_a_refused_theme_file_is_explained_in_english(
    client, login_as, world, theme, content, message
):
    login_as(world.admin)
    client.set_cookie("langue", "en")
    before = snapshot()

    response = upload(client, f"{BASE}/energie/importer", content)

    assert response.status_code == 400
    assert message in response.get_data(as_text=True).replace("&#34;", '"')
    assert snapshot() == before
