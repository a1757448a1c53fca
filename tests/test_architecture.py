"""The layers hold: import-linter's contracts pass, and blueprints reach the database only
through services and access checks."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, before_render_template, template_rendered
from flask.testing import FlaskClient
from sqlalchemy import event

from assett.domain import scoring
from assett.extensions import db
from assett.services.assessments import profile_of
from assett.services.questionnaires import (
    definition_of,
    published_version,
    territory_questionnaire,
)

from . import factories

ROOT = Path(__file__).parents[1]
PACKAGE = ROOT / "assett"
CONTRACTS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
    "importlinter"
]["contracts"]


def _contract(contract_id: str) -> dict[str, Any]:
    return next(contract for contract in CONTRACTS if contract["id"] == contract_id)


def _blueprint_packages() -> list[str]:
    """Every package of the app that defines a Flask blueprint."""
    return sorted(
        f"assett.{init.parent.name}"
        for init in PACKAGE.glob("*/__init__.py")
        if "Blueprint(" in init.read_text(encoding="utf-8")
    )


def _blueprint_modules() -> list[Path]:
    return sorted(
        path
        for package in _blueprint_packages()
        for path in (PACKAGE / package.removeprefix("assett.")).rglob("*.py")
    )


def database_uses(source: str) -> list[str]:
    """The ways a module reaches the database directly: importing `db`, or `Model.query`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("extensions"):
            found += [f"imports {alias.name}" for alias in node.names if alias.name == "db"]
        elif isinstance(node, ast.Attribute) and node.attr == "query":
            owner = node.value
            if isinstance(owner, ast.Name) and owner.id[:1].isupper():
                found.append(f"{owner.id}.query")
        elif isinstance(node, ast.Attribute) and node.attr == "session":
            if isinstance(node.value, ast.Name) and node.value.id == "db":
                found.append("db.session")
    return found


def test_the_import_contracts_are_kept() -> None:
    # Its own process: import-linter reconfigures logging, which other tests rely on.
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(  # noqa: S603  # a fixed command, no user input
        [lint_imports, "--no-cache", "--no-logo", ROOT / "pyproject.toml"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_blueprint_is_held_by_the_contracts() -> None:
    blueprints = _blueprint_packages()
    top_layer = _contract("layers")["layers"][0]
    assert sorted(f"assett.{name.strip()}" for name in top_layer.split(":")) == blueprints
    assert sorted(_contract("views-run-no-query")["source_modules"]) == blueprints


def test_the_blueprints_have_modules_to_check() -> None:
    assert len(_blueprint_modules()) >= len(_blueprint_packages())


@pytest.mark.parametrize(
    "path", _blueprint_modules(), ids=lambda path: str(path.relative_to(PACKAGE))
)
def test_blueprint_modules_reach_the_database_only_through_services(path: Path) -> None:
    assert database_uses(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("from ..extensions import db, limiter", ["imports db"]),
        ("from assett.extensions import db", ["imports db"]),
        ("from ..extensions import limiter", []),
        ("rows = Organisation.query.all()", ["Organisation.query"]),
        ("db.session.get(Territory, 1)", ["db.session"]),
        ("query = request.args.get('q')", []),
        ("form.query.data", []),
    ],
)
def test_the_guard_recognises_direct_database_access(source: str, found: list[str]) -> None:
    assert database_uses(source) == found


def commits_by_hand(source: str) -> list[int]:
    """The lines of `source` that commit a session themselves (a rollback that ends a read
    writes nothing)."""
    found = re.compile(r"\.commit\(\)")
    return [number for number, line in enumerate(source.splitlines(), 1) if found.search(line)]


@pytest.mark.parametrize(
    "path",
    [
        path
        for path in sorted((PACKAGE / "services").glob("*.py"))
        if path.name != "unit_of_work.py"
    ],
    ids=lambda path: path.name,
)
def test_services_commit_only_through_the_unit_of_work(path: Path) -> None:
    # A service's transaction begins and ends in unit_of_work.transaction(), which takes
    # SQLite's write lock before its first read: a commit by hand would write after a plain read.
    assert commits_by_hand(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("    db.session.commit()", [1]),
        ("x = 1\n    session.commit()  # done", [2]),
        ("    db.session.rollback()  # end the read", []),
        ("with transaction():\n    pass", []),
    ],
)
def test_the_commit_guard_recognises_a_commit_by_hand(source: str, found: list[int]) -> None:
    assert commits_by_hand(source) == found


# Templates run no query: each page's data is loaded by its view, through services.


def _every_answer(org: Any, theme_key: str) -> dict[str, Any]:
    """The first option (or « oui », or 3) for every question that applies to the organisation."""
    questionnaire = territory_questionnaire(org.territory_id, theme_key)
    assert questionnaire is not None
    version = published_version(questionnaire)
    assert version is not None
    answers: dict[str, Any] = {}
    for _category, question in scoring.applicable_questions(
        definition_of(version), profile_of(org)
    ):
        if question.type == "single_choice":
            answers[question.key] = question.options[0].key
        elif question.type == "multiple_choice":
            answers[question.key] = [question.options[0].key]
        elif question.type == "yes_no":
            answers[question.key] = "oui"
        else:
            answers[question.key] = 3
    return answers


def _queries_while_rendering(app: Flask, client: FlaskClient, url: str) -> list[str]:
    """The SQL statements run while the page's template renders, on a fresh session."""
    rendering: list[bool] = []
    statements: list[str] = []

    def start(*_args: Any, **_kwargs: Any) -> None:
        rendering.append(True)

    def stop(*_args: Any, **_kwargs: Any) -> None:
        rendering.clear()

    def count(_connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if rendering:
            statements.append(statement)

    # A request in production starts with an empty session: nothing is loaded already.
    db.session.expunge_all()
    event.listen(db.engine, "before_cursor_execute", count)
    before_render_template.connect(start, app)
    template_rendered.connect(stop, app)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
        before_render_template.disconnect(start, app)
        template_rendered.disconnect(stop, app)
    assert response.status_code == 200, url
    return statements


@pytest.fixture
def busy_world(world: factories.World) -> dict[str, Any]:
    """The personas with two results, a draft, a resource, a charter, a cohort, two territories."""
    factories.provision_defaults(world.territory)
    factories.make_assessment(world.org, "energie", _every_answer(world.org, "energie"))
    factories.make_assessment(world.org, "energie", _every_answer(world.org, "energie"))
    factories.make_assessment(world.org, "mobilite", _every_answer(world.org, "mobilite"))
    factories.make_assessment(world.org, "dechets-economie-circulaire", {}, submitted_at=False)
    factories.make_resource(world.territory)
    factories.make_charter(world.territory)
    cohort = factories.make_cohort(world.territory, members=(world.org, world.other_org))
    factories.make_org(world.other_territory, "Menuiserie Leroy", members=(world.actor,))
    factories.give_role(world.admin, world.other_territory, "animator")
    org = world.org.id
    return {
        "actor": (
            world.actor,
            [
                "/mon-espace",
                f"/o/{org}/",
                f"/o/{org}/resultats",
                f"/o/{org}/progression",
                f"/o/{org}/membres",
                f"/o/{org}/profil",
                f"/o/{org}/partage",
                f"/o/{org}/charte",
                "/t/demo/ressources",
                "/t/demo/annuaire",
            ],
        ),
        "admin": (
            world.admin,
            [
                "/mon-espace",
                "/t/demo/admin/",
                "/t/demo/admin/questionnaires/",
                "/t/demo/admin/questionnaires/energie/",
                "/t/demo/admin/questionnaires/energie/versions",
                "/t/demo/admin/ressources",
                "/t/demo/admin/cohortes",
                f"/t/demo/admin/cohortes/{cohort.id}",
                "/t/demo/admin/charte",
                "/t/demo/admin/charte/signataires",
            ],
        ),
        "platform admin": (world.platform_admin, ["/plateforme/"]),
    }


@pytest.mark.parametrize("persona", ["actor", "admin", "platform admin"])
def test_the_pages_of_each_persona_render_without_a_query(
    app: Flask, login_as: Any, busy_world: dict[str, Any], persona: str
) -> None:
    user, urls = busy_world[persona]
    client = login_as(user)
    queried = {url: _queries_while_rendering(app, client, url) for url in urls}
    assert {url: statements for url, statements in queried.items() if statements} == {}
