"""The questionnaire and territory commands, through Flask's CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from assett.extensions import db
from assett.models import Questionnaire, QuestionnaireVersion, Resource, Territory

DEFAULTS = Path(__file__).resolve().parent.parent / "questionnaires"


def versions_of(theme_key: str) -> list[str]:
    return list(
        db.session.scalars(
            select(QuestionnaireVersion.status)
            .join(Questionnaire)
            .where(Questionnaire.territory_id.is_(None), Questionnaire.theme_key == theme_key)
            .order_by(QuestionnaireVersion.number)
        )
    )


def test_validate_accepts_the_four_default_questionnaires(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["questionnaires", "validate"])
    assert result.exit_code == 0, result.output
    assert result.output.count("OK ") == 4


def test_validate_lists_every_error_with_its_file_and_path(app: Flask, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "key: bad\ntitle: Mauvais\ncategories:\n  - key: c\n    title: C\n    questions:\n"
        "      - key: q\n        text: Q ?\n        type: single_choice\n"
        "        options:\n          - {key: a, label: A, points: -1}\n"
        "          - {key: b, label: B, points: 1}\n"
        "bands:\n  - {key: x, label: X, min: 0, max: 2, explanation: x}\n",
        encoding="utf-8",
    )
    result = app.test_cli_runner().invoke(args=["questionnaires", "validate", str(bad)])
    assert result.exit_code == 1
    assert "bad.yaml" in result.output
    assert "categories[0].questions[0].options[0].points" in result.output
    assert "bands" in result.output


def test_load_creates_the_defaults_once_and_a_new_version_only_for_a_changed_file(
    app: Flask, tmp_path: Path
) -> None:
    folder = tmp_path / "questionnaires"
    shutil.copytree(DEFAULTS, folder)
    runner = app.test_cli_runner()

    first = runner.invoke(args=["questionnaires", "load", str(folder)])
    again = runner.invoke(args=["questionnaires", "load", str(folder)])
    assert first.exit_code == 0
    assert again.exit_code == 0
    assert "créé(s) : " in first.output
    assert "inchangé(s) : " in again.output
    assert "créé(s)" not in again.output
    assert versions_of("energie") == ["published"]

    energie = folder / "1-energie.yaml"
    energie.write_text(
        energie.read_text(encoding="utf-8").replace(
            "title: Énergie", "title: Énergie et climat", 1
        ),
        encoding="utf-8",
    )
    changed = runner.invoke(args=["questionnaires", "load", str(folder)])
    assert "nouvelle version : energie" in changed.output
    assert versions_of("energie") == ["archived", "published"]
    assert versions_of("mobilite") == ["published"]


def test_territory_create_gives_the_territory_its_own_copy_of_the_defaults(app: Flask) -> None:
    runner = app.test_cli_runner()
    runner.invoke(args=["questionnaires", "load"])

    result = runner.invoke(args=["territory", "create", "metropole", "Métropole test"])

    assert result.exit_code == 0, result.output
    territory = db.session.scalar(select(Territory).where(Territory.slug == "metropole"))
    assert territory is not None
    copies = db.session.scalars(
        select(Questionnaire).where(Questionnaire.territory_id == territory.id)
    ).all()
    assert len(copies) == 4
    assert all(copy.source_questionnaire_id is not None for copy in copies)
    own = db.session.scalar(
        select(func.count(Resource.id)).where(Resource.territory_id == territory.id)
    )
    assert own
    assert own == db.session.scalar(
        select(func.count(Resource.id)).where(Resource.territory_id.is_(None))
    )


def test_territory_create_refuses_a_bad_slug_with_a_message(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["territory", "create", "Mauvais Slug", "Nom"])
    assert result.exit_code == 1
    assert "identifiant" in result.output
