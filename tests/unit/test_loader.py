"""Loading questionnaire YAML: every bad file gets a precise French message."""

import re
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assett.domain.definitions import ThemeDefinition
from assett.domain.loader import (
    MAX_FILE_BYTES,
    DefinitionError,
    dump_definition_yaml,
    load_definition_file,
    load_directory,
    main,
    parse_definition_text,
    validate_definition,
)

README = Path(__file__).parents[2] / "questionnaires" / "README.md"

VALID = """\
key: exemple
title: Exemple
categories:
  - key: base
    title: Les bases
    questions:
      - key: q1
        text: Avez-vous un plan d'action ?
        type: yes_no
      - key: q2
        text: Suivez-vous vos factures ?
        type: single_choice
        options:
          - {key: aucun, label: Non, points: 0}
          - {key: annuel, label: Une fois par an, points: 1}
  - key: suite
    title: La suite
    questions:
      - key: q3
        text: Où en êtes-vous ?
        type: scale
bands:
  - {key: debut, label: Début, min: 0, max: 2.5, explanation: À lancer.}
  - {key: fin, label: Bien engagé, min: 2.5, max: 5, explanation: Continuez.}
resources:
  - key: diag
    title: Diagnostic
    provider: ADEME
    type: accompagnement
    description: Un accompagnement.
    url: https://example.org/
    levels: [debut]
"""


def edit(old: str, new: str) -> str:
    """Return VALID with one fragment replaced."""
    assert old in VALID
    return VALID.replace(old, new, 1)


def errors_of(text: str) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        parse_definition_text(text, "x.yaml")
    return caught.value.errors


BAD_FILES = [
    pytest.param(
        edit("title: Exemple\n", ""),
        "x.yaml: title: champ obligatoire manquant",
        id="missing title",
    ),
    pytest.param(
        edit("key: aucun", "key: no"),
        "x.yaml: categories[0].questions[1].options[0].key: doit être du texte, "
        "or YAML l'a lu comme un booléen",
        id="unquoted no read as a boolean",
    ),
    pytest.param(
        edit("key: q3", "key: 010"),
        "x.yaml: categories[1].questions[0].key: doit être du texte, "
        "or YAML l'a lu comme un nombre",
        id="numeric key",
    ),
    pytest.param(
        edit("type: scale", "type: scale\n        colour: red"),
        "x.yaml: categories[1].questions[0].colour: champ inconnu (ligne 22)",
        id="unknown field",
    ),
    pytest.param(
        edit("points: 1}", "points: -1}"),
        "x.yaml: categories[0].questions[1].options[1].points: "
        "doit être supérieur ou égal à 0 (ligne 15)",
        id="negative points",
    ),
    pytest.param(
        edit("          - {key: annuel, label: Une fois par an, points: 1}\n", ""),
        "x.yaml: categories[0].questions[1].options: "
        "une question single_choice doit proposer au moins 2 options",
        id="fewer than two options",
    ),
    pytest.param(
        edit("type: single_choice", "type: single_choice\n        max_points: 1"),
        "x.yaml: categories[0].questions[1].max_points: réservé aux questions multiple_choice",
        id="max_points on a single choice",
    ),
    pytest.param(
        edit("type: scale", "type: echelle"),
        "x.yaml: categories[1].questions[0].type: valeur « echelle » inconnue ; "
        "valeurs possibles : 'single_choice', 'multiple_choice', 'yes_no' ou 'scale'",
        id="unknown question type",
    ),
    pytest.param(
        edit("type: yes_no", "type: yes_no\n        weight: 0"),
        "x.yaml: categories[0].questions[0].weight: doit être strictement supérieur à 0",
        id="zero weight",
    ),
    pytest.param(
        edit("points: 1}", "points: 0}"),
        "x.yaml: categories[0].questions[1]: la question ne rapporte aucun point",
        id="question worth no point",
    ),
    pytest.param(
        edit("title: Exemple", 'title: "Ex\\0emple"'),
        "x.yaml: title: caractère de contrôle interdit (U+0000)",
        id="control character",
    ),
    pytest.param(
        edit("key: base", "key: Base"),
        "x.yaml: categories[0].key: identifiant « Base » invalide",
        id="upper-case key",
    ),
    pytest.param(
        edit("min: 2.5, max: 5", "min: 3, max: 5"),
        "x.yaml: bands: les niveaux doivent couvrir 0 à 5 : trou entre 2,5 et 3",
        id="band gap",
    ),
    pytest.param(
        edit("min: 2.5, max: 5", "min: 2, max: 5"),
        "x.yaml: bands: les niveaux doivent couvrir 0 à 5 : chevauchement entre 2 et 2,5",
        id="band overlap",
    ),
    pytest.param(
        edit("max: 5,", "max: 4.5,"),
        "x.yaml: bands: les niveaux doivent couvrir 0 à 5 : le dernier s'arrête à 4,5",
        id="bands not reaching 5",
    ),
    pytest.param(
        edit("min: 0,", "min: 0.5,"),
        "x.yaml: bands: les niveaux doivent couvrir 0 à 5 : le premier commence à 0,5",
        id="bands not starting at 0",
    ),
    pytest.param(
        edit("levels: [debut]", "levels: [debut, expert]"),
        "x.yaml: resources[0].levels[1]: niveau « expert » inconnu (niveaux : debut, fin)",
        id="unknown band in resource levels",
    ),
    pytest.param(
        edit("key: q3", "key: q1"),
        "x.yaml: categories[1].questions[0].key: question « q1 » en double "
        "(déjà dans la catégorie « base »)",
        id="question key repeated across categories",
    ),
    pytest.param(
        edit("https://example.org/", "ftp://example.org/"),
        "x.yaml: resources[0].url: adresse « ftp://example.org/ » refusée : "
        "elle doit commencer par http:// ou https://",
        id="bad url scheme",
    ),
    pytest.param(
        edit("title: Exemple", "title: &nom Exemple\ndescription: *nom"),
        "x.yaml: ligne 2: ancre YAML « &nom » refusée",
        id="anchor",
    ),
    pytest.param(
        edit("title: Exemple", "title: &nom Exemple\ndescription: *nom"),
        "x.yaml: ligne 3: alias YAML « *nom » refusé",
        id="alias",
    ),
    pytest.param(
        VALID + "#" * MAX_FILE_BYTES,
        "x.yaml: fichier trop volumineux",
        id="file over 1 MB",
    ),
    pytest.param(
        "- energie\n- mobilite\n",
        "x.yaml: le fichier doit décrire un thème : un bloc « clé: valeur » au premier niveau",
        id="not a mapping",
    ),
    pytest.param(
        "",
        "x.yaml: le fichier doit décrire un thème",
        id="empty file",
    ),
    pytest.param(
        edit("    title: La suite", "    title: [La suite"),
        "x.yaml: ligne 18, colonne 14: YAML invalide : « , » ou « ] » attendu, trouvé : « : » "
        "(dans la liste « [ ] » ouverte ligne 17, colonne 12)",
        id="YAML syntax error with its line",
    ),
    pytest.param(
        edit("title: Exemple", "title: Exemple\ntitle: Autre"),
        "x.yaml: ligne 3: clé « title » répétée",
        id="key repeated in one mapping",
    ),
    pytest.param(
        edit("title: Exemple", "title: " + "[" * 30 + "]" * 30),
        "x.yaml: ligne 2: structure YAML trop imbriquée (20 niveaux au plus)",
        id="deep nesting",
    ),
    pytest.param(
        edit("title: Exemple", "title: !!python/object/apply:os.system ['true']"),
        "x.yaml: ligne 2, colonne 8: YAML invalide : étiquette YAML "
        "« !!python/object/apply:os.system » refusée",
        id="python tag",
    ),
]

# Values PyYAML's safe loader cannot build: it raises a bare ValueError, with no line.
UNREADABLE_VALUES = [
    pytest.param(
        edit("points: 1}", "points: 1" + "0" * 4301 + "}"),
        "x.yaml: ligne 15, colonne 59: nombre trop grand (4302 chiffres)",
        id="integer of 4,302 digits",
    ),
    pytest.param(
        edit("title: Exemple", "title: Exemple\ndescription: 2026-13-45"),
        "x.yaml: ligne 3, colonne 14: date « 2026-13-45 » illisible",
        id="invalid date",
    ),
    pytest.param(
        edit("points: 1}", 'points: !!int "abc"}'),
        "x.yaml: ligne 15, colonne 59: nombre entier « abc » illisible",
        id="int tag on letters",
    ),
    pytest.param(
        edit("points: 1}", 'points: !!float "x.y"}'),
        "x.yaml: ligne 15, colonne 59: nombre « x.y » illisible",
        id="float tag on letters",
    ),
    pytest.param(
        edit("points: 1}", "points: 1" + "0" * 4000 + "}"),
        "x.yaml: categories[0].questions[1].options[1].points: nombre trop grand "
        "(15 chiffres au plus) (ligne 15)",
        id="integer too large for a float",
    ),
]

# PyYAML's English messages, said in French with the line and the column.
YAML_SYNTAX = [
    pytest.param(
        edit("title: Exemple", "title: Exemple: deux"),
        "x.yaml: ligne 2, colonne 15: YAML invalide : « : » inattendu ici : mettez la valeur "
        "entre guillemets",
        id="colon inside a value",
    ),
    pytest.param(
        edit("title: Exemple", "title: {a: 1"),
        "x.yaml: ligne 3, colonne 11: YAML invalide : « , » ou « } » attendu, trouvé : « : » "
        "(dans le bloc « { } » ouvert ligne 2, colonne 8)",
        id="unclosed brace",
    ),
    pytest.param(
        edit("  - key: suite", "\t- key: suite"),
        "x.yaml: ligne 16, colonne 1: YAML invalide : caractère interdit en début de valeur : "
        "une tabulation",
        id="tab indentation",
    ),
    pytest.param(
        edit("title: Exemple", "title: Ex\x00emple"),
        "x.yaml: ligne 2, colonne 10: YAML invalide : caractère spécial interdit (U+0000)",
        id="NUL character",
    ),
    pytest.param(
        edit("title: Exemple", 'title: "Ex\\qemple"'),
        "x.yaml: ligne 2, colonne 12: YAML invalide : séquence d'échappement « q » inconnue",
        id="unknown escape",
    ),
    pytest.param(
        VALID + "---\nkey: autre\n",
        "YAML invalide : un seul thème par fichier",
        id="two documents",
    ),
]

QUESTION = "categories[0].questions[0]"
BOUNDS = [
    pytest.param(
        edit("type: yes_no", "type: yes_no\n        weight: 1.0e+308"),
        f"x.yaml: {QUESTION}.weight: doit être inférieur ou égal à 1000 (ligne 10)",
        id="weight 1e308",
    ),
    pytest.param(
        edit("type: yes_no", "type: yes_no\n        yes_points: 1001"),
        f"x.yaml: {QUESTION}.yes_points: doit être inférieur ou égal à 1000",
        id="points over 1,000",
    ),
    pytest.param(
        edit("points: 1}", "points: 5000}"),
        "categories[0].questions[1].options[1].points: doit être inférieur ou égal à 1000",
        id="option points over 1,000",
    ),
    pytest.param(
        edit("title: Exemple", "title: " + "x" * 900_000),
        "x.yaml: title: 200 caractères au plus (900000 ici) (ligne 2)",
        id="900 KB title",
    ),
    pytest.param(
        edit("text: Avez-vous un plan d'action ?", "text: " + "q" * 1001),
        f"x.yaml: {QUESTION}.text: 1000 caractères au plus (1001 ici)",
        id="long question text",
    ),
    pytest.param(
        edit(
            "{key: aucun, label: Non, points: 0}",
            "{key: aucun, label: " + "n" * 301 + ", points: 0}",
        ),
        "categories[0].questions[1].options[0].label: 300 caractères au plus (301 ici)",
        id="long option label",
    ),
    pytest.param(
        edit("label: Début,", "label: " + "d" * 121 + ","),
        "x.yaml: bands[0].label: 120 caractères au plus (121 ici)",
        id="long band label",
    ),
    pytest.param(
        edit("https://example.org/", "https://example.org/" + "a" * 500),
        "x.yaml: resources[0].url: 500 caractères au plus (520 ici)",
        id="long url",
    ),
    pytest.param(
        edit(
            "          - {key: annuel, label: Une fois par an, points: 1}\n",
            "".join(f"          - {{key: o{i}, label: O{i}, points: 1}}\n" for i in range(30)),
        ),
        "categories[0].questions[1].options: 30 éléments au plus (31 ici)",
        id="31 options",
    ),
    pytest.param(
        edit(
            "        type: scale\n",
            "        type: scale\n"
            + "".join(f"      - {{key: n{i}, text: Q{i}, type: yes_no}}\n" for i in range(198)),
        ),
        "x.yaml: categories: un thème compte 200 questions au plus (201 ici)",
        id="201 questions",
    ),
]


@pytest.mark.parametrize(("text", "message"), UNREADABLE_VALUES + YAML_SYNTAX + BOUNDS)
def test_a_file_yaml_cannot_read_or_over_a_bound_is_refused_with_its_line(
    text: str, message: str
) -> None:
    errors = errors_of(text)
    assert any(message in error for error in errors), errors


def test_an_error_never_quotes_a_whole_huge_value() -> None:
    errors = errors_of(edit("key: exemple", "key: " + "É" * 100_000))
    assert errors
    assert all(len(error) < 400 for error in errors), [len(error) for error in errors]


@pytest.mark.parametrize(("text", "message"), BAD_FILES)
def test_a_bad_file_is_refused_with_its_path_and_reason(text: str, message: str) -> None:
    errors = errors_of(text)
    assert any(message in error for error in errors), errors


def test_every_error_is_reported_at_once() -> None:
    text = VALID.replace("title: Exemple\n", "").replace("points: 1}", "points: -1}")
    text = text.replace("type: scale", "type: scale\n        colour: red")
    errors = errors_of(text)
    assert len(errors) == 3, errors
    assert "title: champ obligatoire manquant" in errors[0]
    assert "options[1].points" in errors[1]
    assert "colour: champ inconnu" in errors[2]


def test_band_and_question_errors_are_reported_together() -> None:
    text = edit("min: 2.5, max: 5", "min: 3, max: 5").replace("points: 1}", "points: -1}")
    errors = errors_of(text)
    assert len(errors) == 2, errors


def test_validate_definition_reports_paths_without_lines() -> None:
    with pytest.raises(DefinitionError) as caught:
        validate_definition({"key": "x", "title": "X", "categories": [], "bands": []}, "db")
    assert caught.value.errors == [
        "db: categories: doit contenir au moins 1 élément(s)",
        "db: bands: doit contenir au moins 1 élément(s)",
    ]


def readme_examples() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


@pytest.mark.parametrize("text", readme_examples(), ids=["format", "english", "minimal"])
def test_the_readme_examples_load_and_round_trip(text: str) -> None:
    definition = parse_definition_text(text, "README.md")
    dumped = dump_definition_yaml(definition)
    assert parse_definition_text(dumped, "dump") == definition
    assert parse_definition_text(dumped, "dump").content_hash() == definition.content_hash()


def test_the_dump_leaves_defaults_out() -> None:
    dumped = dump_definition_yaml(parse_definition_text(VALID, "x.yaml"))
    for default in ("required", "allow_not_applicable", "weight", "yes_points", "example"):
        assert not re.search(rf"^ *{default}:", dumped, re.MULTILINE)
    assert "points: 1\n" in dumped


def test_a_file_over_the_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "gros.yaml"
    path.write_text(VALID + "#" * MAX_FILE_BYTES, encoding="utf-8")
    with pytest.raises(DefinitionError, match="fichier trop volumineux"):
        load_definition_file(path)


def test_a_file_not_in_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(VALID.encode("latin-1"))
    with pytest.raises(DefinitionError, match="encodé en UTF-8"):
        load_definition_file(path)


def test_load_directory_reports_the_errors_of_every_file(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(VALID, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(VALID.replace("title: Exemple\n", ""), encoding="utf-8")
    (tmp_path / "c.yaml").write_text(VALID.replace("points: 1}", "points: -1}"), encoding="utf-8")
    (tmp_path / "d.yaml").write_text(VALID, encoding="utf-8")
    with pytest.raises(DefinitionError) as caught:
        load_directory(tmp_path)
    errors = caught.value.errors
    assert len(errors) == 3, errors
    assert errors[0].startswith(f"{tmp_path / 'b.yaml'}: title")
    assert errors[1].startswith(f"{tmp_path / 'c.yaml'}: categories[0]")
    assert errors[2] == f"{tmp_path / 'd.yaml'}: key: thème « exemple » déjà défini dans " + str(
        tmp_path / "a.yaml"
    )


def test_load_directory_returns_the_themes_in_file_order(tmp_path: Path) -> None:
    (tmp_path / "2.yaml").write_text(VALID.replace("key: exemple", "key: mobilite"), "utf-8")
    (tmp_path / "1.yaml").write_text(VALID.replace("key: exemple", "key: energie"), "utf-8")
    (tmp_path / "notes.txt").write_text("pas un thème", "utf-8")
    assert [d.key for d in load_directory(tmp_path)] == ["energie", "mobilite"]


def test_the_command_line_says_ok_or_lists_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(VALID, encoding="utf-8")
    bad.write_text(VALID.replace("title: Exemple\n", ""), encoding="utf-8")
    assert main([str(good)]) == 0
    assert "OK (thème « exemple », 3 questions)" in capsys.readouterr().out
    assert main([str(good), str(bad)]) == 1
    assert "title: champ obligatoire manquant" in capsys.readouterr().err


KEYS = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,12}", fullmatch=True)
CHARACTERS = st.characters(exclude_categories=("Cs", "Cc"), include_characters="\t\n\r")
TEXTS = st.text(CHARACTERS, min_size=1, max_size=30)
POINTS = st.one_of(
    st.integers(0, 10).map(float), st.floats(0, 100, allow_nan=False, allow_infinity=False)
)


def english(first: str, *others: str) -> st.SearchStrategy[dict[str, str]]:
    """An `en:` block: its first text always, the others sometimes."""
    return st.fixed_dictionaries({first: TEXTS}, optional={name: TEXTS for name in others})


def with_english(draw: st.DrawFn, node: dict[str, Any], *names: str) -> dict[str, Any]:
    """The node, with an English block half of the time."""
    if draw(st.booleans()):
        node["en"] = draw(english(*names))
    return node


@st.composite
def options(draw: st.DrawFn) -> list[dict[str, Any]]:
    keys = draw(st.lists(KEYS, min_size=2, max_size=4, unique=True))
    found = [
        with_english(draw, {"key": key, "label": draw(TEXTS), "points": draw(POINTS)}, "label")
        for key in keys
    ]
    found[0]["points"] = draw(st.floats(0.5, 10))  # so that the question is worth something
    return found


@st.composite
def questions(draw: st.DrawFn, key: str) -> dict[str, Any]:
    kind = draw(st.sampled_from(["single_choice", "multiple_choice", "yes_no", "scale"]))
    question: dict[str, Any] = {"key": key, "text": draw(TEXTS), "type": kind}
    with_english(draw, question, "text", "help")
    optional = {
        "help": TEXTS,
        "required": st.booleans(),
        "allow_not_applicable": st.booleans(),
        "weight": st.floats(0.1, 10),
        "applies_if": st.fixed_dictionaries(
            {},
            optional={
                "has_vehicles": st.booleans(),
                "headcount_min": st.integers(0, 250),
                "legal_type": st.lists(st.sampled_from(["entreprise", "autre"]), min_size=1),
                "naf_section": st.lists(st.sampled_from(["A", "C", "U"]), min_size=1),
            },
        ),
    }
    for name, strategy in optional.items():
        if draw(st.booleans()):
            question[name] = draw(strategy)
    if kind in ("single_choice", "multiple_choice"):
        question["options"] = draw(options())
    if kind == "multiple_choice" and draw(st.booleans()):
        question["max_points"] = question["options"][0]["points"]
    if kind == "yes_no":
        question["yes_points"] = draw(st.floats(0.5, 5))
        question["no_points"] = draw(POINTS)
    if kind == "scale" and draw(st.booleans()):
        question["scale_labels"] = {"min": draw(TEXTS), "max": draw(TEXTS)}
    return question


@st.composite
def definitions(draw: st.DrawFn) -> ThemeDefinition:
    category_keys = draw(st.lists(KEYS, min_size=1, max_size=3, unique=True))
    question_keys = iter(draw(st.lists(KEYS, min_size=6, max_size=6, unique=True)))
    categories = [
        with_english(
            draw,
            {
                "key": key,
                "title": draw(TEXTS),
                "questions": [draw(questions(next(question_keys))) for _ in range(2)],
            },
            "title",
            "description",
        )
        for key in category_keys
    ]
    cuts = sorted(draw(st.sets(st.sampled_from([0.5, 1, 1.5, 2.25, 2.5, 4]), max_size=3)))
    bounds = [0, *cuts, 5]
    band_keys = draw(
        st.lists(KEYS, min_size=len(bounds) - 1, max_size=len(bounds) - 1, unique=True)
    )
    bands = [
        with_english(
            draw,
            {"key": key, "label": draw(TEXTS), "min": low, "max": high, "explanation": draw(TEXTS)},
            "label",
            "explanation",
        )
        for key, (low, high) in zip(band_keys, pairwise(bounds), strict=True)
    ]
    resources = [
        {
            "key": "ressource",
            "title": draw(TEXTS),
            "provider": draw(TEXTS),
            "type": "outil",
            "description": draw(TEXTS),
            "url": "https://example.org/outil?x=1",
            "levels": band_keys[:1],
            "needs": draw(st.lists(st.sampled_from(["humaines", "techniques"]), unique=True)),
            "example": draw(st.booleans()),
        }
    ]
    with_english(draw, resources[0], "title", "description")
    data = {"key": draw(KEYS), "title": draw(TEXTS), "categories": categories, "bands": bands}
    with_english(draw, data, "title", "description")
    if draw(st.booleans()):
        data["resources"] = resources
    if draw(st.booleans()):
        data["description"] = draw(st.text(CHARACTERS, max_size=40))
    return ThemeDefinition.model_validate(data)


@settings(max_examples=100, deadline=None)
@given(definitions())
def test_any_valid_definition_survives_a_dump_and_parse(definition: ThemeDefinition) -> None:
    parsed = parse_definition_text(dump_definition_yaml(definition), "x")
    assert parsed == definition
    assert parsed.content_hash() == definition.content_hash()


def test_libyaml_and_the_python_parser_read_every_shipped_file_alike() -> None:
    """Valid files go through libyaml for speed: it must build what the Python parser builds."""
    import yaml as pyyaml

    from assett.domain.yaml_messages import FastStrictSafeLoader, StrictSafeLoader

    assert FastStrictSafeLoader is not None, "PyYAML without libyaml: loading is ten times slower"
    root = Path(__file__).resolve().parents[2]
    files = sorted([*root.glob("questionnaires/*.yaml"), *root.glob("actions/*.yaml")])
    assert len(files) >= 8
    for path in files:
        text = path.read_text(encoding="utf-8")
        fast = pyyaml.load(text, Loader=FastStrictSafeLoader)  # noqa: S506  (a safe loader)
        slow = pyyaml.load(text, Loader=StrictSafeLoader)  # noqa: S506  (a safe loader)
        assert fast == slow, path.name
